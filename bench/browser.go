package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/chromedp"
)

// chromiumPaths are tried in order: Debian's real binary (started with exactly our flags),
// then its wrapper script, which adds flags of its own.
var chromiumPaths = []string{"/usr/lib/chromium/chromium", "/usr/bin/chromium"}

// chromiumFlags is the browser's command line, bar chromedp's --remote-debugging-pipe and
// --user-data-dir (a fresh temporary profile per run). The last two are the bench's own:
// gc() for memory readings after a full collection, and an unrounded
// performance.memory.usedJSHeapSize.
var chromiumFlags = []string{
	"headless", "no-sandbox", "disable-gpu", "disable-background-networking",
	"disable-component-update", "disable-sync", "no-first-run", "disable-quic",
	"enable-precise-memory-info",
}

const jsFlags = "--expose-gc"

type browser struct {
	ctx         context.Context // the browser; every tab is a chromedp.NewContext of it
	cancel      func()
	profile     string
	exe         string
	version     string
	commandLine string
	verbose     bool
}

func findChromium(flagPath string) (string, error) {
	paths := chromiumPaths
	if flagPath != "" {
		paths = []string{flagPath}
	}
	for _, p := range paths {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("no Chromium at %v: install Debian's chromium package (apt-get install chromium) or pass -chromium", paths)
}

func startBrowser(exe string, verbose bool) (*browser, error) {
	profile, err := os.MkdirTemp("", "authfetch-bench-chromium-")
	if err != nil {
		return nil, err
	}
	opts := []chromedp.ExecAllocatorOption{chromedp.ExecPath(exe)}
	line := []string{exe}
	for _, f := range chromiumFlags {
		opts = append(opts, chromedp.Flag(f, true))
		line = append(line, "--"+f)
	}
	opts = append(opts, chromedp.Flag("js-flags", jsFlags), chromedp.UserDataDir(profile))
	line = append(line, "--js-flags="+jsFlags, "--user-data-dir=<fresh>")
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelBrowser := chromedp.NewContext(allocCtx)
	b := &browser{ctx: ctx, profile: profile, exe: exe, commandLine: strings.Join(line, " "), verbose: verbose}
	var once sync.Once
	b.cancel = func() {
		once.Do(func() {
			shutdown, cancel := context.WithTimeout(ctx, 10*time.Second)
			_ = chromedp.Cancel(shutdown)
			cancel()
			cancelBrowser()
			cancelAlloc() // waits for the browser to exit
			os.RemoveAll(profile)
		})
	}
	// The browser lives as long as the context of its first action, so that context has
	// no deadline; a start-up that hangs is cut off here instead.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	select {
	case err = <-started:
	case <-time.After(30 * time.Second):
		err = errors.New("no answer within 30s")
	}
	if err != nil {
		b.cancel()
		return nil, fmt.Errorf("cannot start %s: %w", exe, err)
	}
	if out, err := exec.Command(exe, "--version").Output(); err == nil {
		b.version = strings.TrimSpace(string(out))
	}
	if b.version == "" {
		b.version, _ = chromedp.Run(ctx, chromedp.Evaluate[string]("navigator.userAgent"))
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
