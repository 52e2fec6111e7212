package server

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestImporterModuleGraph is issue 12's check, done as a user would: a scratch module that
// imports this module's server (and, in a second module, the Redis store) runs go mod tidy,
// and its module graph holds none of the tooling's modules (the browser tests' and the
// bench's live in their own modules: wasm_test/, bench/, internal/chromium/). What it
// builds is golang-jwt, plus go-redis with the Redis store. It uses the Go proxy the first
// time the modules are not in the module cache.
func TestImporterModuleGraph(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go mod tidy in scratch modules")
	}
	t.Parallel()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	tooling := []string{
		"github.com/chromedp/", "github.com/andybalholm/brotli", "github.com/gin-gonic/",
		"github.com/appleboy/", "github.com/go-oauth2/", "github.com/ory/", "github.com/authfetch/authfetch/bench",
		"github.com/authfetch/authfetch/wasm_test", "github.com/authfetch/authfetch/internal/chromium",
	}
	for _, c := range []struct {
		name, pkg string
		builds    []string // module paths whose packages the importer may build, beside authfetch's
	}{
		{"server", "github.com/authfetch/authfetch/server", []string{"github.com/golang-jwt/jwt/v5"}},
		{"redisstore", "github.com/authfetch/authfetch/server/redisstore",
			[]string{"github.com/golang-jwt/jwt/v5", "github.com/redis/go-redis/v9", "github.com/cespare/xxhash/v2", "go.uber.org/atomic", "golang.org/x/sys"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			write := func(name, text string) {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			write("go.mod", "module example.com/importer\n\ngo 1.26.0\n\n"+
				"require github.com/authfetch/authfetch v0.0.0-00010101000000-000000000000\n\n"+
				"replace github.com/authfetch/authfetch => "+root+"\n")
			write("main.go", "package main\n\nimport _ \""+c.pkg+"\"\n\nfunc main() {}\n")
			run := func(args ...string) string {
				cmd := exec.Command("go", args...)
				cmd.Dir = dir
				// GOWORK=off: the scratch module is a user's, outside this repository's workspace.
				cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
				out, err := cmd.CombinedOutput()
				if err != nil {
					t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
				}
				return string(out)
			}
			run("mod", "tidy")
			modules := strings.Fields(run("list", "-m", "-f", "{{.Path}}", "all"))
			t.Logf("importing %s: go list -m all lists %d modules: %v", c.pkg, len(modules), modules)
			for _, m := range modules {
				for _, bad := range tooling {
					if strings.HasPrefix(m, bad) {
						t.Errorf("the module graph of an importer of %s holds %s", c.pkg, m)
					}
				}
			}
			deps := strings.Fields(run("list", "-deps", "-f", "{{if .Module}}{{.Module.Path}}{{end}}", "."))
		next:
			for _, m := range deps {
				if m == "example.com/importer" || m == "github.com/authfetch/authfetch" {
					continue
				}
				for _, ok := range c.builds {
					if m == ok {
						continue next
					}
				}
				t.Errorf("an importer of %s builds a package of %s", c.pkg, m)
			}
		})
	}
}
