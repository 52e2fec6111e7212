package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/authfetch/authfetch/internal/chromium"
	"github.com/chromedp/chromedp"
)

// benchFlags are the bench's own on top of chromium.Flags: gc() for memory readings after
// a full collection, and an unrounded performance.memory.usedJSHeapSize.
var benchFlags = []string{"enable-precise-memory-info", "js-flags=--expose-gc"}

type browser struct {
	cb          *chromium.Browser
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
	b := &browser{cb: cb, ctx: cb.Ctx, cancel: cb.Stop, exe: exe, commandLine: cb.CommandLine, verbose: verbose}
	if out, err := exec.Command(exe, "--version").Output(); err == nil {
		b.version = strings.TrimSpace(string(out))
	}
	if b.version == "" {
		b.version, _ = chromedp.Run(b.ctx, chromedp.Evaluate[string]("navigator.userAgent"))
	}
	return b, nil
}

// tab is one page of the browser's single profile: tabs of one origin share localStorage.
// Its console keeps errors, warnings and exceptions, shown with -v or when a step fails.
type tab struct {
	*chromium.Tab
	b   *browser
	ctx context.Context
}

// tabLifetime bounds a tab's whole life; single steps have shorter timeouts.
const tabLifetime = 5 * time.Minute

func (b *browser) newTab() (*tab, error) {
	ct, err := b.cb.OpenTab(chromium.TabOptions{
		Deadline: time.Now().Add(tabLifetime), Keep: chromium.Problems, Limit: 50})
	if err != nil {
		return nil, err
	}
	return &tab{Tab: ct, b: b, ctx: ct.Ctx}, nil
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
	t.Tab.Close()
}

func (t *tab) dumpConsole() {
	for _, l := range t.Console() {
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
