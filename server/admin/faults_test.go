package admin

import (
	"context"
	"encoding/json"
	"errors"
	"github.com/authfetch/authfetch/server"
	"net/http"
	"testing"
	"time"
)

func TestFailRefresh(t *testing.T) {
	t.Parallel()
	tests := []struct {
		mode  FailMode
		check func(t *testing.T, r result)
	}{
		{FailStatus500, func(t *testing.T, r result) {
			wantCode(t, r, http.StatusInternalServerError, server.CodeInternal)
		}},
		{FailMalformed, func(t *testing.T, r result) {
			if r.Status != http.StatusOK || json.Valid(r.Raw) {
				t.Errorf("HTTP %d body %q, want 200 and not JSON", r.Status, r.Raw)
			}
		}},
		{FailRelogin, func(t *testing.T, r result) {
			wantCode(t, r, http.StatusOK, server.CodeRelogin)
		}},
	}
	for _, tt := range tests {
		t.Run(string(tt.mode), func(t *testing.T) {
			h := newHarness(t, server.Config{}, nil)
			pair := h.login("demo", "demo")
			wantCode(t, h.admin("fail-refresh?mode="+string(tt.mode)+"&count=2"), 200, server.CodeOK)
			tt.check(t, h.refresh(pair.RefreshToken))
			tt.check(t, h.refresh(pair.RefreshToken))
			// The failures did not spend the token.
			wantCode(t, h.refresh(pair.RefreshToken), 200, server.CodeOK)
			if st := h.s.Stats(); st.RefreshCalls != 3 || st.Refreshed != 1 || st.Reused != 0 {
				t.Errorf("stats %+v", st)
			}
		})
	}
}

func TestFailRefreshArguments(t *testing.T) {
	t.Parallel()
	h := newHarness(t, server.Config{}, nil)
	if err := h.s.FailRefresh("teapot", 1); !errors.Is(err, ErrUnknownFailMode) {
		t.Errorf("FailRefresh(teapot): %v", err)
	}
	for _, q := range []string{"mode=teapot", "", "mode=500&count=x"} {
		wantCode(t, h.admin("fail-refresh?"+q), 400, server.CodeBadRequest)
	}
	pair := h.login("demo", "demo")
	// count defaults to 1; count=0 and Reset cancel.
	wantCode(t, h.admin("fail-refresh?mode=500"), 200, server.CodeOK)
	wantCode(t, h.refresh(pair.RefreshToken), 500, server.CodeInternal)
	pair = decodeData[tokenPair](t, h.refresh(pair.RefreshToken))

	wantCode(t, h.admin("fail-refresh?mode=500&count=5"), 200, server.CodeOK)
	wantCode(t, h.admin("fail-refresh?mode=500&count=0"), 200, server.CodeOK)
	pair = decodeData[tokenPair](t, h.refresh(pair.RefreshToken))

	if err := h.s.FailRefresh(FailRelogin, 5); err != nil {
		t.Fatal(err)
	}
	h.s.Reset()
	wantCode(t, h.refresh(pair.RefreshToken), 200, server.CodeOK)
}

// hangHarness is a harness whose hanging refreshes report on the returned channel.
func hangHarness(t *testing.T) (*harness, <-chan struct{}) {
	hanging := make(chan struct{}, 1)
	h := newHarness(t, server.Config{}, func(s *Server) {
		s.testHookHanging = func() { hanging <- struct{}{} }
	})
	if err := h.s.FailRefresh(FailHang, 1); err != nil {
		t.Fatal(err)
	}
	return h, hanging
}

func TestFailRefreshHangClientGivesUp(t *testing.T) {
	t.Parallel()
	for _, route := range []request{
		{method: "POST", path: "/api/refreshJwt/"},
		{method: "POST", path: "/api/refreshJwt", body: []byte(`{"refreshToken":""}`)},
	} {
		t.Run(route.path, func(t *testing.T) {
			h, hanging := hangHarness(t)
			pair := h.login("demo", "demo")
			rq := route
			if rq.body != nil {
				rq.body, _ = json.Marshal(map[string]string{"refreshToken": pair.RefreshToken})
			} else {
				rq.path += pair.RefreshToken
			}
			ctx, cancel := context.WithCancel(t.Context())
			rq.ctx = ctx
			errc := make(chan error, 1)
			go func() {
				_, err := h.do(rq)
				errc <- err
			}()
			<-hanging
			cancel() // the client's timeout
			if err := <-errc; !errors.Is(err, context.Canceled) {
				t.Fatalf("hanging refresh: %v, want context.Canceled", err)
			}

			wantCode(t, h.refresh(pair.RefreshToken), 200, server.CodeOK)

			// Without s.Close, the hanging handler must have ended with its client:
			// httptest.Server.Close waits for every handler.
			closed := make(chan struct{})
			go func() { h.ts.Close(); close(closed) }()
			select {
			case <-closed:
			case <-time.After(10 * time.Second):
				t.Fatal("hanging handler outlived its client")
			}
		})
	}
}

func TestFailRefreshHangClose(t *testing.T) {
	t.Parallel()
	h, hanging := hangHarness(t)
	pair := h.login("demo", "demo")
	replies := make(chan result, 1)
	go func() { replies <- h.refresh(pair.RefreshToken) }()
	<-hanging
	h.s.Close()
	wantCode(t, <-replies, http.StatusServiceUnavailable, server.CodeUnavailable)
	h.s.Close() // idempotent

	// Requests that do not wait are still served, and the token was not spent.
	wantCode(t, h.refresh(pair.RefreshToken), 200, server.CodeOK)
}
