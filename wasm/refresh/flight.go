package refresh

import "context"

// flight is one refresh in progress, shared by every request that needs it.
//
// It is created under Client.mu and published in Client.flight, so at most one exists per
// client at a time; whoever finds it there waits on done instead of starting another. The
// goroutine running the refresh sets tokens and err and then closes done, exactly once, even
// when the refresh panics; after done is closed the fields never change, so waiters read them
// without a lock.
type flight struct {
	proactive bool   // started before sending, because the token was about to expire
	from      Tokens // the pair it refreshes
	done      chan struct{}
	tokens    Tokens
	err       error
}

func newFlight(proactive bool, from Tokens) *flight {
	return &flight{proactive: proactive, from: from, done: make(chan struct{})}
}

// wait returns the refresh's result, or ctx's error as soon as ctx ends. Leaving early does
// not stop the refresh: the other waiters still need it.
func (f *flight) wait(ctx context.Context) (Tokens, error) {
	select {
	case <-f.done:
		return f.tokens, f.err
	case <-ctx.Done():
		return Tokens{}, context.Cause(ctx)
	}
}

// Locker serialises refreshes among every client that shares a store. In the browser it is
// navigator.locks, so that tabs of one origin never refresh twice for one expiry.
type Locker interface {
	// Lock returns once the lock is held, with the function that releases it, or with an
	// error when ctx ends first.
	Lock(ctx context.Context) (unlock func(), err error)
}

// noLocker is the default Locker: a client's own refreshes are already serialised by its
// flight, and nothing else shares its store.
type noLocker struct{}

func (noLocker) Lock(context.Context) (func(), error) { return func() {}, nil }

// within runs fn but stops waiting for it when ctx ends, so a Transport or Locker that
// ignores its context cannot hold a refresh, and its waiters, forever. fn leaves its result
// in variables of the caller, who reads them only when within returns nil. If fn succeeds
// after ctx has ended, discard (when not nil) is called after it, to undo what it got (a
// lock acquired too late is released there). An error from fn once ctx has ended is
// reported as ctx's cause, so that a timed-out refresh says so whichever of the two is seen
// first. (Not generic: each instantiation was another 3 KB of wasm.)
func within(ctx *deadline, fn func() error, discard func()) error {
	ch := make(chan error, 1)
	go func() {
		var err error
		defer func() {
			if p := recover(); p != nil {
				err = &panicError{value: p}
			}
			ch <- err
		}()
		err = fn()
	}()
	select {
	case err := <-ch:
		if err != nil && ctx.Err() != nil {
			err = ctx.cause()
		}
		return err
	case <-ctx.Done():
		go func() {
			if err := <-ch; err == nil && discard != nil {
				discard()
			}
		}()
		return ctx.cause()
	}
}
