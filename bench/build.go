package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// modulePath is the module the benchmark belongs to; findRoot looks for its go.mod.
const modulePath = "github.com/authfetch/authfetch"

// findRoot returns the repository root: the nearest directory at or above the working
// directory whose go.mod declares modulePath.
func findRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && bytes.Contains(b, []byte("module "+modulePath+"\n")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod of %s at or above the working directory: run from the repository", modulePath)
		}
		dir = parent
	}
}

// artifacts are the files the benchmark builds and serves.
type artifacts struct {
	root      string // repository root
	benchDir  string // root/bench
	dir       string // temporary directory holding the builds
	wasm      string // authfetch.wasm, built as the Makefile builds it
	wasmExec  string // wasm_exec.js of the toolchain that built it
	loader    string // authfetch.js as make build ships it
	empty     string // floor: the empty Go program
	deps      string // floor: Go plus golang-jwt/jwt/v5 and hack-pad/safejs
	names     string // authfetch.wasm without -s -w, for the CPU profile; "" unless asked for
	goVersion string
}

// build compiles authfetch.wasm and both floors with the Makefile's exact command, into a
// temporary directory, and copies the matching wasm_exec.js and the loader as the Makefile
// does. It never touches js/.
func build(root string, withNames bool) (*artifacts, error) {
	dir, err := os.MkdirTemp("", "authfetch-bench-")
	if err != nil {
		return nil, err
	}
	a := &artifacts{
		root: root, benchDir: filepath.Join(root, "bench"), dir: dir,
		wasm:     filepath.Join(dir, "authfetch.wasm"),
		wasmExec: filepath.Join(dir, "wasm_exec.js"),
		loader:   filepath.Join(dir, "authfetch.js"),
		empty:    filepath.Join(dir, "empty.wasm"),
		deps:     filepath.Join(dir, "deps.wasm"),
	}
	builds := []struct{ out, pkg, ldflags string }{
		{a.wasm, "./wasm", "-s -w"},
		{a.empty, "./bench/floor/empty", "-s -w"},
		{a.deps, "./bench/floor/deps", "-s -w"},
	}
	if withNames {
		a.names = filepath.Join(dir, "authfetch-names.wasm")
		builds = append(builds, struct{ out, pkg, ldflags string }{a.names, "./wasm", ""})
	}
	for _, b := range builds {
		cmd := exec.Command("go", "build", "-trimpath", "-ldflags="+b.ldflags, "-o", b.out, b.pkg)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("GOOS=js GOARCH=wasm go build %s: %v\n%s", b.pkg, err, out)
		}
	}
	goroot, err := goEnv(root, "GOROOT")
	if err != nil {
		return nil, err
	}
	// Both as the Makefile ships them: without comments and indentation.
	for in, out := range map[string]string{filepath.Join(goroot, "lib", "wasm", "wasm_exec.js"): a.wasmExec, filepath.Join(root, "js", "src", "authfetch.js"): a.loader} {
		cmd := exec.Command("go", "run", "./internal/stripjs", "-i", in, "-o", out)
		cmd.Dir = root
		if msg, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("stripjs %s: %v\n%s", in, err, msg)
		}
	}
	if a.goVersion, err = goEnv(root, "GOVERSION"); err != nil {
		return nil, err
	}
	return a, nil
}

func goEnv(dir, name string) (string, error) {
	cmd := exec.Command("go", "env", name)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go env %s: %w", name, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// ensureNodeModules installs bench/node_modules from package-lock.json with `npm ci` when
// it is missing. The bench serves axios and axios-auth-refresh from there; no CDN.
func ensureNodeModules(benchDir string) error {
	for _, p := range []string{"axios/dist/esm/axios.min.js", "axios-auth-refresh/dist/index.esm.js"} {
		if _, err := os.Stat(filepath.Join(benchDir, "node_modules", p)); err != nil {
			return npmCI(benchDir)
		}
	}
	return nil
}

func npmCI(benchDir string) error {
	npm, err := exec.LookPath("npm")
	if err != nil {
		return errors.New("bench/node_modules is missing and npm is not installed: install Node.js and npm, or run `npm ci` in bench/")
	}
	fmt.Fprintln(os.Stderr, "bench: npm ci (bench/node_modules is missing)")
	cmd := exec.Command(npm, "ci", "--no-audit", "--no-fund")
	cmd.Dir = benchDir
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("npm ci in %s: %w", benchDir, err)
	}
	return nil
}
