package server

import (
	"bytes"
	"context"
	"errors"
	"log"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// flakyStore is a memory store that fails every call while down is set, as a store
// whose server cannot be reached does.
type flakyStore struct {
	Store
	down atomic.Bool
}

var errUnreachable = errors.New("dial tcp 127.0.0.1:6379: connect: connection refused")

func (f *flakyStore) Issue(ctx context.Context, family string, first Token) error {
	if f.down.Load() {
		return errUnreachable
	}
	return f.Store.Issue(ctx, family, first)
}

func (f *flakyStore) Redeem(ctx context.Context, family, jti string, next Token, now time.Time, grace time.Duration) (Redemption, error) {
	if f.down.Load() {
		return Redemption{}, errUnreachable
	}
	return f.Store.Redeem(ctx, family, jti, next, now, grace)
}

func (f *flakyStore) RevokeAll(ctx context.Context) error {
	if f.down.Load() {
		return errUnreachable
	}
	return f.Store.RevokeAll(ctx)
}

// syncBuffer is a bytes.Buffer for a log that handlers write while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestStoreDown: while the Store cannot be reached, a refresh answers 503 (the client
// keeps its tokens and tries again), never 10007, and spends nothing; a login answers
// 503; the log says why and holds no token. Once the store is back the same token works.
func TestStoreDown(t *testing.T) {
	t.Parallel()
	store := &flakyStore{Store: NewMemoryStore()}
	var logged syncBuffer
	h := newHarness(t, Config{Store: store, ErrorLog: log.New(&logged, "", 0)}, nil)
	pair := h.login("demo", "demo")

	store.down.Store(true)
	r := h.refresh(pair.RefreshToken)
	wantCode(t, r, http.StatusServiceUnavailable, CodeUnavailable)
	if r.Message != msgStoreUnavailable {
		t.Errorf("refresh message %q", r.Message)
	}
	wantCode(t, h.post("/api/login", `{"username":"demo","password":"demo"}`), http.StatusServiceUnavailable, CodeUnavailable)
	if _, _, err := h.s.IssuePair("ann"); !errors.Is(err, ErrStore) || !errors.Is(err, errUnreachable) {
		t.Errorf("IssuePair: %v, want ErrStore wrapping the store's error", err)
	}
	if err := h.s.RevokeRefreshTokens(); !errors.Is(err, ErrStore) {
		t.Errorf("RevokeRefreshTokens: %v, want ErrStore", err)
	}
	if st := h.stats(); st.ReloginAnswers != 0 || st.Reused != 0 || st.Refreshed != 0 {
		t.Errorf("stats %+v: a store outage is no relogin", st)
	}

	text := logged.String()
	for _, want := range []string{"refresh: answered 503: server: session store: " + errUnreachable.Error(),
		"login: answered 503: "} { // the admin route: package admin's TestRevokeRouteStoreDown
		if !strings.Contains(text, want) {
			t.Errorf("the log does not say %q:\n%s", want, text)
		}
	}
	for _, tok := range []string{pair.Token, pair.RefreshToken} {
		if strings.Contains(text, tok) {
			t.Errorf("the log holds a token:\n%s", text)
		}
	}

	store.down.Store(false)
	wantCode(t, h.refresh(pair.RefreshToken), http.StatusOK, CodeOK)
}
