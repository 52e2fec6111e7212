package server

import (
	"sync"
	"testing"
	"time"
)

// TestRefreshGraceWindow: a refresh reply lost after the server rotated (timeout, dropped
// connection) leaves the client with the spent token. Presented again within the grace
// window, it gets the same successor refresh token and a fresh access token, so the
// session keeps one live branch; after the window it is reuse and the family dies.
func TestRefreshGraceWindow(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{}, nil)
	a1 := h.login("demo", "demo")
	lost := decodeData[tokenPair](t, h.refresh(a1.RefreshToken)) // the reply that never arrived
	h.clock.Advance(DefaultRefreshGrace - time.Second)

	again := h.refresh(a1.RefreshToken)
	wantCode(t, again, 200, CodeOK)
	retry := decodeData[tokenPair](t, again)
	if retry.RefreshToken != lost.RefreshToken {
		t.Errorf("the retry got another refresh token: two live branches of one session")
	}
	if retry.Token == "" || retry.Token == lost.Token {
		t.Errorf("the retry's access token is not freshly signed")
	}
	wantCode(t, h.get("/api/user/info", retry.Token), 200, CodeOK)
	// The branch lives on: its refresh token rotates as usual.
	a3 := decodeData[tokenPair](t, h.refresh(retry.RefreshToken))
	wantCode(t, h.refresh(a3.RefreshToken), 200, CodeOK)
	if st := h.stats(); st.Reused != 0 || st.ReloginAnswers != 0 {
		t.Errorf("stats %+v: a retry within the window is not reuse", st)
	}

	// After the window the same retry is reuse: the family is revoked.
	b1 := h.login("demo", "demo")
	b2 := decodeData[tokenPair](t, h.refresh(b1.RefreshToken))
	h.clock.Advance(DefaultRefreshGrace)
	wantCode(t, h.refresh(b1.RefreshToken), 200, CodeRelogin)
	wantCode(t, h.refresh(b2.RefreshToken), 200, CodeRelogin)

	// Within the window, but the successor was used already: reuse.
	c1 := h.login("demo", "demo")
	c2 := decodeData[tokenPair](t, h.refresh(c1.RefreshToken))
	c3 := decodeData[tokenPair](t, h.refresh(c2.RefreshToken))
	wantCode(t, h.refresh(c1.RefreshToken), 200, CodeRelogin)
	wantCode(t, h.refresh(c3.RefreshToken), 200, CodeRelogin)
}

// TestRefreshGraceOff: a negative RefreshGrace turns the window off; reuse at once
// revokes the family.
func TestRefreshGraceOff(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{RefreshGrace: -1}, nil)
	a1 := h.login("demo", "demo")
	a2 := decodeData[tokenPair](t, h.refresh(a1.RefreshToken))
	wantCode(t, h.refresh(a1.RefreshToken), 200, CodeRelogin)
	wantCode(t, h.refresh(a2.RefreshToken), 200, CodeRelogin)
}

// TestRefreshGraceConcurrent: one token presented 50 times at once within the window
// yields exactly one successor: every caller gets the same refresh token.
func TestRefreshGraceConcurrent(t *testing.T) {
	t.Parallel()
	const n = 50
	h := newHarness(t, Config{}, nil)
	pair := h.login("demo", "demo")
	start := make(chan struct{})
	results := make([]result, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			results[i] = h.refresh(pair.RefreshToken)
		})
	}
	close(start)
	wg.Wait()
	successors := map[string]bool{}
	for _, r := range results {
		wantCode(t, r, 200, CodeOK)
		successors[decodeData[tokenPair](t, r).RefreshToken] = true
	}
	if len(successors) != 1 {
		t.Fatalf("%d different successors, want 1", len(successors))
	}
	if st := h.stats(); st.Refreshed != 1 || st.Reused != 0 {
		t.Errorf("stats %+v: want 1 rotation and no reuse", st)
	}
}
