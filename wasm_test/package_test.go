package wasm_test

import (
	"archive/tar"
	"compress/gzip"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/authfetch/authfetch/wasm/refresh"
)

// packedFiles are what `npm pack` in js/ must put in the package, and nothing else.
var packedFiles = []string{
	"authfetch.d.ts", "authfetch.js", "authfetch.wasm", "package.json", "react.d.ts", "react.js", "vue.d.ts", "vue.js", "wasm_exec.js",
}

// npmPack runs `npm pack` in js/ into a temporary directory and returns the tarball and
// the files npm says it holds.
func npmPack(t *testing.T) (tarball string, files []string) {
	t.Helper()
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Fatalf("npm is needed to pack js/ (Node.js 20 or later): %v", err)
	}
	dir := t.TempDir()
	cmd := exec.Command(npm, "pack", "--json", "--pack-destination", dir)
	cmd.Dir = jsDir
	cmd.Env = append(os.Environ(), "npm_config_loglevel=error", "npm_config_update_notifier=false")
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("npm pack in %s: %v\n%s", jsDir, err, stderr)
	}
	var packs []struct {
		Filename string `json:"filename"`
		Files    []struct {
			Path string `json:"path"`
		} `json:"files"`
	}
	if err := json.Unmarshal(out, &packs); err != nil || len(packs) != 1 {
		t.Fatalf("npm pack --json printed %q (%v)", out, err)
	}
	for _, f := range packs[0].Files {
		files = append(files, f.Path)
	}
	slices.Sort(files)
	return filepath.Join(dir, packs[0].Filename), files
}

// untar extracts the npm tarball (its files are under package/) into dir.
func untar(t *testing.T, tarball, dir string) {
	t.Helper()
	f, err := os.Open(tarball)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		name, ok := strings.CutPrefix(h.Name, "package/")
		if !ok || h.Typeflag != tar.TypeReg || !filepath.IsLocal(name) {
			t.Fatalf("unexpected entry %q in %s", h.Name, tarball)
		}
		dst := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// plainPage loads the packed module from a plain <script type="module">, no bundler, no
// wasmURL: it must find authfetch.wasm and wasm_exec.js beside itself.
//
//go:embed testdata/page/plain.html
var plainPage string

// TestPackedModule: `npm pack` in js/ holds exactly the module's files, and the packed
// module, served as an npm install leaves it and imported by a plain
// <script type="module">, finds its wasm and works: log in, expiry, one refresh.
func TestPackedModule(t *testing.T) {
	tarball, files := npmPack(t)
	if !slices.Equal(files, packedFiles) {
		t.Errorf("npm pack in js/ holds %q, want %q", files, packedFiles)
	}
	root := t.TempDir()
	untar(t, tarball, filepath.Join(root, "node_modules", "authfetch"))

	e, _ := newEnvWith(t, plainPage, func(mux *http.ServeMux) {
		mux.Handle("/node_modules/", http.FileServer(http.Dir(root)))
	})
	tb := e.newTab("plain")
	tb.open()
	tb.waitJS("the page's module script", `return { ok: window.ready !== undefined, state: String(window.ready) }`)
	if ready := eval[string](tb, "read the outcome", `return window.ready`); ready != "ok" {
		t.Fatalf("createAuthFetch in the plain page: %s", ready)
	}
	wasm := eval[[]string](tb, "list the loaded wasm", `return performance.getEntriesByType('resource').map(r => new URL(r.name).pathname).filter(p => p.endsWith('.wasm'))`)
	if !slices.Equal(wasm, []string{"/node_modules/authfetch/authfetch.wasm"}) {
		t.Errorf("the page loaded wasm %q, want the one beside the module", wasm)
	}
	tb.do("install the page helpers", pageHelpers)
	tb.login()
	e.srv.ExpireAccessTokens()
	e.srv.ResetStats()
	r := eval[[]burstReply](tb, "requests at expiry", `
return await Promise.all(Array.from({ length: 5 }, (_, i) => H.settle(auth.fetch('/user/info?i=' + i).then(H.reply))));`)
	wantAllCodeZero(t, "requests at expiry", r)
	e.wantStats("after the requests at expiry", map[string]int64{"RefreshCalls": 1, "Refreshed": 1, "Requests": 5})
}

// loaderOnlyOptions are the options the loader keeps to itself: callbacks, its own
// logging and where the wasm is. Every other option crosses into Go (refresh.Settings).
var loaderOnlyOptions = []string{"onRelogin", "onRefresh", "onEvent", "debug", "wasmURL"}

// loaderComputed are the Settings fields the loader fills in itself.
var loaderComputed = []string{"baseOrigin"}

// TestOptionNamesMatchDeclarations: authfetch.d.ts, the loader's option list
// (OPTION_TYPES) and the Go struct the options cross into (refresh.Settings) name the same
// options; every option the .d.ts declares is one the loader knows (no "unknown option"
// warning) and checks (a wrong type is a TypeError naming it), so typed code cannot pass
// an option the module ignores.
func TestOptionNamesMatchDeclarations(t *testing.T) {
	dts, err := os.ReadFile(filepath.Join(jsDir, "authfetch.d.ts"))
	if err != nil {
		t.Fatal(err)
	}
	_, body, ok := strings.Cut(string(dts), "export interface AuthFetchOptions {")
	body, _, ok2 := strings.Cut(body, "\n}")
	if !ok || !ok2 {
		t.Fatal("no `export interface AuthFetchOptions { ... }` in authfetch.d.ts")
	}
	var names []string
	for _, m := range regexp.MustCompile(`(?m)^\s+(\w+)\?:`).FindAllStringSubmatch(body, -1) {
		names = append(names, m[1])
	}
	if len(names) < 20 || !slices.Contains(names, "baseURL") || !slices.Contains(names, "wasmURL") {
		t.Fatalf("read %d option names from authfetch.d.ts (%v): the parse is broken", len(names), names)
	}
	loader, err := os.ReadFile(filepath.Join(jsDir, "authfetch.js"))
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(loader), "const OPTION_TYPES = {")
	table, _, ok2 = strings.Cut(table, "\n}")
	if !ok || !ok2 {
		t.Fatal("no `const OPTION_TYPES = { ... }` in authfetch.js")
	}
	var loaderNames []string
	for _, m := range regexp.MustCompile(`(?m)^\s*(\w+):`).FindAllStringSubmatch(table, -1) {
		loaderNames = append(loaderNames, m[1])
	}
	if a, b := sorted(loaderOnlyOptions), sorted(loaderNames); !slices.Equal(a, b) {
		t.Errorf("the loader's OPTION_TYPES checks %q, want its own options %q (Go checks the rest)", b, a)
	}
	var goNames []string
	st := reflect.TypeFor[refresh.Settings]()
	for i := range st.NumField() {
		if tag, _, _ := strings.Cut(st.Field(i).Tag.Get("json"), ","); !slices.Contains(loaderComputed, tag) {
			goNames = append(goNames, tag)
		}
	}
	crossing := slices.DeleteFunc(slices.Clone(names), func(n string) bool { return slices.Contains(loaderOnlyOptions, n) })
	if a, b := sorted(crossing), sorted(goNames); !slices.Equal(a, b) {
		t.Errorf("options that cross into Go: authfetch.d.ts has %q, refresh.Settings has %q", a, b)
	}
	e := newEnv(t)
	tb := e.newTab("a")
	tb.open()
	type verdict struct {
		Warnings []string          `json:"warnings"`
		Errors   map[string]string `json:"errors"`
	}
	namesJSON, _ := json.Marshal(names)
	v := eval[verdict](tb, "create clients with every declared option", fmt.Sprintf(`
const M = await import('/js/authfetch.js'), names = %s;
const warnings = [], errors = {}, warn = console.warn;
console.warn = (...a) => warnings.push(a.join(' '));
try {
  const auth = await M.createAuthFetch(Object.fromEntries(names.map(n => [n, undefined])));
  auth.close();
} finally { console.warn = warn }
for (const n of names) {
  try { (await M.createAuthFetch({ [n]: Symbol('wrong') })).close(); errors[n] = 'accepted' }
  catch (e) { errors[n] = e instanceof TypeError && e.message.includes('option ' + n) ? '' : String(e) }
}
return { warnings, errors };`, namesJSON))
	if len(v.Warnings) > 0 {
		t.Errorf("options declared in authfetch.d.ts that the loader does not know: %q", v.Warnings)
	}
	for _, n := range names {
		if msg := v.Errors[n]; msg != "" {
			t.Errorf("option %s set to a Symbol: %s, want a TypeError naming it", n, msg)
		}
	}
}

func sorted(s []string) []string { s = slices.Clone(s); slices.Sort(s); return s }
