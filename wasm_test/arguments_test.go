package wasm_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// outcome is how a call ended: a synchronous throw, a rejection, a value, or nothing
// within outcomeWithin.
type outcome struct {
	Threw    bool     `json:"threw"`    // threw synchronously
	Rejected bool     `json:"rejected"` // returned a promise that rejected
	Hung     bool     `json:"hung"`     // returned a promise that did not settle in time
	Err      *jsError `json:"err"`
	Value    string   `json:"value"` // what it returned or resolved with, briefly
}

// outcomeWithin bounds the wait for one call of the barrage, so that a call that never
// settles is reported as such instead of eating the test's whole deadline.
const outcomeWithin = 10 * time.Second

func (o outcome) String() string {
	switch {
	case o.Hung:
		return fmt.Sprintf("did not settle within %v", outcomeWithin)
	case o.Threw:
		return "threw " + o.Err.String()
	case o.Rejected:
		return "rejected with " + o.Err.String()
	}
	return "returned " + o.Value
}

// outcomeJS defines window.outcome(f): how calling f ended, as an outcome.
var outcomeJS = fmt.Sprintf(`
window.outcome = async (f) => {
  let p;
  try { p = f() } catch (e) { return { threw: true, err: H.errInfo(e) } }
  try {
    const hung = {};
    const v = await Promise.race([p, new Promise(r => setTimeout(() => r(hung), %d))]);
    if (v === hung) return { hung: true };
    let s = '';
    try {
      if (v instanceof Response) s = 'Response ' + v.status + ' ' + (await v.text()).slice(0, 200);
      else if (v && typeof v.close === 'function') { s = 'a client'; v.close() }
      else s = String(v);
    } catch (e) { s = 'unprintable' }
    return { value: s };
  } catch (e) { return { rejected: true, err: H.errInfo(e) } }
};`, outcomeWithin.Milliseconds())

// TestWrongArguments: wrong options, inputs and token pairs get a TypeError (a rejection
// for the Promise-returning functions) that names what is wrong, leave the stored pair
// alone, and do not break the Go runtime: afterwards the client and a new one still work.
//
// It runs on HTTP/2: only there can Chromium send a ReadableStream body, the one body
// that cannot be sent twice.
func TestWrongArguments(t *testing.T) {
	e := newEnv(t, http2)
	tb := e.newTab("a")
	tb.open()
	tb.setup("")
	tb.login()
	tb.do("define outcome", outcomeJS)

	// createAuthFetch: each rejects with a TypeError naming the option.
	for _, c := range []struct{ options, option string }{
		{`{ baseURL: 5 }`, "baseURL"},
		{`{ onRelogin: 'x' }`, "onRelogin"},
		{`{ expiredCodes: 'a' }`, "expiredCodes"},
		{`{ refreshTimeout: -1 }`, "refreshTimeout"},
		{`{ refreshTokenIn: 'query' }`, "refreshTokenIn"},
		{`{ tokenRedirects: 'manual' }`, "tokenRedirects"},
		{`{ allowedOrigins: ['not an origin'] }`, "allowedOrigins"},
		{`{ get baseURL() { throw new Error('getter boom') } }`, "baseURL"},
		{`{ headerName: Symbol('h') }`, "headerName"},
		{`{ baseURL: Symbol('b') }`, "baseURL"},
		// Unknown options (typos) are refused, with the option meant when only case differs.
		{`{ refreshUrl: '/api/refresh/{refreshToken}' }`, "refreshUrl: is not an option of authfetch; did you mean refreshURL?"},
		{`{ onrelogin: () => {} }`, "onrelogin"},
		// Values JSON cannot hold, and nulls, are named as they are, not dropped.
		{`{ refreshTimeout: NaN }`, "option refreshTimeout: must be a number, got NaN"},
		{`{ expiredCodes: [50014, null] }`, "expiredCodes"},
		{`{ baseURL: null }`, "baseURL"},
		{`{ refreshURL: () => '/x' }`, "option refreshURL: must be a string, got function"},
		{`{ preset: 'oauth3' }`, "preset"},
		{`{ preset: 'oauth2', refreshURL: '/token' }`, "clientId"},
		{`{ preset: 'oauth2', clientId: 'spa' }`, "refreshURL"},
	} {
		o := eval[outcome](tb, "createAuthFetch("+c.options+")", `return await outcome(() => M.createAuthFetch(`+c.options+`))`)
		if !o.Rejected || o.Err.Name != "TypeError" || !strings.Contains(o.Err.Message, c.option) {
			t.Errorf("createAuthFetch(%s) %v; want a rejection with a TypeError naming %s", c.options, o, c.option)
		}
	}

	// auth.fetch: each rejects as window.fetch does with the same arguments (the control,
	// run in the same page), with an error of the same name; none throws synchronously.
	for _, args := range []string{
		`Symbol('u')`,
		``,
		`'/user/info', 'not an init'`,
		`'/user/info', { get method() { throw new Error('getter boom') } }`,
		`'/user/info', { get headers() { throw new Error('getter boom') } }`,
		`'/user/info', new Proxy({}, { get() { throw new Error('proxy boom') } })`,
		`'/user/info', { headers: { 'bad header name': 'x' } }`,
		`'/user/info', { headers: [['only-a-name']] }`,
		`'/user/info', { headers: 5 }`,
		`'/user/info', { headers: { 'X-Ok': 'bad\nvalue' } }`,
	} {
		type pair struct{ Auth, Native outcome }
		got := eval[pair](tb, "auth.fetch("+args+")", `return { Auth: await outcome(() => auth.fetch(`+args+`)), Native: await outcome(() => fetch(`+args+`)) }`)
		if !got.Native.Rejected {
			t.Errorf("test bug: the control fetch(%s) %v; expected a rejection", args, got.Native)
			continue
		}
		if !got.Auth.Rejected || got.Auth.Err.Name != got.Native.Err.Name {
			t.Errorf("auth.fetch(%s) %v; want a rejection like fetch's: %v", args, got.Auth, got.Native)
		}
	}

	// A streamed body cannot be sent twice. With an expired token it needs a replay: the
	// call must settle, either rejecting or (had the client buffered it) with the body
	// intact after the replay; never with the expired reply or a mangled body.
	e.srv.ExpireAccessTokens()
	o := eval[outcome](tb, "fetch with a ReadableStream body", `
const stream = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('streamed body')); c.close() } });
return await outcome(() => auth.fetch('/echo', { method: 'POST', body: stream, duplex: 'half' }));`)
	switch {
	case o.Hung || o.Threw:
		t.Errorf("auth.fetch with a ReadableStream body %v; want a rejection", o)
	case !o.Rejected && !(strings.Contains(o.Value, `"code":0`) && strings.Contains(o.Value, `"body":"streamed body"`)):
		t.Errorf("auth.fetch with a ReadableStream body that needs a replay %v; want a rejection (or the body intact after the replay)", o)
	default:
		t.Logf("auth.fetch with a ReadableStream body that needs a replay: %v", o)
	}

	// setTokens: each throws a TypeError and keeps the stored pair (as it is now: a
	// client that buffered the stream above has refreshed).
	type stored struct {
		Outcome outcome `json:"outcome"`
		Tokens  any     `json:"tokens"` // getTokens()
		Entry   any     `json:"entry"`  // the localStorage entry, parsed
	}
	const readStored = `tokens: auth.getTokens(), entry: JSON.parse(localStorage.getItem('authfetch'))`
	before := eval[stored](tb, "read the stored pair", `return { `+readStored+` }`)
	for _, arg := range []string{
		`null`, `undefined`, `{}`, `'a string'`, `Symbol('t')`,
		`{ accessToken: 5 }`, `{ accessToken: 'a', refreshToken: 5 }`,
		`{ get accessToken() { throw new Error('getter boom') } }`,
		`{ accessToken: Symbol('t') }`,
	} {
		got := eval[stored](tb, "setTokens("+arg+")", `return { outcome: await outcome(() => auth.setTokens(`+arg+`)), `+readStored+` }`)
		if o := got.Outcome; !o.Threw || o.Err.Name != "TypeError" {
			t.Errorf("setTokens(%s) %v; want it to throw a TypeError", arg, o)
		}
		if !reflect.DeepEqual(got.Tokens, before.Tokens) || !reflect.DeepEqual(got.Entry, before.Entry) {
			t.Errorf("after setTokens(%s): getTokens() %v, localStorage %v; want the pair kept (%v, %v)",
				arg, got.Tokens, got.Entry, before.Tokens, before.Entry)
		}
	}

	// The runtime survived: the client refreshes and answers (bound and unbound), and a
	// new client can be made and used.
	type alive struct {
		Bound, Unbound, NewClient burstReply
	}
	a := eval[alive](tb, "use the clients after the barrage", `
const f = auth.fetch;
const bound = await H.settle(auth.fetch('/user/info').then(H.reply));
const unbound = await H.settle(f('/user/info').then(H.reply));
let newClient;
try {
  const c = await M.createAuthFetch({ baseURL: '/api' });
  newClient = await H.settle(c.fetch('/user/info').then(H.reply));
  c.close();
} catch (e) { newClient = { ok: false, error: H.errInfo(e) } }
return { Bound: bound, Unbound: unbound, NewClient: newClient };`)
	wantAllCodeZero(t, "auth.fetch after the barrage", []burstReply{a.Bound})
	wantAllCodeZero(t, "unbound auth.fetch after the barrage", []burstReply{a.Unbound})
	wantAllCodeZero(t, "a new client after the barrage", []burstReply{a.NewClient})
	for _, l := range tb.consoleLines() {
		if strings.Contains(l, "Go program has already exited") || strings.Contains(l, "panic:") || strings.Contains(l, "fatal error:") {
			t.Errorf("the console shows the Go runtime failing: %s", l)
		}
	}
}
