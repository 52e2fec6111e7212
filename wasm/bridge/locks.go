//go:build js && wasm

package bridge

import (
	"context"
	"errors"

	"github.com/hack-pad/safejs"
)

// webLock is a refresh.Locker on navigator.locks: one holder among all tabs of the origin.
// Where Web Locks are missing (an insecure context), it is nil and the engine serialises
// only its own refreshes.
type webLock struct {
	locks safejs.Value
	name  string
}

func newWebLock(name string) *webLock {
	locks := prop(prop(global, "navigator"), "locks")
	if prop(locks, "request").Type() != safejs.TypeFunction {
		return nil
	}
	return &webLock{locks: locks, name: name}
}

// Lock asks for the lock with a callback that returns a Promise; the lock is held until
// that Promise resolves, which is what unlock does. If ctx ends first the request is
// aborted, and a grant that races with the abort is released at once. The callback's
// js.Func is released only when the request has settled, so it is never called released.
func (l *webLock) Lock(ctx context.Context) (func(), error) {
	granted := make(chan *settler, 1)
	onGrant, err := safejs.FuncOf(func(_ safejs.Value, _ []safejs.Value) any {
		p, s, err := newPromise()
		if err != nil {
			return nil // the lock is released at once; the request settles with no grant
		}
		granted <- s
		return p
	})
	if err != nil {
		return nil, err
	}
	abort, err := jsAbortCtl.New()
	if err != nil {
		onGrant.Release()
		return nil, fromJS(err)
	}
	opts := newObject()
	_ = opts.Set("signal", prop(abort, "signal"))
	req, err := l.locks.Call("request", l.name, opts, onGrant)
	if err != nil {
		onGrant.Release()
		return nil, fromJS(err)
	}
	ended := make(chan error, 1) // the request settled: after unlock, or without a grant
	go func() {
		_, err := await(req)
		onGrant.Release()
		if err == nil {
			err = errors.New("the refresh lock request ended without a grant")
		}
		ended <- err
	}()

	select {
	case s := <-granted:
		return func() { s.Resolve(nil) }, nil
	case err := <-ended:
		return nil, err
	case <-ctx.Done():
		_, _ = abort.Call("abort")
		go func() { // a grant that raced with the abort is given back
			select {
			case s := <-granted:
				s.Resolve(nil)
			case <-ended:
			}
		}()
		return nil, errors.Join(context.Cause(ctx), errors.New("the refresh lock was not granted in time"))
	}
}
