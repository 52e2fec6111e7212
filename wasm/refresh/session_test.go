package refresh

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// doHeld starts a request through c and returns once its refresh call has reached b, whose
// hold keeps it there, with the channel the request's error arrives on. The request is
// sent with b.attempt, or with send when given.
func doHeld(c *Client, b *fakeBackend, send ...Attempt) <-chan error {
	attempt := b.attempt
	if len(send) > 0 {
		attempt = send[0]
	}
	done := make(chan error, 1)
	go func() { _, err := c.Do(context.Background(), "x", attempt); done <- err }()
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

// recordingAttempt is b.attempt that also records every access token sent.
func recordingAttempt(b *fakeBackend, sent *sync.Map) Attempt {
	return func(ctx context.Context, h Header) (Reply, error) {
		sent.Store(h.Value, true)
		return b.attempt(ctx, h)
	}
}

// TestOldRequestIsNotReplayedWithANewLogin: a request of user A is out when the app stores
// user B's login; its reply says "expired". It rejects with ErrSessionExpired and is never
// sent with B's token; no refresh, no relogin prompt, and B's pair stays.
func TestOldRequestIsNotReplayedWithANewLogin(t *testing.T) {
	b := &fakeBackend{}
	store := &MemoryStore{}
	c, ev := newTestClient(t, b, store)
	if err := c.SetTokens(b.tokens()); err != nil {
		t.Fatal(err)
	}
	userB := Tokens{AccessToken: "a-user-b", RefreshToken: "r-user-b"}
	var sent sync.Map
	_, err := c.Do(context.Background(), "x", func(ctx context.Context, h Header) (Reply, error) {
		sent.Store(h.Value, true)
		if h.Value == "a0" {
			// While the reply is on its way, the user logs out and B logs in.
			if err := c.SetTokens(userB); err != nil {
				t.Error(err)
			}
			return Reply{Status: 200, Code: 50014, HasCode: true}, nil
		}
		return b.attempt(ctx, h)
	})
	if !errors.Is(err, ErrSessionExpired) {
		t.Errorf("the old request: %v, want ErrSessionExpired", err)
	}
	if _, ok := sent.Load(userB.AccessToken); ok {
		t.Error("the old session's request was sent with the new login's token")
	}
	if got := mustLoad(t, store); got != userB {
		t.Errorf("store holds %+v, want the new login", got)
	}
	if n, r := b.refreshCalls.Load(), ev.get(EventRelogin); n != 0 || r != 0 {
		t.Errorf("%d refresh calls and %d relogin events, want none", n, r)
	}
}

// TestRefreshOfAReplacedSession: the old session's refresh succeeds after the app stored a
// new login. The new pair stays, and the requests that waited for the old refresh reject
// with ErrSessionExpired: neither the old session's new token nor the new login's is
// theirs to use.
func TestRefreshOfAReplacedSession(t *testing.T) {
	b := &fakeBackend{hold: make(chan struct{})}
	store := &MemoryStore{}
	c, ev := newTestClient(t, b, store)
	if err := c.SetTokens(b.tokens()); err != nil {
		t.Fatal(err)
	}
	b.expire()
	var sent sync.Map
	done := doHeld(c, b, recordingAttempt(b, &sent))
	userB := Tokens{AccessToken: "a-user-b", RefreshToken: "r-user-b"}
	if err := c.SetTokens(userB); err != nil {
		t.Fatal(err)
	}
	close(b.hold) // the old session's refresh token is still good: a1, r1
	if err := <-done; !errors.Is(err, ErrSessionExpired) {
		t.Errorf("the old session's request: %v, want ErrSessionExpired", err)
	}
	for _, tok := range []string{"a1", userB.AccessToken} {
		if _, ok := sent.Load(tok); ok {
			t.Errorf("the old session's request was replayed with %s", tok)
		}
	}
	if got := mustLoad(t, store); got != userB {
		t.Errorf("store holds %+v, want the new login", got)
	}
	if n := ev.get(EventRelogin); n != 0 {
		t.Errorf("%d relogin events, want 0", n)
	}
}

// TestNewSessionRequestDuringAnOldRefresh: a request of the new login is refused while the
// old session's refresh is out. It waits for that refresh, and then, since that refresh
// was not its session's, refreshes its own session and is replayed with that token.
func TestNewSessionRequestDuringAnOldRefresh(t *testing.T) {
	b := &fakeBackend{hold: make(chan struct{})}
	store := &MemoryStore{}
	c, _ := newTestClient(t, b, store)
	if err := c.SetTokens(Tokens{AccessToken: "a-old", RefreshToken: "r-old"}); err != nil {
		t.Fatal(err)
	}
	old := doHeld(c, b)                             // the old session's refresh, answered 10007 when let go
	if err := c.SetTokens(b.tokens()); err != nil { // the new login: a0, r0
		t.Fatal(err)
	}
	b.expire()
	var sent sync.Map
	done := make(chan error, 1)
	go func() { _, err := c.Do(context.Background(), "new", recordingAttempt(b, &sent)); done <- err }()
	for b.attempts.Load() < 1 {
		runtime.Gosched()
	}
	close(b.hold)
	if err := <-old; !errors.Is(err, ErrSessionExpired) {
		t.Errorf("the old session's request: %v, want ErrSessionExpired", err)
	}
	if err := <-done; err != nil {
		t.Errorf("the new session's request: %v, want it served after its own refresh", err)
	}
	if _, ok := sent.Load("a1"); !ok {
		t.Error("the new session's request was not replayed with its refreshed token")
	}
	if got, want := mustLoad(t, store), b.tokens(); got != want {
		t.Errorf("store holds %+v, want %+v", got, want)
	}
}

// TestLogoutAfterTheRefreshSaved: the app logs out after the refresh stored the new pair,
// before the requests that waited for it are replayed. They reject with ErrSessionExpired:
// no token of a logged-out session is sent.
func TestLogoutAfterTheRefreshSaved(t *testing.T) {
	b := &fakeBackend{}
	store := &MemoryStore{}
	var c *Client
	c, err := New(store, b, WithBaseURL("/api"), WithObserver(func(e Event) {
		if e.Kind == EventRefreshed {
			_ = c.ClearTokens()
		}
	}))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SetTokens(b.tokens()); err != nil {
		t.Fatal(err)
	}
	b.expire()
	var sent sync.Map
	if _, err := c.Do(context.Background(), "x", recordingAttempt(b, &sent)); !errors.Is(err, ErrSessionExpired) {
		t.Errorf("the request: %v, want ErrSessionExpired", err)
	}
	if _, ok := sent.Load("a1"); ok {
		t.Error("the request was replayed with the new token after the logout")
	}
	if got := mustLoad(t, store); !got.IsZero() {
		t.Errorf("store holds %+v after the logout", got)
	}
}

// racingStore is a view of a shared store whose next Load, when armed, runs race after
// reading: the moment between another client's read and its write.
type racingStore struct {
	*MemoryStore
	race atomic.Pointer[func()]
}

func (s *racingStore) Load() (Tokens, error) {
	t, err := s.MemoryStore.Load()
	if race := s.race.Swap(nil); race != nil {
		(*race)()
	}
	return t, err
}

// TestLogoutRacingAnotherClientsRefresh: client A logs out between the moment client B's
// refresh reads the shared store and the moment it stores the new pair. B's write must not
// undo the logout: A clears again once B's refresh lets the lock go.
func TestLogoutRacingAnotherClientsRefresh(t *testing.T) {
	b := &fakeBackend{hold: make(chan struct{})}
	shared := &MemoryStore{}
	lock := newMutexLocker()
	a, _ := newTestClient(t, b, shared, WithLocker(lock))
	viewB := &racingStore{MemoryStore: shared}
	bc, _ := newTestClient(t, b, viewB, WithLocker(lock))
	if err := a.SetTokens(b.tokens()); err != nil {
		t.Fatal(err)
	}
	b.expire()
	done := doHeld(bc, b)
	logout := func() {
		if err := a.ClearTokens(); err != nil {
			t.Error(err)
		}
	}
	viewB.race.Store(&logout) // B's next read is the one before its write
	close(b.hold)
	<-done
	deadline := time.Now().Add(5 * time.Second)
	for !mustLoad(t, shared).IsZero() {
		if time.Now().After(deadline) {
			t.Fatalf("the logout was undone: the store holds %+v", mustLoad(t, shared))
		}
		time.Sleep(time.Millisecond)
	}
}

// TestLossAfterLoginElsewhereWithoutTokenCall: the browser's loader sends a request with
// the stored token without asking Token while that token is fresh (Tokens.SendUntil). A
// session lost here, then a login by another client sharing the store, then that session
// lost too: its loss is news again here, though this client was never asked for a token in
// between, and a reply to the new login's token, sent that way, is judged as one of its
// session (Sent).
func TestLossAfterLoginElsewhereWithoutTokenCall(t *testing.T) {
	b := &fakeBackend{}
	store := &MemoryStore{}
	c, ev := newTestClient(t, b, store)
	other, _ := newTestClient(t, b, store)
	c.SetTokens(Tokens{AccessToken: "a-old", RefreshToken: "r-dead"})
	if _, err := c.Renew(context.Background(), "", "a-old"); !errors.Is(err, ErrSessionExpired) {
		t.Fatalf("first session: %v", err)
	}
	if err := other.SetTokens(Tokens{AccessToken: "a-new", RefreshToken: "r-dead-too"}); err != nil {
		t.Fatal(err)
	}
	stored, _ := store.Load()
	c.Sent("a-new", stored.Session)
	if _, err := c.Renew(context.Background(), "", "a-new"); !errors.Is(err, ErrSessionExpired) {
		t.Fatalf("second session: %v", err)
	}
	if got := ev.get(EventRelogin); got != 2 {
		t.Errorf("relogin events = %d, want 2 (one per lost session)", got)
	}
	if got := b.refreshCalls.Load(); got != 2 {
		t.Errorf("refresh calls = %d, want 2", got)
	}
}

// TestSentTokenOfARotatedSession: a request went out with the stored token while the
// engine was loading; meanwhile another client refreshed the session. The reply "expired"
// is replayed with the session's new token, not refused as another session's.
func TestSentTokenOfARotatedSession(t *testing.T) {
	b := &fakeBackend{}
	store := &MemoryStore{}
	other, _ := newTestClient(t, b, store)
	if err := other.SetTokens(b.tokens()); err != nil {
		t.Fatal(err)
	}
	sent, _ := store.Load()
	if _, err := other.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	c, _ := newTestClient(t, b, store)
	c.Sent(sent.AccessToken, sent.Session)
	fresh, err := c.Renew(context.Background(), "", sent.AccessToken)
	if err != nil || fresh != b.tokens().AccessToken {
		t.Errorf("Renew after Sent: %q, %v; want %q", fresh, err, b.tokens().AccessToken)
	}
	unaware, _ := newTestClient(t, b, store)
	if _, err := unaware.Renew(context.Background(), "", sent.AccessToken); !errors.Is(err, ErrSessionExpired) {
		t.Errorf("without Sent the token is unknown and refused as another session's: %v", err)
	}
}
