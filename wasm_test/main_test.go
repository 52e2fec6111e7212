// Package wasm_test holds the browser tests of authfetch: native Go tests that start one
// headless Chromium (Debian's chromium package), serve the built module (js/authfetch.js,
// js/authfetch.wasm, js/wasm_exec.js) beside the reference backend (package server) on a
// fresh 127.0.0.1 origin per test, and drive pages through the Chrome DevTools Protocol
// (github.com/chromedp/chromedp).
//
// Run them from the repository root after building the module:
//
//	make build
//	go test -count=1 ./wasm_test/...
//
// A missing build or a missing browser fails the run; nothing is skipped. On a failure the
// test logs the console of every tab it opened and saves a screenshot of each under
// wasm_test/artifacts/. AUTHFETCH_JS_DIR serves another directory at /js/ (to try the suite
// against another build).
package wasm_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// browserCtx is the one Chromium of this test binary; every tab is a chromedp.NewContext
// of it, so all tabs share one profile (localStorage, HTTP cache, connection pool).
var browserCtx context.Context

// jsDir is the directory served at /js/: the repository's js/ unless AUTHFETCH_JS_DIR says.
var jsDir string

// chromiumPaths are tried in order. The first is Debian's real binary, started with
// exactly our flags; /usr/bin/chromium is Debian's wrapper script, which adds its own.
var chromiumPaths = []string{"/usr/lib/chromium/chromium", "/usr/bin/chromium"}

// chromiumFlags are the browser's whole command line, bar chromedp's --remote-debugging-pipe
// and --user-data-dir (a fresh temporary directory per run).
var chromiumFlags = []string{
	"headless", "no-sandbox", "disable-gpu", "disable-background-networking",
	"disable-component-update", "disable-sync", "no-first-run", "disable-quic",
}

func TestMain(m *testing.M) { os.Exit(run(m)) }

func run(m *testing.M) int {
	var err error
	if jsDir, err = findBuild(); err != nil {
		fmt.Fprintln(os.Stderr, "wasm_test:", err)
		return 1
	}
	exe := ""
	for _, p := range chromiumPaths {
		if _, err := os.Stat(p); err == nil {
			exe = p
			break
		}
	}
	if exe == "" {
		// CI installs chromium (.ci/run); a missing browser must fail the run, not skip it.
		fmt.Fprintf(os.Stderr, "wasm_test: no Chromium at %v: install Debian's chromium package (apt-get install chromium)\n", chromiumPaths)
		return 1
	}
	profile, err := os.MkdirTemp("", "authfetch-chromium-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "wasm_test:", err)
		return 1
	}
	defer os.RemoveAll(profile)

	opts := []chromedp.ExecAllocatorOption{chromedp.ExecPath(exe)}
	for _, f := range chromiumFlags {
		opts = append(opts, chromedp.Flag(f, true))
	}
	opts = append(opts, chromedp.UserDataDir(profile))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc() // waits for the browser to exit
	ctx, cancelBrowser := chromedp.NewContext(allocCtx)
	defer cancelBrowser()

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
		fmt.Fprintf(os.Stderr, "wasm_test: cannot start %s: %v\n", exe, err)
		return 1
	}
	browserCtx = ctx

	code := m.Run()

	shutdown, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	_ = chromedp.Cancel(shutdown)
	return code
}

// findBuild returns the directory to serve at /js/, or an error saying what to build.
func findBuild() (string, error) {
	dir := os.Getenv("AUTHFETCH_JS_DIR")
	if dir == "" {
		dir = filepath.Join("..", "js")
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for _, f := range []string{"authfetch.js", "authfetch.wasm", "wasm_exec.js"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			return "", fmt.Errorf("%s is missing: run `make build` first (in the repository root)", filepath.Join(dir, f))
		}
	}
	return dir, nil
}
