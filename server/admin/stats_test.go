package admin

import (
	"context"
	"encoding/json"
	"errors"
	"log"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/authfetch/authfetch/server"
)

func TestStats(t *testing.T) {
	t.Parallel()
	h := newHarness(t, server.Config{RefreshGrace: -1}, nil)
	p := h.login("demo", "demo")
	h.post("/api/login", `{"username":"demo","password":"wrong"}`) // not a login
	h.get("/api/user/info", p.Token)                               // requests 1
	h.get("/api/user/info", "")                                    // invalid 1
	h.s.ExpireAccessTokens()
	h.get("/api/user/info", p.Token)                            // expired 1
	next := decodeData[tokenPair](t, h.refresh(p.RefreshToken)) // calls 1, refreshed 1
	h.refresh(p.RefreshToken)                                   // calls 2, reused 1, relogin 1
	h.refresh(next.RefreshToken)                                // calls 3, relogin 2
	h.get("/api/user/info", next.Token)                         // requests 2

	want := Stats{RefreshCalls: 3, Refreshed: 1, Reused: 1, ReloginAnswers: 2,
		ExpiredAnswers: 1, InvalidAnswers: 1, Logins: 1, Requests: 2}
	if got := h.s.Stats(); got != want {
		t.Errorf("Stats() = %+v,\nwant %+v", got, want)
	}

	r := h.get("/api/admin/stats", "")
	wantCode(t, r, 200, server.CodeOK)
	var fields map[string]int64
	if err := json.Unmarshal(r.Data, &fields); err != nil {
		t.Fatal(err)
	}
	wantFields := map[string]int64{"refreshCalls": 3, "refreshed": 1, "reused": 1, "graced": 0, "reloginAnswers": 2,
		"expiredAnswers": 1, "invalidAnswers": 1, "logins": 1, "requests": 2}
	for k, v := range wantFields {
		if fields[k] != v || len(fields) != len(wantFields) {
			t.Errorf("stats JSON %s: want %s = %d", r.Data, k, v)
		}
	}

	wantCode(t, h.admin("reset"), 200, server.CodeOK)
	if got := h.s.Stats(); got != (Stats{}) {
		t.Errorf("after reset: %+v", got)
	}
}

// TestRoutes: the rigging's routes beside the product's, with the product's JSON 404 and
// 405 for what neither serves.
func TestRoutes(t *testing.T) {
	t.Parallel()
	h := newHarness(t, server.Config{}, nil)
	for _, tt := range []struct {
		method, path string
		status, code int
		allow        string
	}{
		{"GET", "/api/admin/reset", 405, server.CodeMethodNotAllowed, "POST"},
		{"POST", "/api/hold?gate=a", 405, server.CodeMethodNotAllowed, "GET, HEAD"},
		{"GET", "/api/refreshJwt/abc", 405, server.CodeMethodNotAllowed, "POST"},
		{"GET", "/api/admin/nope", 404, server.CodeNotFound, ""},
	} {
		r := h.must(request{method: tt.method, path: tt.path})
		wantCode(t, r, tt.status, tt.code)
		if got := r.Header.Get("Allow"); got != tt.allow {
			t.Errorf("%s %s: Allow %q, want %q", tt.method, tt.path, got, tt.allow)
		}
	}

	p := h.login("demo", "demo")
	wantCode(t, h.admin("revoke-refresh"), 200, server.CodeOK)
	wantCode(t, h.refresh(p.RefreshToken), 200, server.CodeRelogin)
}

// downStore is a Store that can be made unreachable.
type downStore struct {
	server.Store
	mu   sync.Mutex
	down bool
}

var errDown = errors.New("store down")

func (s *downStore) RevokeAll(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.down {
		return errDown
	}
	return s.Store.RevokeAll(ctx)
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

// TestRevokeRouteStoreDown: a store that fails is a 503 and a line in the log, not a
// success.
func TestRevokeRouteStoreDown(t *testing.T) {
	t.Parallel()
	store := &downStore{Store: server.NewMemoryStore(), down: true}
	var logged syncBuffer
	h := newHarness(t, server.Config{Store: store, ErrorLog: log.New(&logged, "", 0)}, nil)
	wantCode(t, h.admin("revoke-refresh"), http.StatusServiceUnavailable, server.CodeUnavailable)
	logged.mu.Lock()
	defer logged.mu.Unlock()
	if want := "revoke refresh tokens: answered 503: server: session store: store down"; !strings.Contains(logged.b.String(), want) {
		t.Errorf("the log does not say %q:\n%s", want, logged.b.String())
	}
}
