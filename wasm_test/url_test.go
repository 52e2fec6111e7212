package wasm_test

import (
	"encoding/json"
	"fmt"
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
