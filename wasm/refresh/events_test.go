package refresh

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
)

// recorder keeps every event, in order.
type recorder struct {
	mu     sync.Mutex
	events []Event
}

func (r *recorder) observe(e Event) { r.mu.Lock(); r.events = append(r.events, e); r.mu.Unlock() }

// refreshes returns, for each EventRefresh, the kinds of the events that ended it, and
// whether every ending event came after a start.
func (r *recorder) refreshes() (ends [][]EventKind, orphan bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, e := range r.events {
		switch {
		case e.Kind == EventRefresh:
			ends = append(ends, nil)
		case e.Ends && len(ends) == 0:
			orphan = true
		case e.Ends:
			ends[len(ends)-1] = append(ends[len(ends)-1], e.Kind)
		}
	}
	return ends, orphan
}

// TestEveryRefreshEndsOnce: whatever happens to a refresh (success, a newer pair in the
// store, failure, a dead refresh token, a logout while it runs, a panic), it emits
// EventRefresh and then exactly one event with Ends set, so a spinner driven by the
// events never stays on.
func TestEveryRefreshEndsOnce(t *testing.T) {
	tests := []struct {
		name         string
		run          func(t *testing.T, b *fakeBackend, c *Client, store Store)
		want         EventKind
		panicOnStart bool // the observer panics when told of the start: run's own recover
	}{
		{"refreshed", func(t *testing.T, b *fakeBackend, c *Client, _ Store) {
			if _, err := c.Do(context.Background(), "x", b.attempt); err != nil {
				t.Fatal(err)
			}
		}, EventRefreshed, false},
		{"failed", func(t *testing.T, b *fakeBackend, c *Client, _ Store) {
			b.setAnswer(func(context.Context) (*Response, error) { return &Response{Status: 503}, nil })
			if _, err := c.Do(context.Background(), "x", b.attempt); !errors.Is(err, ErrRefreshFailed) {
				t.Fatal(err)
			}
		}, EventRefreshFailed, false},
		{"relogin", func(t *testing.T, b *fakeBackend, c *Client, _ Store) {
			b.setAnswer(func(context.Context) (*Response, error) {
				return &Response{Status: 200, Body: []byte(`{"code":10007}`)}, nil
			})
			if _, err := c.Do(context.Background(), "x", b.attempt); !errors.Is(err, ErrSessionExpired) {
				t.Fatal(err)
			}
		}, EventRelogin, false},
		{"logout while the call is out", func(t *testing.T, b *fakeBackend, c *Client, _ Store) {
			b.hold = make(chan struct{})
			done := doHeld(c, b)
			if err := c.ClearTokens(); err != nil {
				t.Fatal(err)
			}
			close(b.hold)
			if err := <-done; !errors.Is(err, ErrSessionExpired) {
				t.Fatal(err)
			}
		}, EventSessionEnded, false},
		{"panicking transport", func(t *testing.T, b *fakeBackend, c *Client, _ Store) {
			b.setAnswer(func(context.Context) (*Response, error) { panic("transport bug") })
			if _, err := c.Do(context.Background(), "x", b.attempt); !errors.Is(err, ErrRefreshFailed) {
				t.Fatal(err)
			}
		}, EventRefreshFailed, false},
		{"panic in the refresh itself", func(t *testing.T, b *fakeBackend, c *Client, _ Store) {
			if _, err := c.Do(context.Background(), "x", b.attempt); !errors.Is(err, ErrRefreshFailed) {
				t.Fatal(err)
			}
		}, EventRefreshFailed, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := &fakeBackend{}
			rec := &recorder{}
			store := &MemoryStore{}
			c, err := New(store, b, WithObserver(func(e Event) {
				rec.observe(e)
				if tt.panicOnStart && e.Kind == EventRefresh {
					panic("observer bug")
				}
			}))
			if err != nil {
				t.Fatal(err)
			}
			if err := c.SetTokens(b.tokens()); err != nil {
				t.Fatal(err)
			}
			b.expire()
			tt.run(t, b, c, store)
			ends, orphan := rec.refreshes()
			if orphan || len(ends) != 1 || !slices.Equal(ends[0], []EventKind{tt.want}) {
				t.Errorf("refreshes and their ends: %v (an end without a start: %v); want one refresh ended by %s", ends, orphan, tt.want)
			}
		})
	}
}
