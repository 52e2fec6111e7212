package wasm_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// TestBaseURLJoin: the loader joins a string or URL input to baseURL the way axios does
// (exactly one slash between them; an absolute URL, "//host", data: and blob: are kept), and
// resolves a relative baseURL once, when the client is made: a <base href> added later does
// not move the requests. The page's fetch is replaced by a recorder for the test.
func TestBaseURLJoin(t *testing.T) {
	e := newEnv(t)
	tb := e.newTab("a")
	tb.open()
	o := e.origin
	tests := []struct {
		Base string `json:"base"`
		In   string `json:"in"`
		want string
	}{
		{"/api", "/user/info", o + "/api/user/info"},
		{"/api/", "/user/info", o + "/api/user/info"},
		{"/api//", "user/info", o + "/api/user/info"},
		{"/api", "user/info", o + "/api/user/info"},
		{"/api", "", o + "/api"},
		{"https://x.example/api", "/a?b=c", "https://x.example/api/a?b=c"},
		{"/api", "https://other.example/a", "https://other.example/a"},
		{"/api", "//other.example/a", "http://other.example/a"},
		{"/api", "HTTP://other.example/a", "http://other.example/a"},
		{"/api", "data:text/plain,hi", "data:text/plain,hi"},
		{"/api", "mailto:x", o + "/api/mailto:x"}, // as axios: no "//", so relative
		{"", "/user/info", o + "/user/info"},
		{"api", "x", o + "/api/x"},
	}
	cases, _ := json.Marshal(tests)
	got := eval[[]string](tb, "join every case", fmt.Sprintf(`
const M = await import('/js/authfetch.js');
(await M.createAuthFetch()).close(); // the runtime loads with the page's own fetch
const seen = [], real = window.fetch;
window.fetch = (req) => { seen.push(req.url); return Promise.resolve(new Response('{}')) };
const out = [];
try {
  for (const c of %s) {
    const auth = await M.createAuthFetch(c.base ? { baseURL: c.base } : {});
    seen.length = 0;
    await auth.fetch(c.in, { skipAuth: true });
    out.push(seen[0] ?? '(not sent)');
    auth.close();
  }
} finally { window.fetch = real }
return out;`, cases))
	for i, tt := range tests {
		if i >= len(got) || got[i] != tt.want {
			g := "(missing)"
			if i < len(got) {
				g = got[i]
			}
			t.Errorf("baseURL %q, input %q: sent to %q, want %q", tt.Base, tt.In, g, tt.want)
		}
	}

	// A <base href> injected after the client was made moves nothing.
	late := eval[string](tb, "a late <base href>", `
const M = await import('/js/authfetch.js');
const auth = await M.createAuthFetch({ baseURL: '/api' });
const b = document.createElement('base'); b.href = 'http://evil.example/'; document.head.append(b);
const seen = [], real = window.fetch;
window.fetch = (req) => { seen.push(req.url); return Promise.resolve(new Response('{}')) };
try { await auth.fetch('/user/info', { skipAuth: true }) } finally { window.fetch = real; b.remove(); auth.close() }
return seen[0];`)
	if want := o + "/api/user/info"; late != want {
		t.Errorf("after a late <base href>: sent to %q, want %q", late, want)
	}
}

// TestRefreshTokenStaysWithAllowedOrigins: the refresh call carries the refresh token, so
// its URL must be on baseURL's origin or an allowed one (a TypeError naming refreshURL
// otherwise), and a relative one is resolved when the client is made: a <base href> added
// later does not move the refresh call, token in its path, to another origin.
func TestRefreshTokenStaysWithAllowedOrigins(t *testing.T) {
	e := newEnv(t)
	tb := e.newTab("a")
	tb.open()
	tb.setup("")
	msg := eval[string](tb, "a refresh URL on another origin", `
try { (await M.createAuthFetch({ baseURL: '/api', refreshURL: 'https://evil.example/steal/{refreshToken}' })).close(); return 'accepted' }
catch (e) { return e.name + ': ' + e.message }`)
	if !strings.HasPrefix(msg, "TypeError") || !strings.Contains(msg, "refreshURL") {
		t.Errorf("refreshURL on another origin: %s, want a TypeError naming refreshURL", msg)
	}
	tb.do("a client with a relative refresh URL, then a late <base href>", `
window.auth.close();
window.auth = await M.createAuthFetch({ baseURL: '/api', refreshURL: '/api/refreshJwt/{refreshToken}', onRelogin: () => { window.relogins++ } });
const b = document.createElement('base'); b.href = 'http://evil.example/'; document.head.append(b);`)
	tb.login()
	e.srv.ExpireAccessTokens()
	e.srv.ResetStats()
	r := eval[burstReply](tb, "a request at expiry", `return await H.settle(auth.fetch('/user/info').then(H.reply))`)
	wantAllCodeZero(t, "the request at expiry", []burstReply{r})
	e.wantStats("after the refresh", map[string]int64{"RefreshCalls": 1, "Refreshed": 1})
}
