package refresh

import (
	"context"
	"sync"
	"testing"
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
	if got, _ := storeB.Load(); got != b.tokens() {
		t.Errorf("b's store holds %+v, want the successor %+v", got, b.tokens())
	}
	if evB.get(EventAdopted) != 1 {
		t.Errorf("b's adopted events = %d, want 1", evB.get(EventAdopted))
	}
}
