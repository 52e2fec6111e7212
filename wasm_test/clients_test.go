package wasm_test

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// The HTTP clients apps use, over auth.fetch: axios (the seed's interceptors, from
// examples/axios/request.js), ky and ofetch, at the versions pinned in
// wasm_test/testdata/package-lock.json, loaded as ES modules through an import map.

// clientsPage maps the bare imports of the examples and packages to what the env serves.
//
//go:embed testdata/page/clients.html
var clientsPage string

// newClientsEnv serves clientsPage, the npm packages at /npm/ and examples/ at /examples/.
func newClientsEnv(t *testing.T) (*env, *apiLog) {
	t.Helper()
	modules := npmModules(t)
	examples := repoPath(t, "examples")
	return newEnvWith(t, clientsPage, func(mux *http.ServeMux) {
		mux.Handle("/npm/", http.StripPrefix("/npm/", http.FileServer(http.Dir(modules))))
		mux.Handle("/examples/", http.StripPrefix("/examples/", http.FileServer(http.Dir(examples))))
	})
}

// setupClient loads authfetch through the import map and creates window.auth as
// tab.setup does (baseURL '/api', counting onRelogin calls and relogin events); then it
// runs more, the body of an async function.
func (tb *tab) setupClient(more string) {
	tb.e.t.Helper()
	tb.do("load authfetch and create a client", pageHelpers+`
window.M = await import('authfetch');
window.relogins = 0; window.reloginInfos = []; window.reloginEvents = 0;
window.auth = await M.createAuthFetch({
  baseURL: '/api',
  onRelogin: (info) => { window.relogins++; window.reloginInfos.push(info) },
});
auth.on('relogin', () => { window.reloginEvents++ });
`+more)
}

// axiosCalls makes call kind k (0..5) of the axios service; every URL carries b=tag.
// Each returns what the app sees: the interceptor's unwrapped body.
//
//go:embed testdata/page/axios-calls.js
var axiosCalls string

// TestAxios: an existing axios instance (the seed's, migrated: examples/axios/request.js)
// with its request and response interceptors and error handling, over auth.fetch. At
// expiry a burst makes one refresh, and the app sees the same replies as without expiry;
// business errors, HTTP errors and network errors reach its interceptors as before; a lost
// session rejects with an error the authfetch guards recognise, and onRelogin runs once.
func TestAxios(t *testing.T) {
	e, arrived := newClientsEnv(t)
	tb := e.newTab("a")
	tb.open()
	tb.setupClient(`
const { default: axios } = await import('axios');
const { createService } = await import('/examples/axios/request.js');
window.axios = axios;
window.messages = [];
window.service = createService(auth, { message: (m) => messages.push(m) });
// The app's own request interceptor, as a half-migrated app has it: it still sets the
// seed's X-Token from its old store, and marks each request.
window.interceptorRuns = 0;
service.interceptors.request.use((config) => {
  interceptorRuns++;
  config.headers['X-Token'] = 'stale-token-of-the-app';
  config.params = { ...config.params, via: 'interceptor' };
  return config;
});
` + axiosCalls)

	// A business error (HTTP 200, code 60204) reaches the response interceptor: the app
	// shows its message and the call rejects, as before.
	type outcome struct {
		OK       bool     `json:"ok"`
		Error    *jsError `json:"error"`
		Messages []string `json:"messages"`
		Status   int      `json:"status"`
		Axios    bool     `json:"axios"`
	}
	wrong := eval[outcome](tb, "log in with a wrong password", `
const o = await H.settle(service.post('/login', { username: 'demo', password: 'nope' }, { fetchOptions: { skipAuth: true } }));
return { ...o, messages: messages.splice(0) };`)
	if wrong.OK || wrong.Error == nil || wrong.Error.Message != "wrong username or password" || !slices.Equal(wrong.Messages, []string{"wrong username or password"}) {
		t.Errorf("login with a wrong password: %+v, want a rejection and the message shown", wrong)
	}

	// The login call through axios: fetchOptions reach auth.fetch's init (skipAuth).
	tb.do("log in through axios", `
const res = await service.post('/login', { username: 'demo', password: 'demo' }, { fetchOptions: { skipAuth: true } });
auth.setTokens({ accessToken: res.data.token, refreshToken: res.data.refreshToken });`)
	old := tb.getTokens()
	if old == nil {
		t.Fatal("no tokens after logging in through axios")
	}

	// An instance made elsewhere, switched over afterwards as the README shows; axios's
	// other env entries (FormData, Blob) stay.
	type switched struct {
		Code    int    `json:"code"`
		Name    string `json:"name"`
		Form    string `json:"form"`
		EnvKeys string `json:"envKeys"`
	}
	sw := eval[switched](tb, "switch an existing instance", `
const existing = axios.create({ baseURL: '/api' });
existing.defaults.adapter = 'fetch';
existing.defaults.env = { ...existing.defaults.env, fetch: auth.fetch };
const info = (await existing.get('/user/info')).data;
const echo = (await existing.postForm('/echo', { field: 'value ✓' })).data;
return { code: info.code, name: info.data?.name, form: echo.data?.contentType?.split(';')[0] ?? JSON.stringify(echo),
  envKeys: Object.keys(existing.defaults.env).sort().join(',') };`)
	if sw.Code != 0 || sw.Name != "demo" || sw.Form != "multipart/form-data" || sw.EnvKeys != "Blob,FormData,fetch" {
		t.Errorf("an existing instance switched to auth.fetch: %+v, want code 0 for demo, a multipart post, env Blob,FormData,fetch", sw)
	}

	// What the app sees without any expiry.
	baseline := eval[[]string](tb, "the calls without expiry", `
const out = [];
for (let k = 0; k < 6; k++) out.push(seenByApp(await H.settle(axiosCall(k, 'base-' + k))));
return out;`)
	for k, s := range baseline {
		if !strings.HasPrefix(s, `{"code":0,`) {
			t.Fatalf("call kind %d without expiry: %s", k, s)
		}
	}
	if !strings.Contains(baseline[1], `via=interceptor`) || !strings.Contains(baseline[1], `wörld ✓`) {
		t.Errorf("the POST's echo %s lacks the interceptor's parameter or the body", baseline[1])
	}

	// The burst at expiry: 6 held GETs fill the browser's connections, 24 calls of every
	// kind queue behind them; all meet the expired token.
	e.srv.ExpireAccessTokens()
	e.srv.ResetStats()
	const holds, n = connsPerOrigin, 30
	runsBefore := eval[int](tb, "count interceptor runs", `return interceptorRuns`)
	tb.do("start the axios burst", fmt.Sprintf(`
const holds = %d, n = %d, ps = [];
for (let i = 0; i < n; i++) {
  const tag = 'burst-' + i;
  ps.push(H.settle(i < holds ? service.get('/hold', { params: { gate: 'axios', b: tag } }) : axiosCall((i - holds) %% 6, tag)));
}
window.axiosBurst = Promise.all(ps);`, holds, n))
	tb.waitSent("burst", n)
	e.waitGate("axios", holds)
	e.srv.ReleaseGate("axios")

	type burstResult struct {
		Seen     []string `json:"seen"`
		Holds    []string `json:"holds"`
		Messages []string `json:"messages"`
		Runs     int      `json:"runs"`
	}
	res := eval[burstResult](tb, "await the axios burst", fmt.Sprintf(`
const out = await axiosBurst, holds = %d;
return { holds: out.slice(0, holds).map(seenByApp), seen: out.slice(holds).map(seenByApp),
  messages: messages.splice(0), runs: interceptorRuns };`, holds))
	var bad []string
	for i, s := range res.Seen {
		if want := baseline[i%6]; s != want {
			bad = append(bad, fmt.Sprintf("#%d: %s\n\t\twithout expiry: %s", holds+i, s, want))
		}
	}
	for i, s := range res.Holds {
		if !strings.HasPrefix(s, `{"code":0,`) || !strings.Contains(s, `"gate":"axios"`) {
			bad = append(bad, fmt.Sprintf("held #%d: %s", i, s))
		}
	}
	if len(bad) > 0 {
		t.Errorf("%d of %d calls at expiry were not seen by the app as without expiry, e.g.\n\t%s", len(bad), n, strings.Join(bad[:min(len(bad), 5)], "\n\t"))
	}
	if len(res.Messages) > 0 {
		t.Errorf("the app's response interceptor showed %q during the burst: an expired reply reached it", res.Messages)
	}
	if runs := res.Runs - runsBefore; runs != n {
		t.Errorf("the request interceptor ran %d times for %d calls, want once per call (replays happen below axios)", runs, n)
	}
	e.wantStats("after the axios burst", map[string]int64{
		"RefreshCalls": 1, "Refreshed": 1, "Reused": 0, "ReloginAnswers": 0, "Requests": n,
	})
	// Every GET went out with the dead token, or was taken back before it did.
	if st := e.be.Stats(); st.ExpiredAnswers < 1 || st.ExpiredAnswers > int64(n) {
		t.Errorf("after the axios burst: %d expired answers, want 1 to %d", st.ExpiredAnswers, n)
	}
	tb.wantNoRelogin()
	now := tb.getTokens()
	if now == nil || now.AccessToken == old.AccessToken {
		t.Fatalf("getTokens() after the burst = %+v, want a new pair", now)
	}
	// authfetch's header wins over the stale one the app's interceptor set.
	for _, tok := range arrived.tokens("/api/user/info") {
		if tok != old.AccessToken && tok != now.AccessToken {
			t.Errorf("GET /api/user/info arrived with X-Token %.20q…, want authfetch's token", tok)
			break
		}
	}
	arrived.wantNoDoubledBase(t)

	// HTTP and network errors reach the error interceptor, as with axios's own adapters.
	httpErr := eval[outcome](tb, "an HTTP 404", `
const o = await H.settle(service.get('/no/such/route'));
return { ...o, messages: messages.splice(0), status: o.raw?.response?.status, axios: o.raw?.isAxiosError === true };`)
	if httpErr.OK || httpErr.Status != http.StatusNotFound || !httpErr.Axios || len(httpErr.Messages) != 1 {
		t.Errorf("GET /no/such/route: %+v, want an AxiosError with status 404 and one message shown", httpErr)
	}
	netErr := eval[outcome](tb, "a network error", `
const o = await H.settle(service.get('http://127.0.0.1:9/unreachable'));
return { ...o, messages: messages.splice(0), axios: o.raw?.isAxiosError === true };`)
	if netErr.OK || !netErr.Axios || netErr.Error.Code != "ERR_NETWORK" || len(netErr.Messages) != 1 {
		t.Errorf("a request to a closed port: %+v, want an AxiosError ERR_NETWORK and one message shown", netErr)
	}

	// The session is lost: every call rejects with axios's wrapper of the
	// SessionExpiredError, which the guard recognises; onRelogin runs once; the app's
	// interceptor shows no message (the dialog is onRelogin's).
	e.srv.RevokeRefreshTokens()
	e.srv.ExpireAccessTokens()
	e.srv.ResetStats()
	type lost struct {
		Outcomes []outcome `json:"outcomes"`
		Guard    int       `json:"guard"`
		Cause    int       `json:"cause"`
		Messages []string  `json:"messages"`
	}
	l := eval[lost](tb, "calls after the session is lost", `
const os = await Promise.all(Array.from({ length: 10 }, (_, i) => H.settle(axiosCall(i % 6, 'lost-' + i))));
return { outcomes: os, messages: messages.splice(0),
  guard: os.filter(o => !o.ok && M.isSessionExpiredError(o.raw) && o.raw.isAxiosError).length,
  cause: os.filter(o => !o.ok && o.raw.cause instanceof M.SessionExpiredError).length };`)
	for i, o := range l.Outcomes {
		if o.OK || o.Error.Name != "SessionExpiredError" || o.Error.Code != "SESSION_EXPIRED" {
			t.Errorf("call #%d after the session was lost: %+v, want a rejection named SessionExpiredError", i, o)
		}
	}
	if l.Guard != 10 || l.Cause != 10 {
		t.Errorf("of 10 rejections, %d pass isSessionExpiredError as AxiosErrors and %d have a SessionExpiredError cause; want all", l.Guard, l.Cause)
	}
	if len(l.Messages) > 0 {
		t.Errorf("the app's error interceptor showed %q for a lost session, want nothing (onRelogin shows the dialog)", l.Messages)
	}
	if c := tb.counters(); c.Relogins != 1 || c.ReloginEvents != 1 {
		t.Errorf("onRelogin called %d times, %d relogin events, want 1 each", c.Relogins, c.ReloginEvents)
	}
	e.wantStats("after the lost session", map[string]int64{"RefreshCalls": 1, "Refreshed": 0, "ReloginAnswers": 1})
}

// wantClientReplies checks that every outcome resolved with code 0.
func wantClientReplies(t *testing.T, what string, outcomes []json.RawMessage) {
	t.Helper()
	var bad []string
	for i, raw := range outcomes {
		var o struct {
			OK    bool     `json:"ok"`
			Value reply    `json:"value"`
			Error *jsError `json:"error"`
		}
		if err := json.Unmarshal(raw, &o); err != nil || !o.OK || o.Value.Code != 0 {
			bad = append(bad, fmt.Sprintf("#%d: %s", i, raw))
		}
	}
	if len(bad) > 0 {
		t.Errorf("%s: %d of %d calls did not resolve with code 0, e.g.\n\t%s", what, len(bad), len(outcomes), strings.Join(bad[:min(len(bad), 5)], "\n\t"))
	}
}

// wantBurstExpired checks the expired answers of a burstOver of n calls whose odd calls
// are GETs and even ones POSTs. The held calls met the server with the dead token, and so
// did every POST, which is never taken back; a GET still waiting for its reply when the
// first expired one came back is taken back before it reaches the server.
func (e *env) wantBurstExpired(what string, n int) {
	e.t.Helper()
	least := connsPerOrigin
	for i := connsPerOrigin; i < n; i++ {
		if i%2 == 0 {
			least++ // call i is a POST
		}
	}
	if got := e.be.Stats().ExpiredAnswers; got < int64(least) || got > int64(n) {
		e.t.Errorf("%s: %d expired answers, want %d (the held calls and the POSTs) to %d", what, got, least, n)
	}
}

// burstOver runs a burst of n calls at expiry: the first connsPerOrigin are held at the
// gate, the others are made by the JS function call(i, tag); it returns the outcomes.
func (tb *tab) burstOver(name string, n int, hold, call string) []json.RawMessage {
	tb.e.t.Helper()
	tb.do("start burst "+name, fmt.Sprintf(`
const n = %d, holds = %d, hold = %s, call = %s, ps = [];
for (let i = 0; i < n; i++) {
  const tag = 'b=%s-' + i;
  ps.push(H.settle(i < holds ? hold(tag) : call(i, tag)));
}
window.clientBurst = Promise.all(ps);`, n, connsPerOrigin, hold, call, name))
	tb.waitSent(name, n)
	tb.e.waitGate(name, connsPerOrigin)
	tb.e.srv.ReleaseGate(name)
	return eval[[]json.RawMessage](tb, "await burst "+name, `return await window.clientBurst`)
}

// TestKy: ky with `fetch: auth.fetch` and `prefix: '/api'`: its hooks run, a burst at
// expiry makes one refresh and every call resolves; a lost session rejects with the
// SessionExpiredError itself (ky does not retry it), once onRelogin.
func TestKy(t *testing.T) {
	e, arrived := newClientsEnv(t)
	tb := e.newTab("a")
	tb.open()
	tb.setupClient(`
const { default: ky } = await import('ky');
window.hooked = 0;
// ky hands fetch a Request with an absolute URL: authfetch's baseURL is not joined again.
window.api = ky.create({ prefix: '/api', fetch: auth.fetch,
  hooks: { beforeRequest: [({ request }) => { hooked++; request.headers.set('X-Trace', 'ky') }] } });`)
	tb.login()
	e.srv.ExpireAccessTokens()
	e.srv.ResetStats()

	const n = 20
	out := tb.burstOver("ky", n, `(tag) => api.get('hold?gate=ky&' + tag).json()`,
		`(i, tag) => i % 2 ? api.get('user/info?' + tag).json() : api.post('echo?' + tag, { json: { i } }).json()`)
	wantClientReplies(t, "ky at expiry", out)
	e.wantStats("after the ky burst", map[string]int64{"RefreshCalls": 1, "Refreshed": 1, "Requests": n})
	e.wantBurstExpired("after the ky burst", n)
	if hooked := eval[int](tb, "count hook runs", `return hooked`); hooked != n {
		t.Errorf("ky's beforeRequest hook ran %d times for %d calls, want once each", hooked, n)
	}
	arrived.wantNoDoubledBase(t)
	tb.wantNoRelogin()

	e.srv.RevokeRefreshTokens()
	e.srv.ExpireAccessTokens()
	e.srv.ResetStats()
	type lost struct {
		Rejected int `json:"rejected"`
		Instance int `json:"instance"`
	}
	l := eval[lost](tb, "ky after the session is lost", `
const os = await Promise.all(Array.from({ length: 5 }, (_, i) => H.settle(api.get('user/info?lost=' + i).json())));
return { rejected: os.filter(o => !o.ok).length, instance: os.filter(o => !o.ok && o.raw instanceof M.SessionExpiredError).length };`)
	if l.Rejected != 5 || l.Instance != 5 {
		t.Errorf("after the session was lost, %d of 5 ky calls rejected, %d with a SessionExpiredError; want all", l.Rejected, l.Instance)
	}
	if c := tb.counters(); c.Relogins != 1 {
		t.Errorf("onRelogin called %d times, want 1", c.Relogins)
	}
	e.wantStats("after the lost session", map[string]int64{"RefreshCalls": 1, "Refreshed": 0})
}

// TestOfetch: ofetch's createFetch with `fetch: auth.fetch` and no baseURL of its own
// (ofetch hands fetch a string, which authfetch joins to its baseURL): a burst at expiry
// makes one refresh and every call resolves.
func TestOfetch(t *testing.T) {
	e, arrived := newClientsEnv(t)
	tb := e.newTab("a")
	tb.open()
	tb.setupClient(`
const { createFetch } = await import('ofetch');
window.$api = createFetch({ fetch: auth.fetch });`)
	tb.login()
	e.srv.ExpireAccessTokens()
	e.srv.ResetStats()

	const n = 20
	out := tb.burstOver("ofetch", n, `(tag) => $api('/hold?gate=ofetch&' + tag)`,
		`(i, tag) => i % 2 ? $api('/user/info?' + tag) : $api('/echo?' + tag, { method: 'POST', body: { i } })`)
	wantClientReplies(t, "ofetch at expiry", out)
	e.wantStats("after the ofetch burst", map[string]int64{"RefreshCalls": 1, "Refreshed": 1, "Requests": n})
	e.wantBurstExpired("after the ofetch burst", n)
	arrived.wantNoDoubledBase(t)
	tb.wantNoRelogin()
}

// TestBaseURLJoining pins the rule the README's advice for each client rests on:
// authfetch joins its baseURL to a string or URL input, never to a Request (whose URL is
// already absolute), so axios's and ky's own base URLs are not doubled.
func TestBaseURLJoining(t *testing.T) {
	e, arrived := newEnvWith(t, testPage, nil)
	tb := e.newTab("a")
	tb.open()
	tb.setup("")
	tb.login()
	got := eval[[]string](tb, "fetch by string and by Request", `
const out = [];
for (const input of ['/user/info', 'user/info', new Request('/api/user/info')]) {
  const r = await auth.fetch(input);
  out.push(r.url.replace(location.origin, '') + ' ' + (await r.json()).code);
}
return out;`)
	want := []string{"/api/user/info 0", "/api/user/info 0", "/api/user/info 0"}
	if !slices.Equal(got, want) {
		t.Errorf("auth.fetch('/user/info'), ('user/info'), (new Request('/api/user/info')) reached %q, want %q", got, want)
	}
	arrived.wantNoDoubledBase(t)
}
