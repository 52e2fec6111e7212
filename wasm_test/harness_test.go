package wasm_test

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/security"
	"github.com/chromedp/chromedp"

	"github.com/authfetch/authfetch/internal/chromium"
	"github.com/authfetch/authfetch/server"
	"github.com/authfetch/authfetch/server/admin"
)

// testTimeout bounds each test, so that a hang fails CI instead of stalling it.
const testTimeout = 60 * time.Second

// connsPerOrigin is how many HTTP/1.1 connections Chromium opens to one host and port
// (net::ClientSocketPoolManager's per-group limit), shared by every tab of a profile.
// Over HTTP/1.1 at most this many requests of one origin can wait at a server gate at
// once; the rest wait in the browser's queue. The bursts fill the connections with held
// requests, so that every other request is passed to fetch (and queued in the browser)
// before any reply arrives.
const connsPerOrigin = 6

// testPage is served at /; tests import the module into it.
const testPage = `<!doctype html><meta charset=utf-8><title>t</title>`

// env is one test's world: a fresh reference backend on its own 127.0.0.1 origin (a new
// port, so localStorage and the HTTP cache do not leak between tests), and its tabs.
type env struct {
	t   *testing.T
	srv *admin.Server
	// be is what waitGate and wantStats look at: srv, or every instance of a backend
	// that runs several (newInstancesEnv).
	be       backend
	ts       *httptest.Server
	origin   string
	http2    bool
	deadline time.Time
	refresh  *refreshGate
}

// protocol says how an env's origin is served.
type protocol int

const (
	// http1 is plain HTTP/1.1, httptest's default: Chromium opens at most
	// connsPerOrigin connections to the origin, so at most that many requests are at the
	// server at once.
	http1 protocol = iota
	// http2 is HTTP/2 over TLS (httptest's self-signed certificate; the tabs ignore
	// certificate errors through the DevTools protocol, the browser's flags are
	// unchanged): every request of a burst can be at the server at once, and request
	// bodies can be streams. The page is still a secure context.
	http2
)

func (p protocol) String() string { return [...]string{"http1", "http2"}[p] }

// backend is the part of a *admin.Server that the tests drive and read.
type backend interface {
	ExpireAccessTokens()
	ResetStats()
	GateWaiting(gate string) int
	ReleaseGate(gate string)
	Stats() admin.Stats
}

// newEnv starts the env's servers, with HTTP/1.1 unless proto says otherwise.
func newEnv(t *testing.T, proto ...protocol) *env {
	t.Helper()
	srv, err := admin.New(server.Config{
		// Long-lived access tokens: the client never refreshes ahead of expiry on its own
		// (refreshMargin), so every refresh here comes from ExpireAccessTokens.
		AccessTTL: time.Hour,
	})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, srv: srv, be: srv, deadline: time.Now().Add(testTimeout), refresh: newRefreshGate()}
	e.serve(srv.Handler(), srv.Close, proto)
	return e
}

// serve serves api at /api/ (behind the env's refresh gate), the module at /js/ and the
// test page at /, on a new origin, with HTTP/1.1 unless proto says otherwise. closeAPI
// ends what the backend holds when the test ends.
func (e *env) serve(api http.Handler, closeAPI func(), proto []protocol) {
	t := e.t
	mux := http.NewServeMux()
	mux.Handle("/api/", e.refresh.wrap(api))
	mux.Handle("/js/", http.StripPrefix("/js/", http.FileServer(http.Dir(jsDir))))
	// An open redirect on the allowed origin, as many sites have one: /open-redirect?to=URL.
	mux.HandleFunc("GET /open-redirect", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Query().Get("to"), http.StatusFound)
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, testPage)
	})
	e.ts = httptest.NewUnstartedServer(mux)
	if len(proto) > 0 && proto[0] == http2 {
		e.http2 = true
		e.ts.EnableHTTP2 = true
		e.ts.Config.HTTP2 = &http.HTTP2Config{MaxConcurrentStreams: 1000}
		// Chromium's first handshake still rejects the self-signed certificate (it then
		// ignores the error, as told); keep the server's complaints out of the output.
		e.ts.Config.ErrorLog = log.New(io.Discard, "", 0)
		e.ts.StartTLS()
	} else {
		e.ts.Start()
	}
	e.origin = e.ts.URL
	// Cleanups run last-in first-out: tabs close first, then the refresh gate and the
	// backend end what they hold, then the HTTP server (whose Close waits for requests).
	t.Cleanup(e.ts.Close)
	t.Cleanup(closeAPI)
	t.Cleanup(e.refresh.close)
}

// waitFor polls cond until it holds or the test's deadline passes. It is for
// conditions the test cannot be told about (requests arriving at a gate, a counter in
// a page); cond returns whether it holds and the state to report on a timeout.
func (e *env) waitFor(what string, cond func() (bool, string)) {
	e.t.Helper()
	for {
		ok, state := cond()
		if ok {
			return
		}
		if time.Now().After(e.deadline) {
			e.t.Fatalf("timed out waiting for %s (%s)", what, state)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// maxHeld is how many of holds requests to the env's origin can wait at its server at
// once: all of them with HTTP/2, at most connsPerOrigin with HTTP/1.1.
func (e *env) maxHeld(holds int) int {
	if e.http2 {
		return holds
	}
	return min(holds, connsPerOrigin)
}

// waitGate waits until n requests wait at the backend's gate (on all its instances).
func (e *env) waitGate(gate string, n int) {
	e.t.Helper()
	e.waitFor(fmt.Sprintf("%d requests at gate %q", n, gate), func() (bool, string) {
		w := e.be.GateWaiting(gate)
		return w >= n, fmt.Sprintf("%d waiting", w)
	})
}

// waitRefreshAtGate waits until a refresh call is held at the armed refresh gate.
func (e *env) waitRefreshAtGate() {
	e.t.Helper()
	e.waitFor("the refresh call to reach the gate", func() (bool, string) {
		n := e.refresh.arrived.Load()
		return n >= 1, fmt.Sprintf("%d arrived", n)
	})
}

// refreshGate sits in front of the backend's refresh routes. Armed, it holds every
// refresh call before the backend sees it, until released: a refresh that is in flight
// for as long as the test wants, and then succeeds. It also counts refresh calls in
// progress, to see whether a client gives up on a refresh it timed out.
type refreshGate struct {
	mu       sync.Mutex
	armed    bool
	release  chan struct{} // closed by open
	arrived  atomic.Int64  // refresh calls that reached the armed gate
	inFlight atomic.Int64  // refresh calls being served, held or not
	done     chan struct{} // closed by close: held calls end without an answer
	doneOnce sync.Once
}

func newRefreshGate() *refreshGate {
	return &refreshGate{release: make(chan struct{}), done: make(chan struct{})}
}

// arm makes refresh calls wait until open.
func (g *refreshGate) arm() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.armed, g.release = true, make(chan struct{})
}

// open lets the held refresh calls and all later ones through.
func (g *refreshGate) open() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.armed {
		g.armed = false
		close(g.release)
	}
}

func (g *refreshGate) close() { g.doneOnce.Do(func() { close(g.done) }) }

func (g *refreshGate) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/api/refreshJwt") {
			next.ServeHTTP(w, r)
			return
		}
		g.inFlight.Add(1)
		defer g.inFlight.Add(-1)
		g.mu.Lock()
		armed, release := g.armed, g.release
		g.mu.Unlock()
		if armed {
			g.arrived.Add(1)
			select {
			case <-release:
			case <-r.Context().Done():
				return // the client gave up: the backend never sees the call
			case <-g.done:
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// tab is one browser tab (a target of the shared browser, same profile as all others).
type tab struct {
	*chromium.Tab
	e    *env
	name string
	ctx  context.Context // ends at the test's deadline
	base context.Context // ends when the tab closes
}

// newTab opens a tab on about:blank and collects its console. The cleanup closes it;
// when the test failed it first logs the console and saves a screenshot.
func (e *env) newTab(name string) *tab {
	e.t.Helper()
	ct, err := browser.OpenTab(chromium.TabOptions{Deadline: e.deadline})
	if err != nil {
		e.t.Fatalf("tab %s: %v", name, err)
	}
	tb := &tab{Tab: ct, e: e, name: name, ctx: ct.Ctx, base: ct.Base}
	e.t.Cleanup(func() {
		if e.t.Failed() {
			tb.saveScreenshot()
			lines := tb.Console()
			e.t.Logf("console of tab %s (%d messages):\n\t%s", name, len(lines), strings.Join(lines, "\n\t"))
		}
		tb.Close()
	})
	if e.http2 {
		if _, err := chromedp.Call(tb.ctx, security.SetIgnoreCertificateErrors, security.SetIgnoreCertificateErrorsParams{Ignore: true}); err != nil {
			e.t.Fatalf("tab %s: ignore certificate errors: %v", name, err)
		}
	}
	return tb
}

// consoleLines returns what the tab's console showed so far.
func (tb *tab) consoleLines() []string { return tb.Console() }

func (tb *tab) saveScreenshot() {
	// Not tb.ctx: the test may have failed because its deadline passed.
	ctx, cancel := context.WithTimeout(tb.base, 5*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		return // the tab or the deadline is gone; the console says more anyway
	}
	name := strings.NewReplacer("/", "_", " ", "_").Replace(tb.e.t.Name()) + "-" + tb.name + ".png"
	if err := os.MkdirAll("artifacts", 0o755); err != nil {
		return
	}
	path := filepath.Join("artifacts", name)
	if os.WriteFile(path, png, 0o644) == nil {
		tb.e.t.Logf("screenshot of tab %s: wasm_test/%s", tb.name, path)
	}
}

// open navigates the tab to the test page of its env.
func (tb *tab) open() {
	tb.e.t.Helper()
	if err := chromedp.Do(tb.ctx, chromedp.Navigate(tb.e.origin+"/")); err != nil {
		tb.e.t.Fatalf("tab %s: navigate: %v", tb.name, err)
	}
}

// reload reloads the tab's page: the wasm runtime and every client are gone.
func (tb *tab) reload() {
	tb.e.t.Helper()
	if err := chromedp.Do(tb.ctx, chromedp.Reload()); err != nil {
		tb.e.t.Fatalf("tab %s: reload: %v", tb.name, err)
	}
}

// tryEval runs body, the body of an async JS function, in the tab's page and decodes
// what it returns (JSON-compatible) into T.
func tryEval[T any](tb *tab, body string) (T, error) {
	return chromedp.Run(tb.ctx, chromedp.Evaluate[T]("(async () => {\n"+body+"\n})()", chromedp.EvalAwaitPromise))
}

// eval is tryEval that fails the test on an error; what names the step.
func eval[T any](tb *tab, what, body string) T {
	tb.e.t.Helper()
	v, err := tryEval[T](tb, body)
	if err != nil {
		tb.e.t.Fatalf("tab %s: %s: %v", tb.name, what, describeJSError(err))
	}
	return v
}

// do is eval for a body whose result does not matter.
func (tb *tab) do(what, body string) {
	tb.e.t.Helper()
	eval[chromedp.Void](tb, what, body)
}

func describeJSError(err error) string {
	var ee *chromedp.ExceptionError
	if errors.As(err, &ee) && ee.Exception != nil {
		if d := ee.Exception.Description; d != "" {
			return "JS exception: " + d
		}
		if len(ee.Exception.Value) > 0 {
			return "JS exception: " + string(ee.Exception.Value)
		}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Sprintf("%v (the test's %v ran out)", err, testTimeout)
	}
	return err.Error()
}

// pageHelpers are installed in every page before the module is loaded:
//   - a transparent wrapper of window.fetch that records the URL of every call, so a test
//     knows that the client really sent its requests (H.sent);
//   - H.settle, H.errInfo: a promise's outcome as plain data, errors included;
//   - H.classes(outcomes, name): how many rejections are instances of M[name] and of
//     M.AuthFetchError, and pass M['is' + name] (the guard);
//   - H.reply: a Response as {status, body} (the parsed JSON);
//   - H.sha256: hex SHA-256 of bytes, to compare with what the backend's /echo received.
//
//go:embed testdata/page/helpers.js
var pageHelpers string

// setup loads the module in the tab's page and creates window.auth with baseURL '/api',
// an onRelogin that counts calls (window.relogins, window.reloginInfos) and a 'relogin'
// listener that counts events (window.reloginEvents). extra is a JS object literal
// merged into the options.
func (tb *tab) setup(extra string) {
	tb.e.t.Helper()
	if extra == "" {
		extra = "{}"
	}
	tb.do("load authfetch and create a client", pageHelpers+`
window.M = await import('/js/authfetch.js');
window.relogins = 0; window.reloginInfos = []; window.reloginEvents = 0;
window.auth = await M.createAuthFetch(Object.assign({
  baseURL: '/api',
  onRelogin: (info) => { window.relogins++; window.reloginInfos.push(info) },
}, `+extra+`));
try { auth.on('relogin', () => { window.reloginEvents++ }) } catch (e) { window.onFailed = String(e) }
`)
}

// tokens is the stored pair as getTokens returns it.
type tokens struct {
	AccessToken  string `json:"accessToken"`
	RefreshToken string `json:"refreshToken"`
}

// login logs in through the backend (a skipAuth request) and stores the pair with
// setTokens, as an app does; it returns getTokens().
func (tb *tab) login() tokens {
	tb.e.t.Helper()
	got := eval[*tokens](tb, "log in", `
const r = await auth.fetch('/login', { method: 'POST', skipAuth: true,
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ username: 'demo', password: 'demo' }) });
const j = await r.json();
if (j.code !== 0) throw new Error('login answered ' + JSON.stringify(j));
auth.setTokens({ accessToken: j.data.token, refreshToken: j.data.refreshToken });
return auth.getTokens();`)
	if got == nil || got.AccessToken == "" || got.RefreshToken == "" {
		tb.e.t.Fatalf("tab %s: getTokens() after setTokens = %+v", tb.name, got)
	}
	return *got
}

// getTokens returns auth.getTokens() (nil for null).
func (tb *tab) getTokens() *tokens {
	tb.e.t.Helper()
	return eval[*tokens](tb, "getTokens", `return auth.getTokens()`)
}

// storedEntry returns localStorage's 'authfetch' entry, parsed as JSON; nil when absent.
func (tb *tab) storedEntry() any {
	tb.e.t.Helper()
	return eval[any](tb, "read localStorage", `return JSON.parse(localStorage.getItem('authfetch'))`)
}

// pageCounters are what the page counted about lost sessions.
type pageCounters struct {
	Relogins      int    `json:"relogins"`
	ReloginEvents int    `json:"reloginEvents"`
	OnFailed      string `json:"onFailed"`
}

func (tb *tab) counters() pageCounters {
	tb.e.t.Helper()
	return eval[pageCounters](tb, "read page counters",
		`return { relogins: window.relogins, reloginEvents: window.reloginEvents, onFailed: window.onFailed || '' }`)
}

// wantNoRelogin fails the test if the page saw an onRelogin call or a relogin event.
func (tb *tab) wantNoRelogin() {
	tb.e.t.Helper()
	c := tb.counters()
	if c.Relogins != 0 || c.ReloginEvents != 0 {
		tb.e.t.Errorf("tab %s: onRelogin called %d times, %d relogin events; want none", tb.name, c.Relogins, c.ReloginEvents)
	}
	if c.OnFailed != "" {
		tb.e.t.Errorf("tab %s: auth.on('relogin', …) threw: %s", tb.name, c.OnFailed)
	}
}

// startBurst starts n auth.fetch calls of the page at once, without waiting for them:
// the first holds are GET /hold?gate=gate (held by the backend until released), the
// rest are made by the JS expression other(i) (an auth.fetch promise). Every URL carries
// b=<name>-<i>, so H.sent can tell when all were passed to fetch. The outcomes land in
// window.bursts[name], in order, as H.settle results of H.reply.
func (tb *tab) startBurst(name, gate string, n, holds int, other string) {
	tb.e.t.Helper()
	if other == "" {
		other = `(i, tag) => auth.fetch('/user/info?' + tag)`
	}
	tb.do("start burst "+name, fmt.Sprintf(`
const name = %q, gate = %q, n = %d, holds = %d, other = %s;
window.bursts = window.bursts || {}; window.burstMs = window.burstMs || {};
window.burstPending = window.burstPending || {};
window.burstPending[name] = n;
const ps = [], t0 = performance.now();
for (let i = 0; i < n; i++) {
  const tag = 'b=' + name + '-' + i;
  const p = i < holds ? auth.fetch('/hold?gate=' + gate + '&' + tag) : other(i, tag);
  ps.push(H.settle(Promise.resolve(p).then(H.reply)).finally(() => { window.burstPending[name]-- }));
}
window.bursts[name] = Promise.all(ps).finally(() => { window.burstMs[name] = performance.now() - t0 });`, name, gate, n, holds, other))
}

// waitBurstSent waits until the page passed all n requests of the burst to fetch and
// the backend holds as many of them as the browser lets through (maxHeld).
func (tb *tab) waitBurstSent(name, gate string, n, holds int) {
	tb.e.t.Helper()
	tb.waitSent(name, n)
	tb.e.waitGate(gate, tb.e.maxHeld(holds))
}

// waitSent waits until the page passed n distinct URLs of the burst to fetch.
func (tb *tab) waitSent(name string, n int) {
	tb.e.t.Helper()
	tb.e.waitFor(fmt.Sprintf("tab %s to send the %d requests of burst %s", tb.name, n, name), func() (bool, string) {
		sent, err := tryEval[int](tb, fmt.Sprintf(`return H.sent('b=%s-')`, name))
		if err != nil {
			return false, describeJSError(err)
		}
		return sent >= n, fmt.Sprintf("%d sent", sent)
	})
}

// burstMs returns how long the burst took in the page, from the first call until every
// request settled.
func (tb *tab) burstMs(name string) float64 {
	tb.e.t.Helper()
	return eval[float64](tb, "read the burst's duration", fmt.Sprintf(`await window.bursts[%q]; return window.burstMs[%q]`, name, name))
}

// burstReply is the outcome of one request of a burst.
type burstReply struct {
	OK    bool `json:"ok"`
	Value struct {
		Status int             `json:"status"`
		Body   json.RawMessage `json:"body"`
	} `json:"value"`
	Error *jsError `json:"error"`
}

// jsError is H.errInfo of a thrown value.
type jsError struct {
	Type     string `json:"type"`
	Name     string `json:"name"`
	Message  string `json:"message"`
	Code     string `json:"code"`
	Status   int    `json:"status"`
	BodyCode int    `json:"bodyCode"`
	IsError  bool   `json:"isError"`
}

func (e *jsError) String() string {
	if e == nil {
		return "<nil>"
	}
	s := e.Name + ": " + e.Message
	if e.Code != "" {
		s += " (code " + e.Code + ")"
	}
	return s
}

// reply is the backend's JSON reply.
type reply struct {
	Code    int             `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data"`
}

// classCheck is H.classes of a burst's outcomes.
type classCheck struct {
	Rejected   int `json:"rejected"`
	InstanceOf int `json:"instanceOf"`
	Base       int `json:"base"`
	Guard      int `json:"guard"`
}

// wantErrorClass checks that every rejection of the burst is an instance of the module's
// class name (and of AuthFetchError) and passes its guard.
func (tb *tab) wantErrorClass(burst, name string) {
	tb.e.t.Helper()
	c := eval[classCheck](tb, "check the error classes", fmt.Sprintf(`return H.classes(await window.bursts[%q], %q)`, burst, name))
	if c.InstanceOf != c.Rejected || c.Base != c.Rejected || c.Guard != c.Rejected {
		tb.e.t.Errorf("tab %s: of %d rejections, %d are instanceof %s, %d instanceof AuthFetchError, %d pass is%s; want all",
			tb.name, c.Rejected, c.InstanceOf, name, c.Base, c.Guard, name)
	}
}

// settleWithin bounds how long a test waits for requests that must settle: a client
// that leaves one pending fails with a readable message instead of the test's timeout.
const settleWithin = 15 * time.Second

// awaitBurst waits for every request of the burst to settle, at most settleWithin.
func (tb *tab) awaitBurst(name string) []burstReply {
	tb.e.t.Helper()
	type settled struct {
		Replies []burstReply `json:"replies"`
		Pending int          `json:"pending"`
	}
	res := eval[settled](tb, "await burst "+name, fmt.Sprintf(`
const b = window.bursts[%q];
const done = await Promise.race([b, new Promise(r => setTimeout(() => r(null), %d))]);
if (done) return { replies: done, pending: 0 };
return { pending: window.burstPending[%q] };`, name, settleWithin.Milliseconds(), name))
	if res.Replies == nil {
		tb.e.t.Fatalf("tab %s: %d requests of burst %s still pending after %v", tb.name, res.Pending, name, settleWithin)
	}
	return res.Replies
}

// wantAllCodeZero checks that every request of a burst resolved with code 0; it reports
// at most a few failures, with how many there were.
func wantAllCodeZero(t *testing.T, what string, replies []burstReply) {
	t.Helper()
	var bad []string
	for i, r := range replies {
		switch {
		case !r.OK:
			bad = append(bad, fmt.Sprintf("#%d rejected: %v", i, r.Error))
		default:
			var b reply
			if err := json.Unmarshal(r.Value.Body, &b); err != nil || b.Code != 0 {
				bad = append(bad, fmt.Sprintf("#%d: HTTP %d %s", i, r.Value.Status, r.Value.Body))
			}
		}
	}
	if len(bad) > 0 {
		t.Errorf("%s: %d of %d requests did not resolve with code 0, e.g.\n\t%s", what, len(bad), len(replies), strings.Join(bad[:min(len(bad), 5)], "\n\t"))
	}
}

// wantStats compares the backend's counters that matter to a test (summed over its
// instances, when it has several).
func (e *env) wantStats(what string, want map[string]int64) {
	e.t.Helper()
	st := e.be.Stats()
	got := map[string]int64{
		"RefreshCalls": st.RefreshCalls, "Refreshed": st.Refreshed, "Reused": st.Reused,
		"ReloginAnswers": st.ReloginAnswers, "ExpiredAnswers": st.ExpiredAnswers,
		"Requests": st.Requests, "InvalidAnswers": st.InvalidAnswers,
	}
	for _, k := range slices.Sorted(maps.Keys(want)) {
		if got[k] != want[k] {
			e.t.Errorf("%s: server Stats().%s = %d, want %d (all: %+v)", what, k, got[k], want[k], st)
		}
	}
}
