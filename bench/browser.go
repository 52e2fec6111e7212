package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/authfetch/authfetch/internal/chromium"
	"github.com/chromedp/chromedp"
)

// benchFlags are the bench's own on top of chromium.Flags: gc() for memory readings after
// a full collection, and an unrounded performance.memory.usedJSHeapSize.
var benchFlags = []string{"enable-precise-memory-info", "js-flags=--expose-gc"}

type browser struct {
	ctx         context.Context // the browser; every tab is a chromedp.NewContext of it
	cancel      func()
	exe         string
	version     string
	commandLine string
	verbose     bool
}

// findChromium returns the browser to run: the -chromium flag's path, else the first of
// chromium.Paths that exists.
func findChromium(flagPath string) (string, error) {
	if flagPath != "" {
		return chromium.Find(flagPath)
	}
	return chromium.Find()
}

func startBrowser(exe string, verbose bool) (*browser, error) {
	cb, err := chromium.Start(exe, benchFlags...)
	if err != nil {
		return nil, err
	}
	b := &browser{ctx: cb.Ctx, cancel: cb.Stop, exe: exe, commandLine: cb.CommandLine, verbose: verbose}
	if out, err := exec.Command(exe, "--version").Output(); err == nil {
		b.version = strings.TrimSpace(string(out))
	}
	if b.version == "" {
		b.version, _ = chromedp.Run(b.ctx, chromedp.Evaluate[string]("navigator.userAgent"))
	}
	return b, nil
}

// tab is one page of the browser's single profile: tabs of one origin share localStorage.
type tab struct {
	b      *browser
	ctx    context.Context
	cancel func()

	mu      sync.Mutex
	console []string // errors and exceptions, shown with -v or when a step fails
}

// tabLifetime bounds a tab's whole life; single steps have shorter timeouts.
const tabLifetime = 5 * time.Minute

func (b *browser) newTab() (*tab, error) {
	tabCtx, cancelTab := chromedp.NewContext(b.ctx)
	ctx, cancel := context.WithTimeout(tabCtx, tabLifetime)
	t := &tab{b: b, ctx: ctx}
	messages := chromedp.Console(tabCtx) // subscribes now, creating the tab
	done := make(chan struct{})
	go func() {
		defer close(done)
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.IsException() || m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleWarning {
				t.mu.Lock()
				if len(t.console) < 50 {
					t.console = append(t.console, m.String())
				}
				t.mu.Unlock()
			}
		}
	}()
	t.cancel = func() {
		cancel()
		cancelTab()
		<-done
	}
	if err := chromedp.Do(ctx); err != nil {
		t.cancel()
		return nil, fmt.Errorf("open a tab: %w", err)
	}
	return t, nil
}

// open makes a tab showing the bench page of s.
func (b *browser) open(s *site) (*tab, error) {
	t, err := b.newTab()
	if err != nil {
		return nil, err
	}
	if err := t.navigate(s.url + "/"); err != nil {
		t.Close()
		return nil, err
	}
	return t, nil
}

func (t *tab) Close() {
	if t.b.verbose {
		t.dumpConsole()
	}
	t.cancel()
}

func (t *tab) dumpConsole() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, l := range t.console {
		fmt.Fprintln(os.Stderr, "  console:", l)
	}
}

// navigate loads url (a fresh document: fresh JS realm and module map) and waits for the
// harness.
func (t *tab) navigate(url string) error {
	ctx, cancel := context.WithTimeout(t.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		return fmt.Errorf("navigate to %s: %w", url, err)
	}
	_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](
		`new Promise((resolve) => { const check = () => window.bench ? resolve(true) : setTimeout(check, 5); check() })`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		return fmt.Errorf("bench page at %s: %w", url, err)
	}
	return nil
}

// call evaluates bench.<method>(args...) in the page, awaits it and decodes the result.
func call[T any](t *tab, timeout time.Duration, method string, args ...any) (T, error) {
	var zero T
	js := make([]string, len(args))
	for i, a := range args {
		b, err := json.Marshal(a)
		if err != nil {
			return zero, err
		}
		js[i] = string(b)
	}
	expr := fmt.Sprintf("bench.%s(%s)", method, strings.Join(js, ", "))
	ctx, cancel := context.WithTimeout(t.ctx, timeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.dumpConsole()
		return zero, fmt.Errorf("%s: %w", expr, err)
	}
	return v, nil
}
