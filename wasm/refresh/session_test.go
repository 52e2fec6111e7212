package refresh

import (
	"context"
	"errors"
	"runtime"
	"testing"
)

// doHeld starts a request through c and returns once its refresh call has reached b, whose
// hold keeps it there, with the channel the request's error arrives on.
func doHeld(c *Client, b *fakeBackend) <-chan error {
	done := make(chan error, 1)
	go func() { _, err := c.Do(context.Background(), "x", b.attempt); done <- err }()
	for b.refreshCalls.Load() == 0 {
		runtime.Gosched()
	}
	return done
}

// TestLogoutElsewhereDuringRefresh: another tab logs out (the shared store is cleared,
// not through this client) while this client's refresh call is out. This client prompts
// no relogin (logging out is not losing the session), writes no tokens back, and its
// request rejects with ErrSessionExpired.
func TestLogoutElsewhereDuringRefresh(t *testing.T) {
	b := &fakeBackend{hold: make(chan struct{})}
	store := &MemoryStore{}
	c, ev := newTestClient(t, b, store)
	if err := c.SetTokens(b.tokens()); err != nil {
		t.Fatal(err)
	}
	b.expire()
	done := doHeld(c, b)
	_ = store.Clear() // the other tab's clearTokens
	close(b.hold)
	if err := <-done; !errors.Is(err, ErrSessionExpired) {
		t.Errorf("the request: %v, want ErrSessionExpired", err)
	}
	if got := mustLoad(t, store); !got.IsZero() {
		t.Errorf("the refresh wrote tokens back after the logout: %+v", got)
	}
	if n := ev.get(EventRelogin); n != 0 {
		t.Errorf("%d relogin events after a logout, want 0", n)
	}
}

// TestAccountSwitchDuringRefresh: the old session's refresh is refused (10007) after the
// app stored a new login. The new pair stays, no relogin is prompted, and the old
// session's request rejects with ErrSessionExpired.
func TestAccountSwitchDuringRefresh(t *testing.T) {
	b := &fakeBackend{hold: make(chan struct{})}
	store := &MemoryStore{}
	c, ev := newTestClient(t, b, store)
	if err := c.SetTokens(Tokens{AccessToken: "a-old", RefreshToken: "r-dead"}); err != nil {
		t.Fatal(err)
	}
	done := doHeld(c, b)
	userB := Tokens{AccessToken: "a-user-b", RefreshToken: "r-user-b"}
	if err := c.SetTokens(userB); err != nil {
		t.Fatal(err)
	}
	close(b.hold) // the old refresh token is answered 10007
	if err := <-done; !errors.Is(err, ErrSessionExpired) {
		t.Errorf("the old session's request: %v, want ErrSessionExpired", err)
	}
	if got := mustLoad(t, store); got != userB {
		t.Errorf("store holds %+v, want the new login %+v", got, userB)
	}
	if n := ev.get(EventRelogin); n != 0 {
		t.Errorf("%d relogin events right after a login, want 0", n)
	}
}
