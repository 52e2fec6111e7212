package refresh

import (
	"context"
	"sync"
	"time"
)

// deadline is the context a refresh runs under: it ends refreshTimeout after the refresh
// starts, or when the refresh returns. It does what context.WithTimeoutCause(Background, ...)
// did here, without that function's cancellation tree (propagateCancel, timerCtx, AfterFunc),
// which weighed some 29 KB of the wasm for a context whose parent is always Background and
// which has no children of its own.
//
// Err follows the Context contract (context.DeadlineExceeded or context.Canceled); cause is
// the error the refresh reports when time runs out, which says how long it waited.
type deadline struct {
	at      time.Time
	timeout time.Duration
	done    chan struct{}
	timer   *time.Timer

	once sync.Once
	err  error // set once, before done is closed
}

func newDeadline(timeout time.Duration) *deadline {
	d := &deadline{at: time.Now().Add(timeout), timeout: timeout, done: make(chan struct{})}
	d.timer = time.AfterFunc(timeout, func() { d.end(context.DeadlineExceeded) })
	return d
}

func (d *deadline) end(err error) {
	d.once.Do(func() {
		d.err = err
		close(d.done)
	})
}

// cancel stops the timer and ends the context, as a CancelFunc does; a Transport or Locker
// still running learns that its result is no longer wanted.
func (d *deadline) cancel() {
	d.timer.Stop()
	d.end(context.Canceled)
}

// cause is why the context ended, as context.Cause would say it: a timeout error that says
// how long the refresh waited (and wraps context.DeadlineExceeded), context.Canceled after
// cancel, or nil while it runs.
func (d *deadline) cause() error {
	switch err := d.Err(); err {
	case context.DeadlineExceeded:
		return timeoutError{d.timeout}
	default:
		return err
	}
}

func (d *deadline) Deadline() (time.Time, bool) { return d.at, true }
func (d *deadline) Done() <-chan struct{}       { return d.done }
func (d *deadline) Value(any) any               { return nil }

func (d *deadline) Err() error {
	select {
	case <-d.done:
		return d.err
	default:
		return nil
	}
}

// timeoutError is a refresh that ran out of time.
type timeoutError struct{ timeout time.Duration }

func (e timeoutError) Error() string {
	return "no reply within " + e.timeout.String() + ": " + context.DeadlineExceeded.Error()
}

// Unwrap makes errors.Is find context.DeadlineExceeded.
func (e timeoutError) Unwrap() error { return context.DeadlineExceeded }
