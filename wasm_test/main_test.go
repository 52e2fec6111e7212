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
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/authfetch/authfetch/internal/chromium"
)

// browserCtx is the one Chromium of this test binary; every tab is a chromedp.NewContext
// of it, so all tabs share one profile (localStorage, HTTP cache, connection pool).
var browserCtx context.Context

// jsDir is the directory served at /js/: the repository's js/ unless AUTHFETCH_JS_DIR says.
var jsDir string

func TestMain(m *testing.M) { os.Exit(run(m)) }

func run(m *testing.M) int {
	var err error
	if jsDir, err = findBuild(); err != nil {
		fmt.Fprintln(os.Stderr, "wasm_test:", err)
		return 1
	}
	exe, err := chromium.Find()
	if err != nil {
		fmt.Fprintln(os.Stderr, "wasm_test:", err)
		return 1
	}
	b, err := chromium.Start(exe)
	if err != nil {
		fmt.Fprintln(os.Stderr, "wasm_test:", err)
		return 1
	}
	defer b.Stop()
	browserCtx = b.Ctx

	return m.Run()
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
