// Package chromium starts the one headless Debian Chromium that the browser tests
// (wasm_test) and the benchmark (bench) drive through chromedp, with exactly the project's
// flags and a fresh profile, and opens its tabs with their console collected.
//
//	exe, err := chromium.Find()
//	b, err := chromium.Start(exe)
//	defer b.Stop()
//	tab, err := b.OpenTab(chromium.TabOptions{Deadline: deadline, Keep: chromium.Problems})
//	defer tab.Close()
//	_, err = chromedp.Run(tab.Ctx, chromedp.Navigate(url))
//	log.Print(tab.Console()) // errors, warnings and exceptions, with where they came from
//
// It is a module of its own, so that chromedp stays out of the library's module graph.
package chromium

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/chromedp"
)

// Paths are tried in order: Debian's real binary, started with exactly our flags, then its
// wrapper script, which adds flags of its own.
var Paths = []string{"/usr/lib/chromium/chromium", "/usr/bin/chromium"}

// Flags are the browser's command line, bar chromedp's --remote-debugging-pipe, the fresh
// --user-data-dir and what a caller adds.
var Flags = []string{
	"headless", "no-sandbox", "disable-gpu", "disable-background-networking",
	"disable-component-update", "disable-sync", "no-first-run", "disable-quic",
}

// Find returns the first of paths (Paths when none are given) that exists. A missing
// browser is an error, never a reason to skip: CI installs chromium (.ci/run).
func Find(paths ...string) (string, error) {
	if len(paths) == 0 {
		paths = Paths
	}
	for _, p := range paths {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("no Chromium at %v: install Debian's chromium package (apt-get install chromium)", paths)
}

// Browser is a running Chromium; every tab is a chromedp.NewContext of Ctx, so all tabs
// share one profile (localStorage, HTTP cache, connection pool).
type Browser struct {
	Ctx         context.Context
	CommandLine string // as started, the profile shown as <fresh>
	stop        func()
}

// Start starts exe with Flags plus extra ("name" or "name=value") and a fresh profile, and
// waits until it answers, for 30 s at most.
func Start(exe string, extra ...string) (*Browser, error) {
	profile, err := os.MkdirTemp("", "authfetch-chromium-")
	if err != nil {
		return nil, err
	}
	opts := []chromedp.ExecAllocatorOption{chromedp.ExecPath(exe)}
	line := []string{exe}
	for _, f := range append(append([]string(nil), Flags...), extra...) {
		name, value, hasValue := strings.Cut(f, "=")
		if hasValue {
			opts = append(opts, chromedp.Flag(name, value))
		} else {
			opts = append(opts, chromedp.Flag(name, true))
		}
		line = append(line, "--"+f)
	}
	opts = append(opts, chromedp.UserDataDir(profile))
	line = append(line, "--user-data-dir=<fresh>")
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelBrowser := chromedp.NewContext(allocCtx)
	var once sync.Once
	b := &Browser{Ctx: ctx, CommandLine: strings.Join(line, " "), stop: func() {
		once.Do(func() {
			shutdown, cancel := context.WithTimeout(ctx, 10*time.Second)
			_ = chromedp.Cancel(shutdown)
			cancel()
			cancelBrowser()
			cancelAlloc() // waits for the browser to exit
			os.RemoveAll(profile)
		})
	}}
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
		b.Stop()
		return nil, fmt.Errorf("cannot start %s: %w", exe, err)
	}
	return b, nil
}

// Stop closes the browser and removes its profile. It may be called more than once.
func (b *Browser) Stop() { b.stop() }
