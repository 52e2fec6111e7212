package wasm_test

import (
	"bytes"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/authfetch/authfetch/server"
	"github.com/authfetch/authfetch/server/admin"
)

// Helpers of the integration tests (axios, ky, ofetch, the Vue and React examples, packaging,
// debug logging). They build on harness_test.go: the same env, tabs and page helpers, with
// more routes on the env's origin.

// npmModules is wasm_test/testdata/node_modules, where `npm ci` (make test) installs the
// HTTP clients that the integration tests run over auth.fetch (testdata/package-lock.json).
func npmModules(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("testdata", "node_modules"))
	if err != nil {
		t.Fatal(err)
	}
	for _, pkg := range []string{"axios", "ky", "ofetch", "destr", "ufo"} {
		if _, err := os.Stat(filepath.Join(dir, pkg, "package.json")); err != nil {
			t.Fatalf("%s is not installed in %s: run `npm ci` in wasm_test/testdata (make test does)", pkg, dir)
		}
	}
	return dir
}

// repoPath is a path of the repository, from wasm_test/.
func repoPath(t *testing.T, rel string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// apiLog records the path and X-Token of every request that reaches /api/.
type apiLog struct {
	mu   sync.Mutex
	seen []apiRequest
}

type apiRequest struct{ path, token string }

func (l *apiLog) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.mu.Lock()
		l.seen = append(l.seen, apiRequest{r.URL.Path, r.Header.Get("X-Token")})
		l.mu.Unlock()
		next.ServeHTTP(w, r)
	})
}

// paths returns the distinct paths that reached /api/, sorted.
func (l *apiLog) paths() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, r := range l.seen {
		if !slices.Contains(out, r.path) {
			out = append(out, r.path)
		}
	}
	slices.Sort(out)
	return out
}

// tokens returns the X-Token values that reached path.
func (l *apiLog) tokens(path string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, r := range l.seen {
		if r.path == path {
			out = append(out, r.token)
		}
	}
	return out
}

// wantNoDoubledBase fails the test if a request path repeats /api (authfetch's baseURL
// joined to a URL that the HTTP client had joined to its own already).
func (l *apiLog) wantNoDoubledBase(t *testing.T) {
	t.Helper()
	for _, p := range l.paths() {
		if strings.HasPrefix(p, "/api/api") {
			t.Errorf("a request reached %s: the base URL was joined twice (all paths: %v)", p, l.paths())
		}
	}
}

// newEnvWith is newEnv (HTTP/1.1) with routes added by mount, and a log of what reached
// /api/. The page at / is the harness's testPage unless mount serves "GET /{$}" itself.
func newEnvWith(t *testing.T, page string, mount func(mux *http.ServeMux)) (*env, *apiLog) {
	t.Helper()
	return newEnvConfig(t, server.Config{}, page, mount)
}

// newEnvConfig is newEnvWith with the backend configured by cfg (a one-hour AccessTTL is
// set), with package admin's rigging.
func newEnvConfig(t *testing.T, cfg server.Config, page string, mount func(mux *http.ServeMux)) (*env, *apiLog) {
	t.Helper()
	cfg.AccessTTL = time.Hour
	srv, err := admin.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, srv: srv, be: srv, deadline: time.Now().Add(testTimeout), refresh: newRefreshGate()}
	log := &apiLog{}
	mux := http.NewServeMux()
	mux.Handle("/api/", log.wrap(e.refresh.wrap(srv.Handler())))
	mux.Handle("/js/", http.StripPrefix("/js/", http.FileServer(http.Dir(jsDir))))
	if page != "" {
		mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, page)
		})
	}
	if mount != nil {
		mount(mux)
	}
	e.ts = httptest.NewServer(mux)
	e.origin = e.ts.URL
	t.Cleanup(e.ts.Close)
	t.Cleanup(srv.Close)
	t.Cleanup(e.refresh.close)
	return e, log
}

// waitJS polls cond, the body of an async JS function returning { ok, state }, until ok
// or the test's deadline; state is what a timeout reports.
func (tb *tab) waitJS(what, cond string) {
	tb.e.t.Helper()
	type verdict struct {
		OK    bool `json:"ok"`
		State any  `json:"state"`
	}
	tb.e.waitFor(what, func() (bool, string) {
		v, err := tryEval[verdict](tb, cond)
		if err != nil {
			return false, describeJSError(err)
		}
		return v.OK, fmt.Sprint(v.State)
	})
}

// text returns the text of the first element matching the CSS selector, "" if none.
func (tb *tab) text(sel string) string {
	tb.e.t.Helper()
	return eval[string](tb, "read "+sel, fmt.Sprintf(`return document.querySelector(%q)?.textContent ?? ''`, sel))
}

// present reports whether an element matches the CSS selector.
func (tb *tab) present(sel string) bool {
	tb.e.t.Helper()
	return eval[bool](tb, "look for "+sel, fmt.Sprintf(`return document.querySelector(%q) !== null`, sel))
}

// waitText waits until the element's text satisfies want (a JS predicate on t).
func (tb *tab) waitText(sel, predicate string) {
	tb.e.t.Helper()
	tb.waitJS(fmt.Sprintf("%s to satisfy %s", sel, predicate), fmt.Sprintf(`
const el = document.querySelector(%q), t = el ? el.textContent.trim() : null;
return { ok: t !== null && (%s), state: t === null ? 'no such element' : JSON.stringify(t) };`, sel, predicate))
}

// click clicks the element (a real mouse event), once it is visible.
func (tb *tab) click(sel string) {
	tb.e.t.Helper()
	if err := chromedp.Do(tb.ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		tb.e.t.Fatalf("tab %s: click %s: %v", tb.name, sel, err)
	}
}

// typeInto types text into the input (real key events), once it is visible.
func (tb *tab) typeInto(sel, text string) {
	tb.e.t.Helper()
	if err := chromedp.Do(tb.ctx, chromedp.SendKeys(chromedp.CSS(sel), text)); err != nil {
		tb.e.t.Fatalf("tab %s: type into %s: %v", tb.name, sel, err)
	}
}

// exampleDist returns the dist/ folder of an example app (app, from the repository root)
// that Vite built, after checking that it was built from the current sources, the binding
// it uses (a file of js/) and the engine; make's target builds it.
func exampleDist(t *testing.T, app, binding, target string) string {
	t.Helper()
	dir := repoPath(t, app)
	dist := filepath.Join(dir, "dist")
	index, err := os.Stat(filepath.Join(dist, "index.html"))
	if err != nil {
		t.Fatalf("%s is not built (%v): run `make %s` (make test does)", app, err, target)
	}
	// Sources newer than the build.
	var stale []string
	sources := []string{filepath.Join(jsDir, "authfetch.js"), filepath.Join(jsDir, binding),
		filepath.Join(dir, "index.html"), filepath.Join(dir, "vite.config.js"), filepath.Join(dir, "package-lock.json")}
	_ = filepath.WalkDir(filepath.Join(dir, "src"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			sources = append(sources, p)
		}
		return nil
	})
	for _, src := range sources {
		if st, err := os.Stat(src); err != nil || st.ModTime().After(index.ModTime()) {
			stale = append(stale, src)
		}
	}
	// The engine and its loader script by content (make build copies wasm_exec.js anew).
	for _, f := range []string{"authfetch.wasm", "wasm_exec.js"} {
		want, err := os.ReadFile(filepath.Join(jsDir, f))
		if err != nil {
			t.Fatal(err)
		}
		ext := filepath.Ext(f)
		matches, _ := filepath.Glob(filepath.Join(dist, "assets", strings.TrimSuffix(f, ext)+"-*"+ext))
		same := false
		for _, m := range matches {
			if got, err := os.ReadFile(m); err == nil && bytes.Equal(got, want) {
				same = true
			}
		}
		if !same {
			stale = append(stale, filepath.Join(jsDir, f))
		}
	}
	if len(stale) > 0 {
		t.Fatalf("%s/dist is older than %v: run `make %s` (make test does)", app, stale, target)
	}
	return dist
}
