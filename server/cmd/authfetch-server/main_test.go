package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

// TestDemoServesOnlyThePage: the demo serves index.html and the module's files under
// js/, nothing else of the directory it is given: not .git/, not go.mod, not the sources.
func TestDemoServesOnlyThePage(t *testing.T) {
	root := t.TempDir()
	for name, body := range map[string]string{
		"index.html": "<!doctype html>", "go.mod": "module x", ".git/config": "[core]",
		"js/authfetch.js": "export {}", "js/authfetch.wasm": "\x00asm", "js/wasm_exec.js": "//",
		"wasm/main.go": "package main", "js/types-test/package.json": "{}",
	} {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	h := demoFiles(root)
	for path, want := range map[string]int{
		"/": 200, "/index.html": http.StatusMovedPermanently, // to / "/js/authfetch.js": 200, "/js/authfetch.wasm": 200, "/js/wasm_exec.js": 200,
		"/go.mod": 404, "/.git/config": 404, "/wasm/main.go": 404, "/js/": 404, "/js/types-test/package.json": 404,
		"/js/../go.mod": 404,
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != want {
			t.Errorf("GET %s: %d, want %d", path, rec.Code, want)
		}
	}
}
