package chromium

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/chromedp/chromedp"
)

// Tab is one page of a Browser, sharing its profile with every other tab, with the
// console messages it showed collected from the moment it opened.
type Tab struct {
	// Ctx runs the tab's actions; it ends at the deadline given to OpenTab, or at Close.
	Ctx context.Context
	// Base ends only at Close: for what must still work after the deadline passed, such
	// as a screenshot of a test that timed out.
	Base context.Context

	keep  func(chromedp.ConsoleMessage) bool
	limit int
	close func()

	mu      sync.Mutex
	console []string // guarded by mu
}

// TabOptions says how long a tab lives and which console messages it keeps.
type TabOptions struct {
	Deadline time.Time                          // zero: no deadline but Close
	Keep     func(chromedp.ConsoleMessage) bool // nil: every message
	Limit    int                                // most messages kept; 0: no limit
}

// OpenTab opens a tab on about:blank and starts collecting its console. A browser
// problem shows up here, not in the tab's first step.
func (b *Browser) OpenTab(o TabOptions) (*Tab, error) {
	base, cancelBase := chromedp.NewContext(b.Ctx)
	ctx, cancel := base, context.CancelFunc(func() {})
	if !o.Deadline.IsZero() {
		ctx, cancel = context.WithDeadline(base, o.Deadline)
	}
	t := &Tab{Ctx: ctx, Base: base, keep: o.Keep, limit: o.Limit}
	messages := chromedp.Console(base) // subscribes now, creating the tab
	done := make(chan struct{})
	go func() {
		defer close(done)
		for m, err := range messages {
			if err != nil {
				return
			}
			t.collect(m)
		}
	}()
	var once sync.Once
	t.close = func() {
		once.Do(func() {
			cancel()
			cancelBase()
			<-done
		})
	}
	if err := chromedp.Do(ctx); err != nil {
		t.Close()
		return nil, fmt.Errorf("open a tab: %w", err)
	}
	return t, nil
}

func (t *Tab) collect(m chromedp.ConsoleMessage) {
	if t.keep != nil && !t.keep(m) {
		return
	}
	line := m.String()
	if m.URL != "" {
		line += fmt.Sprintf("  (%s:%d)", m.URL, m.Line+1)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.limit == 0 || len(t.console) < t.limit {
		t.console = append(t.console, line)
	}
}

// Console returns the console messages kept so far, each with where it came from.
func (t *Tab) Console() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]string(nil), t.console...)
}

// Close closes the tab. It may be called more than once.
func (t *Tab) Close() { t.close() }

// Problems keeps the console messages that say something went wrong: errors, warnings
// and uncaught exceptions.
func Problems(m chromedp.ConsoleMessage) bool {
	return m.IsException() || m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleWarning
}
