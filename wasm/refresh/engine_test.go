package refresh

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeBackend is a rotating backend in memory: one valid access token and one valid refresh
// token at a time, as "a<N>" and "r<N>".
type fakeBackend struct {
	mu      sync.Mutex
	gen     int  // guarded by mu
	expired bool // guarded by mu: the current access token is refused too

	refreshCalls atomic.Int32
	attempts     atomic.Int32
	hold         chan struct{}                                // when set, each refresh waits for it to close
	answer       func(ctx context.Context) (*Response, error) // guarded by mu: when set, replaces the refresh reply
}

func (b *fakeBackend) setAnswer(fn func(ctx context.Context) (*Response, error)) {
	b.mu.Lock()
	b.answer = fn
	b.mu.Unlock()
}

func (b *fakeBackend) tokens() Tokens {
	b.mu.Lock()
	defer b.mu.Unlock()
	return Tokens{AccessToken: fmt.Sprintf("a%d", b.gen), RefreshToken: fmt.Sprintf("r%d", b.gen)}
}

func (b *fakeBackend) expire() { b.mu.Lock(); b.expired = true; b.mu.Unlock() }

func (b *fakeBackend) Send(ctx context.Context, req *Request) (*Response, error) {
	b.refreshCalls.Add(1)
	if b.hold != nil {
		select {
		case <-b.hold:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if answer := b.answer; answer != nil {
		b.mu.Unlock()
		defer b.mu.Lock()
		return answer(ctx)
	}
	if !strings.HasSuffix(req.URL, fmt.Sprintf("/r%d", b.gen)) {
		return &Response{Status: 200, Body: []byte(`{"code":10007,"message":"refresh token expired"}`)}, nil
	}
	b.gen++
	b.expired = false
	return &Response{Status: 200, Body: fmt.Appendf(nil, `{"code":0,"data":{"token":"a%d","refreshToken":"r%d"}}`, b.gen, b.gen)}, nil
}

// attempt answers 50014 for anything but the current access token.
func (b *fakeBackend) attempt(ctx context.Context, h Header) (Reply, error) {
	token := h.Value
	b.attempts.Add(1)
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.expired || token != fmt.Sprintf("a%d", b.gen) {
		return Reply{Status: 200, Code: 50014, HasCode: true}, nil
	}
	return Reply{Status: 200, Code: 0, HasCode: true, Value: token}, nil
}

// together returns an attempt whose first n calls all reach the backend before any of them
// returns, so that n requests are in flight at once with the same token.
func (b *fakeBackend) together(n int) Attempt {
	var arrived atomic.Int32
	all := make(chan struct{})
	return func(ctx context.Context, h Header) (Reply, error) {
		if k := arrived.Add(1); k <= int32(n) {
			if k == int32(n) {
				close(all)
			}
			<-all
		}
		return b.attempt(ctx, h)
	}
}

// counter counts events by kind and can signal when a count is reached.
type counter struct {
	mu     sync.Mutex
	counts map[EventKind]int
	waits  map[EventKind][]waiter
}

type waiter struct {
	n  int
	ch chan struct{}
}

func (c *counter) observe(e Event) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.counts == nil {
		c.counts = map[EventKind]int{}
	}
	c.counts[e.Kind]++
	kept := c.waits[e.Kind][:0]
	for _, w := range c.waits[e.Kind] {
		if c.counts[e.Kind] >= w.n {
			close(w.ch)
		} else {
			kept = append(kept, w)
		}
	}
	if c.waits != nil {
		c.waits[e.Kind] = kept
	}
}

func (c *counter) get(k EventKind) int { c.mu.Lock(); defer c.mu.Unlock(); return c.counts[k] }

// reached returns a channel closed once n events of kind k have been seen.
func (c *counter) reached(k EventKind, n int) <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan struct{})
	if c.counts[k] >= n {
		close(ch)
		return ch
	}
	if c.waits == nil {
		c.waits = map[EventKind][]waiter{}
	}
	c.waits[k] = append(c.waits[k], waiter{n, ch})
	return ch
}

func newTestClient(t *testing.T, b *fakeBackend, store Store, opts ...Option) (*Client, *counter) {
	t.Helper()
	ev := &counter{}
	c, err := New(store, b, append([]Option{WithBaseURL("/api"), WithObserver(ev.observe)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c, ev
}

// burst runs n requests at once and returns their errors.
func burst(c *Client, n int, send Attempt) []error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { _, errs[i] = c.Do(context.Background(), fmt.Sprint("req", i), send) })
	}
	wg.Wait()
	return errs
}

// firstErr returns the first error that is not nil.
func firstErr(errs []error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func countErrs(errs []error, target error) (n int) {
	for _, err := range errs {
		if errors.Is(err, target) || (target == nil && err == nil) {
			n++
		}
	}
	return n
}

// TestDoDupSuppress holds the refresh until every request has been told "expired", then
// checks that all of them shared one refresh and were each replayed once.
func TestDoDupSuppress(t *testing.T) {
	const n = 200
	b := &fakeBackend{hold: make(chan struct{})}
	store := &MemoryStore{}
	c, ev := newTestClient(t, b, store)
	if err := c.SetTokens(b.tokens()); err != nil {
		t.Fatal(err)
	}
	b.expire()
	go func() { <-ev.reached(EventExpired, n); close(b.hold) }()
	errs := burst(c, n, b.together(n))
	if got := countErrs(errs, nil); got != n {
		t.Fatalf("%d of %d requests succeeded; first error: %v", got, n, firstErr(errs))
	}
	if got := b.refreshCalls.Load(); got != 1 {
		t.Errorf("refresh calls = %d, want 1", got)
	}
	if got := b.attempts.Load(); got != 2*n {
		t.Errorf("attempts = %d, want %d (each request replayed exactly once)", got, 2*n)
	}
	if got, want := mustLoad(t, store), b.tokens(); got != want {
		t.Errorf("stored %+v, want %+v", got, want)
	}
	if ev.get(EventRelogin) != 0 {
		t.Error("relogin event during a successful refresh")
	}
}

// mustLoad returns the pair stored in s, without what the client notes beside it.
func mustLoad(t *testing.T, s Store) Tokens {
	t.Helper()
	tok, err := s.Load()
	if err != nil {
		t.Fatal(err)
	}
	return pair(tok)
}

// pair is t's two tokens alone.
func pair(t Tokens) Tokens { return Tokens{AccessToken: t.AccessToken, RefreshToken: t.RefreshToken} }

// TestRequestsDuringRefreshWait: a request started while a refresh runs goes out once,
// with the new token.
func TestRequestsDuringRefreshWait(t *testing.T) {
	b := &fakeBackend{hold: make(chan struct{})}
	c, ev := newTestClient(t, b, &MemoryStore{})
	c.SetTokens(b.tokens())
	b.expire()
	first := make(chan error)
	go func() { _, err := c.Do(context.Background(), "first", b.attempt); first <- err }()
	<-ev.reached(EventRefresh, 1)
	second := make(chan Reply)
	go func() { r, _ := c.Do(context.Background(), "second", b.attempt); second <- r }()
	<-ev.reached(EventWait, 1)
	close(b.hold)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if r := <-second; r.Value != b.tokens().AccessToken {
		t.Errorf("second request got %+v", r)
	}
	if got := b.attempts.Load(); got != 3 {
		t.Errorf("attempts = %d, want 3 (first, its replay, second once)", got)
	}
}

// TestLateReplyReplayedWithoutRefresh: a reply that says "expired" for a token older than the
// stored one is replayed with the stored one and starts no refresh.
func TestLateReplyReplayedWithoutRefresh(t *testing.T) {
	b := &fakeBackend{}
	c, ev := newTestClient(t, b, &MemoryStore{})
	c.SetTokens(b.tokens())
	b.expire()
	sent, release := make(chan struct{}), make(chan struct{})
	late := make(chan Reply)
	go func() {
		r, err := c.Do(context.Background(), "late", func(ctx context.Context, tok Header) (Reply, error) {
			if b.attempts.Load() == 0 {
				defer func() { close(sent); <-release }() // the first reply arrives only after the refresh
			}
			return b.attempt(ctx, tok)
		})
		if err != nil {
			t.Error(err)
		}
		late <- r
	}()
	<-sent
	if _, err := c.Do(context.Background(), "trigger", b.attempt); err != nil {
		t.Fatal(err)
	}
	close(release)
	if r := <-late; r.Value != b.tokens().AccessToken {
		t.Errorf("late request got %+v", r)
	}
	if got := b.refreshCalls.Load(); got != 1 {
		t.Errorf("refresh calls = %d, want 1", got)
	}
	if ev.get(EventNewer) != 1 || ev.get(EventAdopted) != 0 {
		t.Errorf("newer events = %d, adopted %d; want 1, 0: this client refreshed, nobody else", ev.get(EventNewer), ev.get(EventAdopted))
	}
}

func TestReloginOncePerSession(t *testing.T) {
	const n = 50
	b := &fakeBackend{hold: make(chan struct{})}
	store := &MemoryStore{}
	c, ev := newTestClient(t, b, store)
	c.SetTokens(Tokens{AccessToken: "a-old", RefreshToken: "r-dead"})
	go func() { <-ev.reached(EventExpired, n); close(b.hold) }()
	errs := burst(c, n, b.together(n))
	if got := countErrs(errs, ErrSessionExpired); got != n {
		t.Fatalf("%d of %d requests got ErrSessionExpired; first other: %v", got, n, firstErr(errs))
	}
	if got := ev.get(EventRelogin); got != 1 {
		t.Errorf("relogin events = %d, want 1", got)
	}
	if tok := mustLoad(t, store); !tok.IsZero() {
		t.Errorf("store holds %+v after the session was lost", tok)
	}
	// A request after the loss is refused too, with no second event.
	if _, err := c.Do(context.Background(), "after", b.attempt); !errors.Is(err, ErrSessionExpired) {
		t.Errorf("request after the loss: %v", err)
	}
	if got := ev.get(EventRelogin); got != 1 {
		t.Errorf("relogin events after a later request = %d, want 1", got)
	}
	// New tokens make a new session, whose loss is news again.
	c.SetTokens(Tokens{AccessToken: "a-other", RefreshToken: "r-dead-too"})
	if _, err := c.Do(context.Background(), "again", b.attempt); !errors.Is(err, ErrSessionExpired) {
		t.Errorf("second session: %v", err)
	}
	if got := ev.get(EventRelogin); got != 2 {
		t.Errorf("relogin events after a second lost session = %d, want 2", got)
	}
	if got := b.refreshCalls.Load(); got != 2 {
		t.Errorf("refresh calls = %d, want 2 (one per session)", got)
	}
}

func TestNoRefreshTokenEndsSession(t *testing.T) {
	b := &fakeBackend{}
	c, ev := newTestClient(t, b, &MemoryStore{})
	c.SetTokens(Tokens{AccessToken: "a-only"})
	_, err := c.Do(context.Background(), "x", b.attempt)
	if !errors.Is(err, ErrSessionExpired) || ev.get(EventRelogin) != 1 || b.refreshCalls.Load() != 0 {
		t.Errorf("err %v, relogin events %d, refresh calls %d", err, ev.get(EventRelogin), b.refreshCalls.Load())
	}
}

func TestRefreshFailureKeepsTokens(t *testing.T) {
	reply := func(status int, body string) func(context.Context) (*Response, error) {
		return func(context.Context) (*Response, error) { return &Response{Status: status, Body: []byte(body)}, nil }
	}
	tests := []struct {
		name   string
		answer func(context.Context) (*Response, error)
		cause  error
	}{
		{"500", reply(500, `{"message":"boom"}`), nil},
		{"malformed", reply(200, `{"code":0,"data":`), nil},
		{"missing fields", reply(200, `{"code":0,"data":{}}`), nil},
		{"network", func(context.Context) (*Response, error) { return nil, errors.New("connection refused") }, nil},
		{"nil response", func(context.Context) (*Response, error) { return nil, nil }, nil},
		{"hang", func(ctx context.Context) (*Response, error) { <-ctx.Done(); return nil, ctx.Err() }, context.DeadlineExceeded},
		{"hang ignoring ctx", func(context.Context) (*Response, error) { select {} }, context.DeadlineExceeded},
		{"panic", func(context.Context) (*Response, error) { panic("transport bug") }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			const n = 20
			b := &fakeBackend{hold: make(chan struct{}), answer: tt.answer}
			store := &MemoryStore{}
			c, ev := newTestClient(t, b, store, WithRefreshTimeout(100*time.Millisecond))
			c.SetTokens(b.tokens())
			kept := b.tokens()
			b.expire()
			go func() { <-ev.reached(EventExpired, n); close(b.hold) }()
			errs := burst(c, n, b.together(n))
			if got := countErrs(errs, ErrRefreshFailed); got != n {
				t.Fatalf("%d of %d requests got ErrRefreshFailed: %v", got, n, errs[:3])
			}
			if tt.cause != nil && !errors.Is(errs[0], tt.cause) {
				t.Errorf("error %v does not wrap %v", errs[0], tt.cause)
			}
			if got := mustLoad(t, store); got != kept {
				t.Errorf("store %+v, want the kept pair %+v", got, kept)
			}
			// A request told "expired" only after the failure tries again (and fails again).
			if b.refreshCalls.Load() < 1 || ev.get(EventRelogin) != 0 {
				t.Errorf("refresh calls %d, relogin events %d; want at least 1, 0", b.refreshCalls.Load(), ev.get(EventRelogin))
			}
			// The next request tries again, and recovers.
			b.setAnswer(nil)
			if r, err := c.Do(context.Background(), "next", b.attempt); err != nil || r.Value != b.tokens().AccessToken {
				t.Errorf("next request: %+v, %v", r, err)
			}
		})
	}
}

func TestWaiterLeavesWhenItsContextEnds(t *testing.T) {
	b := &fakeBackend{hold: make(chan struct{})}
	c, ev := newTestClient(t, b, &MemoryStore{})
	c.SetTokens(b.tokens())
	b.expire()
	others := make(chan error, 1)
	go func() { _, err := c.Do(context.Background(), "other", b.attempt); others <- err }()
	<-ev.reached(EventRefresh, 1)
	ctx, cancel := context.WithCancel(context.Background())
	leaver := make(chan error, 1)
	go func() { _, err := c.Do(ctx, "leaver", b.attempt); leaver <- err }()
	<-ev.reached(EventWait, 1)
	cancel()
	if err := <-leaver; !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled waiter: %v", err)
	}
	close(b.hold)
	if err := <-others; err != nil {
		t.Errorf("the other request: %v", err)
	}
}

func TestLogoutDuringRefreshWins(t *testing.T) {
	b := &fakeBackend{hold: make(chan struct{})}
	store := &MemoryStore{}
	c, ev := newTestClient(t, b, store)
	c.SetTokens(b.tokens())
	b.expire()
	done := make(chan error)
	go func() { _, err := c.Do(context.Background(), "x", b.attempt); done <- err }()
	<-ev.reached(EventRefresh, 1)
	c.ClearTokens()
	close(b.hold)
	if err := <-done; !errors.Is(err, ErrSessionExpired) {
		t.Errorf("request during logout: %v", err)
	}
	if tok := mustLoad(t, store); !tok.IsZero() {
		t.Errorf("the refresh resurrected a logged-out session: %+v", tok)
	}
	if ev.get(EventRelogin) != 0 {
		t.Error("relogin event after the app's own logout")
	}
}

// mutexLocker stands for navigator.locks: one holder at a time among clients.
type mutexLocker struct{ ch chan struct{} }

func newMutexLocker() *mutexLocker { return &mutexLocker{ch: make(chan struct{}, 1)} }

func (l *mutexLocker) Lock(ctx context.Context) (func(), error) {
	select {
	case l.ch <- struct{}{}:
		return func() { <-l.ch }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// TestTabsShareOneRefresh: clients sharing a store and a lock (tabs of one origin) make
// one refresh call for one expiry.
func TestTabsShareOneRefresh(t *testing.T) {
	const tabs, n = 4, 50
	b := &fakeBackend{hold: make(chan struct{})}
	store, lock := &MemoryStore{}, newMutexLocker()
	var clients []*Client
	expiredSeen := &counter{}
	for range tabs {
		c, err := New(store, b, WithLocker(lock), WithObserver(expiredSeen.observe))
		if err != nil {
			t.Fatal(err)
		}
		clients = append(clients, c)
	}
	clients[0].SetTokens(b.tokens())
	b.expire()
	go func() { <-expiredSeen.reached(EventExpired, tabs*n); close(b.hold) }()
	var wg sync.WaitGroup
	var failures atomic.Int32
	send := b.together(tabs * n)
	for _, c := range clients {
		wg.Go(func() { failures.Add(int32(n - countErrs(burst(c, n, send), nil))) })
	}
	wg.Wait()
	if failures.Load() != 0 || b.refreshCalls.Load() != 1 {
		t.Errorf("failures %d, refresh calls %d; want 0, 1", failures.Load(), b.refreshCalls.Load())
	}
	if got := expiredSeen.get(EventAdopted); got < tabs-1 {
		t.Errorf("adopted events = %d, want at least %d (every other tab took the new pair)", got, tabs-1)
	}
}

// stuckLocker never grants the lock and ignores ctx.
type stuckLocker struct{}

func (stuckLocker) Lock(context.Context) (func(), error) { select {} }

func TestLockerIgnoringContextCannotHang(t *testing.T) {
	b := &fakeBackend{}
	c, _ := newTestClient(t, b, &MemoryStore{}, WithLocker(stuckLocker{}), WithRefreshTimeout(50*time.Millisecond))
	c.SetTokens(b.tokens())
	b.expire()
	if _, err := c.Do(context.Background(), "x", b.attempt); !errors.Is(err, ErrRefreshFailed) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want ErrRefreshFailed wrapping DeadlineExceeded", err)
	}
}

// TestTimedOutRefreshSaysSo: whether the transport ignores its context or returns its
// error as soon as it ends, the refresh fails with an error that names the timeout and
// wraps DeadlineExceeded; the transport's context ends with DeadlineExceeded.
func TestTimedOutRefreshSaysSo(t *testing.T) {
	for name, answer := range map[string]func(context.Context) (*Response, error){
		"ignores ctx": func(context.Context) (*Response, error) { select {} },
		"honours ctx": func(ctx context.Context) (*Response, error) {
			<-ctx.Done()
			if err := ctx.Err(); err != context.DeadlineExceeded {
				return nil, fmt.Errorf("ctx.Err() = %v, want DeadlineExceeded", err)
			}
			if dl, ok := ctx.Deadline(); !ok || time.Now().Before(dl) {
				return nil, fmt.Errorf("ctx.Deadline() = %v, %v after the deadline", dl, ok)
			}
			return nil, ctx.Err()
		},
	} {
		t.Run(name, func(t *testing.T) {
			b := &fakeBackend{answer: answer}
			c, _ := newTestClient(t, b, &MemoryStore{}, WithRefreshTimeout(40*time.Millisecond))
			c.SetTokens(b.tokens())
			b.expire()
			_, err := c.Do(context.Background(), "x", b.attempt)
			if !errors.Is(err, ErrRefreshFailed) || !errors.Is(err, context.DeadlineExceeded) ||
				!strings.Contains(err.Error(), "no reply within 40ms") {
				t.Errorf("err = %v, want ErrRefreshFailed saying \"no reply within 40ms\" and wrapping DeadlineExceeded", err)
			}
		})
	}
}

func TestObserverPanicReachesWaiters(t *testing.T) {
	b := &fakeBackend{}
	c, err := New(&MemoryStore{}, b, WithObserver(func(e Event) {
		if e.Kind == EventRefresh {
			panic("observer bug")
		}
	}))
	if err != nil {
		t.Fatal(err)
	}
	c.SetTokens(b.tokens())
	b.expire()
	_, err = c.Do(context.Background(), "x", b.attempt)
	var pe *panicError
	if !errors.Is(err, ErrRefreshFailed) || !errors.As(err, &pe) {
		t.Errorf("err = %v, want ErrRefreshFailed wrapping the panic", err)
	}
}

func TestSetTokensRejectsBadPairs(t *testing.T) {
	store := &MemoryStore{}
	c, _ := newTestClient(t, &fakeBackend{}, store)
	good := Tokens{AccessToken: "a", RefreshToken: "r"}
	c.SetTokens(good)
	for _, bad := range []Tokens{{}, {RefreshToken: "r"}, {AccessToken: "a\r\nX-Evil: 1"}, {AccessToken: "a", RefreshToken: "r\n"}} {
		if err := c.SetTokens(bad); !errors.Is(err, ErrInvalidTokens) {
			t.Errorf("SetTokens(%+v) = %v, want ErrInvalidTokens", bad, err)
		}
	}
	if got := mustLoad(t, store); got.AccessToken != good.AccessToken || got.RefreshToken != good.RefreshToken {
		t.Errorf("a rejected pair changed the store: %+v", got)
	}
}
