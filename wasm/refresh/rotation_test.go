package refresh

import (
	"context"
	"sync"
	"testing"
	"time"
)

// memoryLog is a RotationLog in memory, shared by the clients of a test.
type memoryLog struct {
	mu   sync.Mutex
	next map[string]Tokens
}

func (l *memoryLog) Rotated(_ context.Context, from string, to Tokens) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.next == nil {
		l.next = map[string]Tokens{}
	}
	l.next[from] = to
	return nil
}

func (l *memoryLog) Successor(_ context.Context, from string) (Tokens, bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	t, ok := l.next[from]
	for ok {
		n, more := l.next[t.AccessToken]
		if !more {
			break
		}
		t = n
	}
	return t, ok, nil
}

// laggingStore is one tab's view of a shared store that does not show the other tabs'
// writes until told to (as localStorage across processes), with the shared rotation log.
type laggingStore struct {
	MemoryStore
	*memoryLog
}

// TestRotationLogOutrunsALaggingStore: a client whose store still shows a pair another
// client has rotated takes the recorded successor under the lock instead of refreshing the
// spent pair again.
func TestRotationLogOutrunsALaggingStore(t *testing.T) {
	b := &fakeBackend{}
	log := &memoryLog{}
	lock := newMutexLocker()
	storeA, storeB := &laggingStore{memoryLog: log}, &laggingStore{memoryLog: log}
	a, _ := newTestClient(t, b, storeA, WithLocker(lock))
	bc, evB := newTestClient(t, b, storeB, WithLocker(lock))
	first := b.tokens()
	if err := a.SetTokens(first); err != nil {
		t.Fatal(err)
	}
	_ = storeB.Save(first) // tab b saw the login
	b.expire()
	if _, err := a.Do(context.Background(), "a", b.attempt); err != nil {
		t.Fatal(err)
	}
	// storeB still shows the first pair: its request is refused and b renews.
	r, err := bc.Do(context.Background(), "b", b.attempt)
	if err != nil || r.Value != b.tokens().AccessToken {
		t.Fatalf("b: %+v, %v", r, err)
	}
	if got := b.refreshCalls.Load(); got != 1 {
		t.Errorf("refresh calls = %d, want 1: b refreshed the spent pair", got)
	}
	if got := mustLoad(t, storeB); got != b.tokens() {
		t.Errorf("b's store holds %+v, want the successor %+v", got, b.tokens())
	}
	if evB.get(EventAdopted) != 1 {
		t.Errorf("b's adopted events = %d, want 1", evB.get(EventAdopted))
	}
}

// TestStartRenewSharesOnePending: every request refused while one refresh is needed gets
// an equal Pending, so the bridge can serve them all with one Promise; a request whose
// token is older than the stored one gets the stored token at once.
func TestStartRenewSharesOnePending(t *testing.T) {
	b := &fakeBackend{hold: make(chan struct{})}
	c, _ := newTestClient(t, b, &MemoryStore{})
	old := b.tokens()
	if err := c.SetTokens(old); err != nil {
		t.Fatal(err)
	}
	b.expire()
	seen := map[Pending]int{}
	for range 20 {
		_, p, ok, err := c.StartRenew("", old.AccessToken)
		if ok || err != nil {
			t.Fatalf("StartRenew during a refresh: ok %v, err %v", ok, err)
		}
		seen[p]++
	}
	if len(seen) != 1 {
		t.Fatalf("%d different Pendings for one refresh, want 1", len(seen))
	}
	close(b.hold)
	for p := range seen {
		if tok, err := p.Wait(context.Background()); err != nil || tok != b.tokens().AccessToken {
			t.Fatalf("Wait: %q, %v", tok, err)
		}
	}
	tok, _, ok, err := c.StartRenew("", old.AccessToken)
	if !ok || err != nil || tok != b.tokens().AccessToken {
		t.Errorf("after the refresh: %q, ok %v, %v; want the new token at once", tok, ok, err)
	}
	if got := b.refreshCalls.Load(); got != 1 {
		t.Errorf("refresh calls = %d, want 1", got)
	}
}

// panickyStore panics on Load when told to.
type panickyStore struct {
	MemoryStore
	panics bool
}

func (s *panickyStore) Load() (Tokens, error) {
	if s.panics {
		panic("store bug")
	}
	return s.MemoryStore.Load()
}

// TestStorePanicReleasesTheLock: a Store that panics while the client holds its lock
// fails that call, and later requests do not hang on the lock.
func TestStorePanicReleasesTheLock(t *testing.T) {
	b := &fakeBackend{}
	store := &panickyStore{}
	c, _ := newTestClient(t, b, store)
	if err := c.SetTokens(b.tokens()); err != nil {
		t.Fatal(err)
	}
	store.panics = true
	func() {
		defer func() { _ = recover() }()
		_, _, _, _ = c.StartRenew("", "stale")
	}()
	store.panics = false
	done := make(chan error, 1)
	go func() { _, err := c.Do(context.Background(), "after", b.attempt); done <- err }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("the request after the panic: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the request after the Store's panic hangs: the client's lock was never released")
	}
}
