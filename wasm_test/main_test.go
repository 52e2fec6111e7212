// Package wasm_test holds the browser tests of authfetch: native Go tests that start one
// headless Chromium (Debian's chromium package), serve the built module (js/authfetch.js,
// js/authfetch.wasm, js/wasm_exec.js) beside the reference backend (package server, with the
// rigging of package admin) on a
// fresh 127.0.0.1 origin per test, and drive pages through the Chrome DevTools Protocol
// (github.com/chromedp/chromedp).
//
// It is a module of its own (wasm_test/go.mod; go.work at the root joins it to the library), so
// that chromedp and the test-only backends stay out of the library's module graph.
// `go test ./wasm_test/...` from the root of a fresh clone (or `go test ./...` in wasm_test/)
// runs them as they are: TestMain first brings what they
// serve up to date with make (the module, wasm_exec.js of this toolchain, the Vue and React
// examples' builds and the pinned npm packages of testdata; make skips what is current),
// exactly as `make test` does. A missing browser fails the run with the command that
// installs it; nothing is skipped. On a failure the test logs the console of every tab it
// opened and saves a screenshot of each under wasm_test/artifacts/. AUTHFETCH_JS_DIR serves
// another directory at /js/ (to try the suite against another build).
package wasm_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authfetch/authfetch/internal/chromium"
)

// browser is the one Chromium of this test binary; every tab is a chromedp.NewContext of
// it, so all tabs share one profile (localStorage, HTTP cache, connection pool).
var browser *chromium.Browser

// jsDir is the directory served at /js/: the repository's js/ unless AUTHFETCH_JS_DIR says.
var jsDir string

func TestMain(m *testing.M) { os.Exit(run(m)) }

func run(m *testing.M) int {
	if os.Getenv("AUTHFETCH_JS_DIR") == "" {
		if err := makePrerequisites(); err != nil {
			fmt.Fprintln(os.Stderr, "wasm_test:", err)
			return 1
		}
	}
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
	browser = b

	return m.Run()
}

// prerequisites are the make targets the browser tests serve (see test-browser in the
// Makefile).
var prerequisites = []string{"build", "example-vue", "example-react", "wasm_test/testdata/node_modules/.package-lock.json"}

// makePrerequisites runs make in the repository root for what the tests serve.
func makePrerequisites() error {
	if _, err := exec.LookPath("make"); err != nil {
		return fmt.Errorf("make is missing (apt-get install make); it builds js/authfetch.wasm and the examples the tests serve")
	}
	if _, err := exec.LookPath("npm"); err != nil {
		return fmt.Errorf("npm is missing (apt-get install nodejs npm); it installs the pinned packages the tests serve")
	}
	cmd := exec.Command("make", append([]string{"-s", "-C", ".."}, prerequisites...)...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("make %s: %w", strings.Join(prerequisites, " "), err)
	}
	return nil
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
