package server

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestRefreshRotation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		send func(h *harness, refreshToken string) result
	}{
		{"path", func(h *harness, rt string) result {
			return h.refresh(rt)
		}},
		{"JSON body", func(h *harness, rt string) result {
			return h.post("/api/refreshJwt", `{"refreshToken":"`+rt+`"}`)
		}},
		{"header", func(h *harness, rt string) result {
			return h.must(request{method: "POST", path: "/api/refreshJwt", header: map[string]string{"X-Refresh-Token": rt}})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, Config{}, nil)
			old := h.login("demo", "demo")
			h.s.ExpireAccessTokens()

			r := tt.send(h, old.RefreshToken)
			wantCode(t, r, http.StatusOK, CodeOK)
			if cc := r.Header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control %q", cc)
			}
			next := decodeData[tokenPair](t, r)
			if next.Token == old.Token || next.RefreshToken == old.RefreshToken || next.RefreshToken == "" {
				t.Fatalf("not rotated: %+v", next)
			}
			wantCode(t, h.get("/api/user/info", next.Token), 200, CodeOK)

			// The new refresh token works once more; the old one is spent.
			second := tt.send(h, next.RefreshToken)
			wantCode(t, second, 200, CodeOK)
			if got := h.stats().Refreshed; got != 2 {
				t.Errorf("Refreshed %d, want 2", got)
			}
		})
	}
}

func TestRefreshReuseRevokesFamily(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{}, nil)
	a1 := h.login("demo", "demo")
	b1 := h.login("demo", "demo") // another session (family) of the same user

	a2 := decodeData[tokenPair](t, h.refresh(a1.RefreshToken))
	a3 := decodeData[tokenPair](t, h.refresh(a2.RefreshToken))

	r := h.refresh(a1.RefreshToken) // reuse
	wantCode(t, r, 200, CodeRelogin)
	if r.Message != msgRelogin {
		t.Errorf("message %q", r.Message)
	}
	// The newest token of the family is revoked with it.
	wantCode(t, h.refresh(a3.RefreshToken), 200, CodeRelogin)
	// Access tokens live on until they expire: only refresh tokens are revoked.
	wantCode(t, h.get("/api/user/info", a3.Token), 200, CodeOK)
	// The other family is untouched.
	wantCode(t, h.refresh(b1.RefreshToken), 200, CodeOK)

	if st := h.stats(); st.Reused != 1 || st.Refreshed != 3 || st.ReloginAnswers != 2 {
		t.Errorf("stats %+v", st)
	}
}

func TestRefreshRejected(t *testing.T) {
	t.Parallel()
	key := []byte(strings.Repeat("k", 32))
	h := newHarness(t, Config{Key: key, RefreshTTL: time.Hour}, nil)
	twin := newHarness(t, Config{Key: key}, nil) // same key, its own records
	pair := h.login("demo", "demo")
	unknown := twin.login("demo", "demo")

	tests := []struct {
		name         string
		rq           request
		before       func()
		status, code int
	}{
		{"garbage", request{method: "POST", path: "/api/refreshJwt/garbage"}, nil, 200, CodeRelogin},
		{"access token", request{method: "POST", path: "/api/refreshJwt/" + pair.Token}, nil, 200, CodeRelogin},
		{"unknown jti", request{method: "POST", path: "/api/refreshJwt/" + unknown.RefreshToken}, nil, 200, CodeRelogin},
		{"no token", request{method: "POST", path: "/api/refreshJwt"}, nil, 200, CodeRelogin},
		{"empty JSON token", request{method: "POST", path: "/api/refreshJwt", body: []byte(`{}`)}, nil, 200, CodeRelogin},
		{"bad JSON", request{method: "POST", path: "/api/refreshJwt", body: []byte(`{"refreshToken":`)}, nil, 400, CodeBadRequest},
		{"wrong type", request{method: "POST", path: "/api/refreshJwt", body: []byte(`{"refreshToken":1}`)}, nil, 400, CodeBadRequest},
		{"oversized", request{method: "POST", path: "/api/refreshJwt", body: []byte(`"` + strings.Repeat("a", smallBodyLimit))}, nil, 413, CodeTooLarge},
		{"expired", request{method: "POST", path: "/api/refreshJwt/" + pair.RefreshToken}, func() { h.clock.Advance(time.Hour) }, 200, CodeRelogin},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.before != nil {
				tt.before()
			}
			wantCode(t, h.must(tt.rq), tt.status, tt.code)
		})
	}
	if st := h.stats(); st.Refreshed != 0 || st.Reused != 0 || st.RefreshCalls != int64(len(tests)) {
		t.Errorf("stats %+v", st)
	}
}

func TestRevokeRefreshTokens(t *testing.T) {
	t.Parallel()
	for _, how := range []string{"method"} { // the route: package admin's TestAdminRoutes
		t.Run(how, func(t *testing.T) {
			h := newHarness(t, Config{}, nil)
			p1 := h.login("demo", "demo")
			_, r2, err := h.s.IssuePair("ann")
			if err != nil {
				t.Fatal(err)
			}
			if err := h.s.RevokeRefreshTokens(); err != nil {
				t.Fatal(err)
			}
			wantCode(t, h.refresh(p1.RefreshToken), 200, CodeRelogin)
			wantCode(t, h.refresh(r2), 200, CodeRelogin)

			p3 := h.login("demo", "demo")
			wantCode(t, h.refresh(p3.RefreshToken), 200, CodeOK)
		})
	}
}

// TestRefreshRace presents one refresh token 50 times at once, as a client without
// single-flight would, to a server without a grace window: one call wins, reuse revokes
// the family, so even the winner's new refresh token is dead. (TestRefreshGraceConcurrent
// is the same race within the window.)
func TestRefreshRace(t *testing.T) {
	t.Parallel()
	const n = 50
	h := newHarness(t, Config{RefreshGrace: -1}, nil)
	pair := h.login("demo", "demo")

	start := make(chan struct{})
	results := make([]result, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			results[i], errs[i] = h.do(request{method: "POST", path: "/api/refreshJwt/" + pair.RefreshToken})
		})
	}
	close(start)
	wg.Wait()

	var winners []tokenPair
	relogins := 0
	for i, r := range results {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		switch r.Code {
		case CodeOK:
			winners = append(winners, decodeData[tokenPair](t, r))
		case CodeRelogin:
			relogins++
		default:
			t.Errorf("unexpected reply %s", r.Raw)
		}
	}
	if len(winners) != 1 || relogins != n-1 {
		t.Fatalf("%d successes and %d relogins, want 1 and %d", len(winners), relogins, n-1)
	}
	st := h.stats()
	if st.Reused < 1 || st.Refreshed != 1 || st.RefreshCalls != n || st.ReloginAnswers != n-1 {
		t.Errorf("stats %+v", st)
	}
	wantCode(t, h.refresh(winners[0].RefreshToken), 200, CodeRelogin)
}

func TestMemoryStoreSweep(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{RefreshTTL: time.Minute}, nil)
	for range minSweep {
		if _, _, err := h.s.IssuePair("demo"); err != nil {
			t.Fatal(err)
		}
	}
	h.clock.Advance(time.Minute)
	live := h.login("demo", "demo") // the 1025th family triggers a sweep of the expired ones
	ms := h.s.cfg.Store.(*memoryStore)
	ms.mu.Lock()
	families := len(ms.families)
	ms.mu.Unlock()
	if families != 1 {
		t.Errorf("after sweep: %d families, want 1", families)
	}
	wantCode(t, h.refresh(live.RefreshToken), 200, CodeOK)
}
