package wasm_test

import (
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// wasmGate serves the module at /slow/authfetch.wasm, holding every download while held:
// a page whose Go runtime cannot come up until the test lets it.
type wasmGate struct {
	held    atomic.Bool
	release chan struct{}
}

func newWasmGate() *wasmGate { return &wasmGate{release: make(chan struct{})} }

func (g *wasmGate) mount(mux *http.ServeMux) {
	mux.HandleFunc("GET /slow/authfetch.wasm", func(w http.ResponseWriter, r *http.Request) {
		if g.held.Load() {
			select {
			case <-g.release:
			case <-r.Context().Done():
				return
			}
		}
		w.Header().Set("Cache-Control", "no-store")
		http.ServeFile(w, r, filepath.Join(jsDir, "authfetch.wasm"))
	})
}

func (g *wasmGate) open() { g.held.Store(false); close(g.release) }

// startedPage is a tab whose page logged in with a client of options (the wasm through the
// gate), then was reloaded: localStorage holds the pair and the start plan Go kept for
// those options, and the gate holds the module from now on.
func startedPage(t *testing.T, options string) (*env, *apiLog, *wasmGate, *tab) {
	t.Helper()
	g := newWasmGate()
	e, log := newEnvWith(t, "", g.mount)
	t.Cleanup(func() {
		if g.held.Load() {
			g.open()
		}
	})
	tb := e.newTab("a")
	tb.open()
	tb.setup(options)
	tb.login()
	tb.reload()
	g.held.Store(true)
	return e, log, g, tb
}

// TestStartBeforeGoIsUp: a page loads with a session stored by an earlier login. With the
// plan Go kept for these options, createAuthFetch resolves and the first request is
// answered while the module cannot be downloaded; getTokens works meanwhile. Once Go is up,
// everything else works as before.
func TestStartBeforeGoIsUp(t *testing.T) {
	e, _, g, tb := startedPage(t, `{ wasmURL: '/slow/authfetch.wasm' }`)
	type early struct {
		Code   int     `json:"code"`
		Tokens *tokens `json:"tokens"`
	}
	got := eval[early](tb, "create and fetch while the module is held", pageHelpers+`
window.M = await import('/js/authfetch.js');
window.auth = await M.createAuthFetch({ baseURL: '/api', wasmURL: '/slow/authfetch.wasm' });
const r = await auth.fetch('/user/info');
return { code: (await r.json()).code, tokens: auth.getTokens() };`)
	if got.Code != 0 || got.Tokens == nil || got.Tokens.AccessToken == "" {
		t.Fatalf("before Go was up: code %d, getTokens %+v; want code 0 and the stored pair", got.Code, got.Tokens)
	}
	// The gate held every download of the module until now: Go was not up. (The loader
	// does not even ask for the module before the page's first requests are answered.)
	g.open()
	e.srv.ExpireAccessTokens()
	codes := eval[[]int](tb, "requests at expiry once Go is up", `
const rs = await Promise.all(Array.from({ length: 5 }, () => auth.fetch('/user/info')));
return Promise.all(rs.map(async (r) => (await r.json()).code));`)
	for i, c := range codes {
		if c != 0 {
			t.Errorf("request %d after expiry: code %d, want 0", i, c)
		}
	}
	e.wantStats("after the expiry", map[string]int64{"RefreshCalls": 1, "Refreshed": 1, "Reused": 0})
}

// TestExpiredReplyBeforeGoIsUp: requests sent with the stored token before Go is up are
// answered "expired" (or taken back by the first such reply). They wait for Go (nothing
// decides without it), then one refresh replays them all; none reaches the app as a
// failure, no relogin.
func TestExpiredReplyBeforeGoIsUp(t *testing.T) {
	e, _, g, tb := startedPage(t, `{ wasmURL: '/slow/authfetch.wasm' }`)
	e.srv.ExpireAccessTokens()
	tb.do("send 5 requests while the module is held", pageHelpers+`
window.M = await import('/js/authfetch.js');
window.relogins = 0;
window.auth = await M.createAuthFetch({ baseURL: '/api', wasmURL: '/slow/authfetch.wasm', onRelogin: () => { window.relogins++ } });
window.settled = 0;
window.early = Promise.all(Array.from({ length: 5 }, () => auth.fetch('/user/info').then(async (r) => { window.settled++; return (await r.json()).code })));`)
	// The first reply "expired" takes the others back (TestDoomedRequestsTakenBack).
	e.waitFor("a request answered expired", func() (bool, string) {
		n := e.be.Stats().ExpiredAnswers
		return n >= 1, fmt.Sprintf("%d answered expired", n)
	})
	time.Sleep(300 * time.Millisecond) // had anything settled them without Go, it would show now
	if n := eval[int](tb, "settled before Go is up", `return window.settled`); n != 0 {
		t.Fatalf("%d requests settled before Go was up, though their replies said expired", n)
	}
	g.open()
	codes := eval[[]int](tb, "the requests once Go is up", `return await window.early`)
	for i, c := range codes {
		if c != 0 {
			t.Errorf("request %d: code %d, want 0", i, c)
		}
	}
	if n := eval[int](tb, "relogins", `return window.relogins`); n != 0 {
		t.Errorf("%d relogin prompts, want 0", n)
	}
	e.wantStats("after the replays", map[string]int64{"RefreshCalls": 1, "Refreshed": 1, "Reused": 0})
}

// TestTokensChangedBeforeGoIsUp: setTokens and clearTokens called before Go is up take
// effect at once for getTokens and reach the store, in order, once Go is up; a request
// made after them waits for Go and goes with the new state.
func TestTokensChangedBeforeGoIsUp(t *testing.T) {
	_, log, g, tb := startedPage(t, `{ wasmURL: '/slow/authfetch.wasm' }`)
	type state struct {
		AfterClear *tokens `json:"afterClear"`
		AfterSet   *tokens `json:"afterSet"`
	}
	got := eval[state](tb, "log out and in while the module is held", pageHelpers+`
window.M = await import('/js/authfetch.js');
window.auth = await M.createAuthFetch({ baseURL: '/api', wasmURL: '/slow/authfetch.wasm' });
auth.clearTokens();
const afterClear = auth.getTokens();
const r = await auth.fetch('/login', { method: 'POST', skipAuth: true, headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ username: 'demo', password: 'demo' }) });
const j = (await r.json()).data;
window.newPair = j;
auth.setTokens({ accessToken: j.token, refreshToken: j.refreshToken });
window.after = auth.fetch('/user/info').then(async (r) => (await r.json()).code);
return { afterClear, afterSet: auth.getTokens() };`)
	if got.AfterClear != nil {
		t.Errorf("getTokens after clearTokens, before Go was up: %+v, want null", got.AfterClear)
	}
	if got.AfterSet == nil || got.AfterSet.AccessToken == "" {
		t.Fatalf("getTokens after setTokens, before Go was up: %+v", got.AfterSet)
	}
	g.open()
	if code := eval[int](tb, "the request made after setTokens", `return await window.after`); code != 0 {
		t.Errorf("the request after setTokens: code %d, want 0", code)
	}
	stored := eval[string](tb, "stored access token", `return JSON.parse(localStorage.getItem('authfetch')).accessToken`)
	if stored != got.AfterSet.AccessToken {
		t.Errorf("stored access token is not the one set before Go was up")
	}
	if sent := log.tokens("/api/user/info"); len(sent) == 0 || sent[len(sent)-1] != got.AfterSet.AccessToken {
		t.Errorf("the request after setTokens went with %q, want the new login's token", sent)
	}
}

// TestStartPlanOfRefusedOptions: a start plan is kept for options Go accepted; should a
// later build refuse the same options, the client created from the plan fails with Go's
// TypeError naming the option as soon as Go is up, Go removes the plan, and the next
// createAuthFetch with those options rejects.
func TestStartPlanOfRefusedOptions(t *testing.T) {
	_, _, g, tb := startedPage(t, `{ wasmURL: '/slow/authfetch.wasm' }`)
	g.open()
	type outcome struct {
		Later    string `json:"later"`
		Plan     bool   `json:"plan"`
		Recreate string `json:"recreate"`
	}
	got := eval[outcome](tb, "a plan kept for options Go refuses", pageHelpers+`
window.M = await import('/js/authfetch.js');
const valid = Object.keys(localStorage).find((k) => k.startsWith('authfetch:start:'));
if (!valid) throw new Error('no start plan was kept: ' + Object.keys(localStorage));
const s = JSON.parse(valid.slice('authfetch:start:'.length));
// The key the loader makes for { baseURL: '/api', bogusOption: 1 }, given the plan of the valid options.
const key = 'authfetch:start:' + JSON.stringify({ baseURL: s.baseURL, bogusOption: 1, baseOrigin: s.baseOrigin });
localStorage.setItem(key, localStorage.getItem(valid));
const auth = await M.createAuthFetch({ baseURL: '/api', bogusOption: 1, wasmURL: '/slow/authfetch.wasm' });
let later = 'none';
for (let i = 0; i < 200 && later === 'none'; i++) {
  try { auth.getTokens(); await new Promise((r) => setTimeout(r, 20)) } catch (e) { later = e.name + ': ' + e.message }
}
let recreate = 'resolved';
try { await M.createAuthFetch({ baseURL: '/api', bogusOption: 1, wasmURL: '/slow/authfetch.wasm' }) } catch (e) { recreate = e.name + ': ' + e.message }
return { later, plan: localStorage.getItem(key) !== null, recreate };`)
	if !strings.HasPrefix(got.Later, "TypeError") || !strings.Contains(got.Later, "bogusOption") {
		t.Errorf("calls once Go refused the options threw %q, want a TypeError naming bogusOption", got.Later)
	}
	if got.Plan {
		t.Error("Go kept the start plan of options it refused")
	}
	if !strings.HasPrefix(got.Recreate, "TypeError") || !strings.Contains(got.Recreate, "bogusOption") {
		t.Errorf("createAuthFetch again: %q, want a TypeError naming bogusOption", got.Recreate)
	}
}
