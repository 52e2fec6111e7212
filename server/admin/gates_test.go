package admin

import (
	"context"
	"fmt"
	"github.com/authfetch/authfetch/server"
	"net/http"
	"testing"
	"time"
)

// gateHarness is a harness whose held requests report their gate on the returned
// channel once they wait.
func gateHarness(t *testing.T) (*harness, <-chan string) {
	waiting := make(chan string, 8)
	h := newHarness(t, server.Config{}, func(s *Server) {
		s.testHookWaiting = func(gate string) { waiting <- gate }
	})
	return h, waiting
}

// hold sends GET /api/hold?gate=gate in the background.
func (h *harness) hold(ctx context.Context, gate, token string) <-chan result {
	replies := make(chan result, 1)
	go func() {
		r, err := h.do(request{method: "GET", path: "/api/hold?gate=" + gate, header: map[string]string{"X-Token": token}, ctx: ctx})
		if err != nil {
			r = result{Status: -1, Message: err.Error()}
		}
		replies <- r
	}()
	return replies
}

func notYet(t *testing.T, replies <-chan result) {
	t.Helper()
	select {
	case r := <-replies:
		t.Fatalf("answered before release: %s", r.Raw)
	default:
	}
}

func TestHold(t *testing.T) {
	t.Parallel()
	t.Run("answers after release", func(t *testing.T) {
		h, waiting := gateHarness(t)
		token := h.login("demo", "demo").Token
		replies := h.hold(t.Context(), "a", token)
		if g := <-waiting; g != "a" {
			t.Fatalf("waiting at %q", g)
		}
		notYet(t, replies)
		wantCode(t, h.admin("release?gate=a"), 200, server.CodeOK)
		r := <-replies
		wantCode(t, r, 200, server.CodeOK)
		if d := decodeData[map[string]string](t, r); d["gate"] != "a" || d["user"] != "demo" {
			t.Errorf("data %v", d)
		}
	})

	t.Run("expired before the wait stays expired", func(t *testing.T) {
		h, waiting := gateHarness(t)
		pair := h.login("demo", "demo")
		h.s.ExpireAccessTokens()
		replies := h.hold(t.Context(), "b", pair.Token)
		<-waiting
		// The refresh finishes while the request is held; its reply still says 50014.
		wantCode(t, h.refresh(pair.RefreshToken), 200, server.CodeOK)
		h.s.ReleaseGate("b")
		wantCode(t, <-replies, 200, server.CodeTokenExpired)
	})

	t.Run("valid at arrival stays valid", func(t *testing.T) {
		h, waiting := gateHarness(t)
		token := h.login("demo", "demo").Token
		replies := h.hold(t.Context(), "c", token)
		<-waiting
		h.s.ExpireAccessTokens()
		h.s.ReleaseGate("c")
		wantCode(t, <-replies, 200, server.CodeOK)
	})

	t.Run("released gate lets later requests through", func(t *testing.T) {
		h, waiting := gateHarness(t)
		token := h.login("demo", "demo").Token
		h.s.ReleaseGate("d")
		h.s.ReleaseGate("d") // idempotent
		wantCode(t, <-h.hold(t.Context(), "d", token), 200, server.CodeOK)
		wantCode(t, <-h.hold(t.Context(), "d", ""), 200, server.CodeInvalidToken)
		<-waiting
		<-waiting
	})

	t.Run("reset releases and forgets", func(t *testing.T) {
		h, waiting := gateHarness(t)
		token := h.login("demo", "demo").Token
		first := h.hold(t.Context(), "e", token)
		<-waiting
		wantCode(t, h.admin("reset"), 200, server.CodeOK)
		wantCode(t, <-first, 200, server.CodeOK)

		second := h.hold(t.Context(), "e", token)
		<-waiting
		notYet(t, second)
		h.s.ReleaseGate("e")
		wantCode(t, <-second, 200, server.CodeOK)
	})

	t.Run("Close ends the wait", func(t *testing.T) {
		h, waiting := gateHarness(t)
		replies := h.hold(t.Context(), "f", h.login("demo", "demo").Token)
		<-waiting
		h.s.Close()
		wantCode(t, <-replies, http.StatusServiceUnavailable, server.CodeUnavailable)
	})

	t.Run("client gives up", func(t *testing.T) {
		h, waiting := gateHarness(t)
		ctx, cancel := context.WithCancel(t.Context())
		replies := h.hold(ctx, "g", h.login("demo", "demo").Token)
		<-waiting
		cancel()
		if r := <-replies; r.Status != -1 {
			t.Fatalf("canceled hold answered %s", r.Raw)
		}
		closed := make(chan struct{})
		go func() { h.ts.Close(); close(closed) }()
		select {
		case <-closed:
		case <-time.After(10 * time.Second):
			t.Fatal("held handler outlived its client")
		}
	})

	t.Run("missing gate", func(t *testing.T) {
		h, _ := gateHarness(t)
		wantCode(t, h.get("/api/hold", ""), 400, server.CodeBadRequest)
		wantCode(t, h.admin("release"), 400, server.CodeBadRequest)
	})
}

// TestGatesAreBounded: every gate name adds an entry; released gates nobody waits at are
// forgotten once there are maxGates, so a client inventing names cannot grow the map
// without bound.
func TestGatesAreBounded(t *testing.T) {
	t.Parallel()
	h := newHarness(t, server.Config{}, nil)
	for i := range 3 * maxGates {
		h.s.ReleaseGate(fmt.Sprint("g", i))
	}
	h.s.gates.mu.Lock()
	n := len(h.s.gates.byID)
	h.s.gates.mu.Unlock()
	if n > maxGates {
		t.Errorf("%d gates remembered, want at most %d", n, maxGates)
	}
	// A gate that is held (not released) is never forgotten: it still holds.
	h.s.gates.mu.Lock()
	held := h.s.gates.channelLocked("held")
	h.s.gates.mu.Unlock()
	for i := range 2 * maxGates {
		h.s.ReleaseGate(fmt.Sprint("h", i))
	}
	h.s.gates.mu.Lock()
	still := h.s.gates.byID["held"] == held
	h.s.gates.mu.Unlock()
	if !still {
		t.Error("an unreleased gate was forgotten")
	}
}
