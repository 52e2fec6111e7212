package wasm_test

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/authfetch/authfetch/server"
	"github.com/authfetch/authfetch/server/admin"
)

// burstBodies makes the 200 requests of TestBurstAtExpiry: GET /user/info and POST or
// PUT /echo with every kind of body fetch takes. Each request remembers what the backend
// must receive (window.expect[i]); checkBurstBodies compares it with what /echo answered.
//
//go:embed testdata/page/burst-bodies.js
var burstBodies string

// checkBurstBodies compares each reply of burst "burst" with window.expect and returns
// the problems (at most 10) and how many requests of each kind passed.
//
//go:embed testdata/page/check-burst-bodies.js
var checkBurstBodies string

// bodyCheck is what checkBurstBodies returns.
type bodyCheck struct {
	Problems []string       `json:"problems"`
	Failed   int            `json:"failed"`
	Passed   map[string]int `json:"passed"`
}

// TestBurstAtExpiry: 200 requests in flight when the access token expires (GETs and
// POST/PUTs with JSON, FormData with a file, URLSearchParams, ArrayBuffer and Uint8Array
// bodies) cause one refresh; every request is replayed with its method, query and body
// intact and resolves with code 0; nobody is told to log in again.
//
// http1: the first 8 requests are GETs held at the backend's gate; they take all of the
// origin's connections, so the other 192 wait in the browser's queue and all 200 are
// passed to fetch before any answer; then the gate opens and all 200 meet the expiry.
// http2: 100 held GETs wait at the gate, all at once, while the other 100 meet the
// expiry, refresh and are replayed; then the gate opens and the 100 held requests' 50014
// answers arrive after the refresh: they are replayed with the new token, no second refresh.
func TestBurstAtExpiry(t *testing.T) {
	for _, tc := range []struct {
		proto protocol
		holds int
	}{{http1, 8}, {http2, 100}} {
		t.Run(tc.proto.String(), func(t *testing.T) {
			e := newEnv(t, tc.proto)
			tb := e.newTab("a")
			tb.open()
			tb.setup("")
			tb.login()
			e.srv.ExpireAccessTokens()
			e.srv.ResetStats()

			const n = 200
			started := time.Now()
			tb.startBurst("burst", "burst", n, tc.holds, burstBodies)
			tb.waitBurstSent("burst", "burst", n, tc.holds)
			e.srv.ReleaseGate("burst")

			tb.awaitBurst("burst")
			res := eval[bodyCheck](tb, "check the burst", checkBurstBodies)
			if res.Failed > 0 {
				t.Errorf("%d of %d requests failed or arrived altered, e.g.\n\t%s", res.Failed, n, strings.Join(res.Problems, "\n\t"))
			}
			st := e.srv.Stats()
			t.Logf("burst of %d at expiry (%s, %d held): %v (in the page %.0f ms from the first call until all settled); passed by kind %v; server: refreshCalls=%d refreshed=%d reused=%d expiredAnswers=%d requests=%d",
				n, tc.proto, tc.holds, time.Since(started).Round(time.Millisecond), tb.burstMs("burst"), res.Passed, st.RefreshCalls, st.Refreshed, st.Reused, st.ExpiredAnswers, st.Requests)
			e.wantStats("after the burst", map[string]int64{
				"RefreshCalls": 1, "Refreshed": 1, "Reused": 0, "ReloginAnswers": 0,
				// Each request answered code 0 exactly once: none was lost or sent twice with success.
				"Requests": n,
			})
			if st.ExpiredAnswers == 0 {
				t.Errorf("no request was answered 50014: the burst did not exercise the refresh (stats %+v)", st)
			}
			tb.wantNoRelogin()
		})
	}
}

// TestLateReply: a request sent with the old token whose 50014 arrives after another
// request already refreshed is replayed with the new token, without a second refresh.
func TestLateReply(t *testing.T) {
	e := newEnv(t)
	tb := e.newTab("a")
	tb.open()
	tb.setup("")
	old := tb.login()
	e.srv.ExpireAccessTokens()
	e.srv.ResetStats()

	tb.do("send the held request", `window.late = H.settle(auth.fetch('/hold?gate=late').then(H.reply))`)
	e.waitGate("late", 1)

	// Meanwhile another request meets the expiry, refreshes and is replayed.
	r := eval[burstReply](tb, "request that refreshes", `return await H.settle(auth.fetch('/user/info').then(H.reply))`)
	wantAllCodeZero(t, "the request that refreshed", []burstReply{r})
	e.wantStats("after the first request", map[string]int64{"RefreshCalls": 1, "Refreshed": 1})
	if now := tb.getTokens(); now == nil || now.AccessToken == old.AccessToken || now.RefreshToken == old.RefreshToken {
		t.Errorf("getTokens() after the refresh = %+v, want a new pair", now)
	}

	// The held request was sent with the old token; its 50014 arrives only now.
	e.srv.ReleaseGate("late")
	late := eval[burstReply](tb, "await the late request", `return await window.late`)
	wantAllCodeZero(t, "the late request", []burstReply{late})
	var b reply
	if json.Unmarshal(late.Value.Body, &b) == nil && b.Code == 0 && !strings.Contains(string(b.Data), `"gate":"late"`) {
		t.Errorf("late request's reply data = %s, want the /hold answer", b.Data)
	}
	e.wantStats("after the late reply", map[string]int64{
		"RefreshCalls": 1, "Refreshed": 1, "Reused": 0, "ExpiredAnswers": 2, "Requests": 2,
	})
	tb.wantNoRelogin()
}

// TestRefreshTokenDead: when the refresh answers 10007, every request in flight rejects
// with a SessionExpiredError, onRelogin runs once, and the stored pair is gone.
func TestRefreshTokenDead(t *testing.T) {
	e := newEnv(t)
	tb := e.newTab("a")
	tb.open()
	tb.setup("")
	pair := tb.login()
	e.srv.RevokeRefreshTokens()
	e.srv.ExpireAccessTokens()
	e.srv.ResetStats()

	const n, holds = 50, 8
	tb.startBurst("dead", "dead", n, holds, "")
	tb.waitBurstSent("dead", "dead", n, holds)
	e.srv.ReleaseGate("dead")

	var bad []string
	for i, r := range tb.awaitBurst("dead") {
		switch {
		case r.OK:
			bad = append(bad, fmt.Sprintf("#%d resolved: HTTP %d %s", i, r.Value.Status, r.Value.Body))
		case r.Error.Name != "SessionExpiredError" || r.Error.Code != "SESSION_EXPIRED" || !r.Error.IsError:
			bad = append(bad, fmt.Sprintf("#%d rejected with %+v", i, *r.Error))
		}
	}
	if len(bad) > 0 {
		t.Errorf("%d of %d requests did not reject with a SessionExpiredError, e.g.\n\t%s", len(bad), n, strings.Join(bad[:min(5, len(bad))], "\n\t"))
	}
	tb.wantErrorClass("dead", "SessionExpiredError")

	// The burst ended the session once.
	type relogin struct {
		Relogins int               `json:"relogins"`
		Events   int               `json:"events"`
		Infos    []json.RawMessage `json:"infos"`
		Stored   *string           `json:"stored"`
		Tokens   *tokens           `json:"tokens"`
	}
	rl := eval[relogin](tb, "read the relogin state", `return { relogins: window.relogins, events: window.reloginEvents,
  infos: window.reloginInfos, stored: localStorage.getItem('authfetch'), tokens: auth.getTokens() }`)
	if rl.Relogins != 1 {
		t.Errorf("onRelogin called %d times, want 1", rl.Relogins)
	}
	if rl.Events != 1 {
		t.Errorf("%d relogin events, want 1", rl.Events)
	}
	if len(rl.Infos) > 0 {
		info := rl.Infos[0]
		var ri struct {
			Reason string `json:"reason"`
			Code   int    `json:"code"`
		}
		_ = json.Unmarshal(info, &ri)
		if ri.Reason == "" || ri.Code != server.CodeRelogin {
			t.Errorf("onRelogin info %s, want a reason and code %d", info, server.CodeRelogin)
		}
		if s := string(info); strings.Contains(s, pair.AccessToken) || strings.Contains(s, pair.RefreshToken) {
			t.Errorf("onRelogin info carries a token: %s", s)
		}
	}
	if rl.Stored != nil {
		t.Errorf("localStorage 'authfetch' = %q after the session ended, want no entry", *rl.Stored)
	}
	if rl.Tokens != nil {
		t.Errorf("getTokens() = %+v after the session ended, want null", *rl.Tokens)
	}
	e.wantStats("after the dead refresh", map[string]int64{"RefreshCalls": 1, "Refreshed": 0, "Requests": 0})
}

// TestRefreshFails: a refresh that answers HTTP 500, or hangs past refreshTimeout, rejects
// every waiting request with a RefreshFailedError and keeps the tokens; once the fault is
// gone the next request refreshes and succeeds.
func TestRefreshFails(t *testing.T) {
	for _, tc := range []struct {
		mode    admin.FailMode
		options string
		status  int // RefreshFailedError.status, 0 for none
	}{
		{admin.FailStatus500, "", 500},
		{admin.FailHang, "{ refreshTimeout: 500 }", 0},
		{admin.FailMalformed, "", 0},
	} {
		t.Run(string(tc.mode), func(t *testing.T) {
			e := newEnv(t)
			tb := e.newTab("a")
			tb.open()
			tb.setup(tc.options)
			pair := tb.login()
			entry := tb.storedEntry()
			// Every refresh fails until Reset, so however the client retries, no request
			// of the burst can be rescued by a refresh that happens to work.
			if err := e.srv.FailRefresh(tc.mode, 1000); err != nil {
				t.Fatal(err)
			}
			e.srv.ExpireAccessTokens()
			e.srv.ResetStats()

			const n, holds = 20, 8
			started := time.Now()
			tb.startBurst("fail", "fail", n, holds, "")
			tb.waitBurstSent("fail", "fail", n, holds)
			e.srv.ReleaseGate("fail")
			replies := tb.awaitBurst("fail")
			elapsed := time.Since(started)

			var bad []string
			for i, r := range replies {
				if r.OK {
					bad = append(bad, fmt.Sprintf("#%d resolved: HTTP %d %s", i, r.Value.Status, r.Value.Body))
					continue
				}
				err := r.Error
				if err.Name != "RefreshFailedError" || err.Code != "REFRESH_FAILED" || !err.IsError || (tc.status != 0 && err.Status != tc.status) {
					bad = append(bad, fmt.Sprintf("#%d rejected with %+v", i, *err))
				}
			}
			if len(bad) > 0 {
				t.Errorf("%d of %d requests did not reject with a RefreshFailedError (status %d), e.g.\n\t%s", len(bad), n, tc.status, strings.Join(bad[:min(5, len(bad))], "\n\t"))
			}
			tb.wantErrorClass("fail", "RefreshFailedError")
			st := e.srv.Stats()
			t.Logf("refresh %s: %d requests settled in %v; refreshCalls=%d", tc.mode, n, elapsed.Round(time.Millisecond), st.RefreshCalls)
			if st.RefreshCalls < 1 || st.Refreshed != 0 {
				t.Errorf("server Stats() %+v: want at least one refresh call, none succeeded", st)
			}
			if got := tb.getTokens(); got == nil || *got != pair {
				t.Errorf("getTokens() after the failed refresh = %+v, want the old pair kept", got)
			}
			if got := tb.storedEntry(); got == nil || !reflect.DeepEqual(got, entry) {
				t.Errorf("localStorage entry after the failed refresh: %v, was %v", got, entry)
			}
			tb.wantNoRelogin()
			if tc.mode == admin.FailHang {
				// A timed-out refresh must be aborted, not left hanging: each hanging
				// call holds one of the origin's connsPerOrigin connections.
				e.waitFor("the timed-out refresh calls to be aborted", func() (bool, string) {
					n := e.refresh.inFlight.Load()
					return n == 0, fmt.Sprintf("%d refresh calls still open at the server", n)
				})
			}

			// The fault is gone: the next request refreshes once and succeeds.
			e.srv.Reset()
			r := eval[burstReply](tb, "request after the fault is gone", `return await H.settle(auth.fetch('/user/info').then(H.reply))`)
			wantAllCodeZero(t, "the request after the fault is gone", []burstReply{r})
			e.wantStats("after the fault is gone", map[string]int64{"RefreshCalls": 1, "Refreshed": 1, "Requests": 1})
			if got := tb.getTokens(); got == nil || got.AccessToken == pair.AccessToken {
				t.Errorf("getTokens() after the successful refresh = %+v, want a new pair", got)
			}
		})
	}
}

// TestAbortWhileRefreshing: a request waiting for a refresh rejects with an AbortError as
// soon as its signal aborts, without waiting for the refresh; the refresh then completes
// and the other requests succeed.
//
// The refresh is held deterministically by the test's own gate in front of the backend's
// refresh route (refreshGate): armed, it keeps the refresh call in flight, and the test
// knows when it arrived; opened, the call reaches the backend and succeeds. So the abort
// happens while the refresh is certainly in flight, and the refresh certainly succeeds
// afterwards (no timeout, no injected failure, no sleep).
func TestAbortWhileRefreshing(t *testing.T) {
	e := newEnv(t)
	tb := e.newTab("a")
	tb.open()
	tb.setup("")
	tb.login()
	e.refresh.arm()
	e.srv.ExpireAccessTokens()
	e.srv.ResetStats()

	// Five requests meet the expiry; one of them (A) has an AbortController.
	tb.do("send the requests", `
window.ctrlA = new AbortController();
window.pending = { others: 0 };
const track = (p) => { window.pending.others++; return H.settle(p.then(H.reply)).finally(() => window.pending.others--) };
window.others = Promise.all([
  track(auth.fetch('/user/info')),
  track(auth.fetch('/user/info?x=2')),
  track(auth.fetch('/echo?x=3', { method: 'POST', body: '{"n":3}', headers: { 'Content-Type': 'application/json' } })),
  track(auth.fetch('/echo?x=4', { method: 'PUT', body: new Uint8Array([1, 2, 3, 4]) })),
]);
window.reqA = H.settle(auth.fetch('/echo?abort=a', { method: 'POST', body: 'a', signal: ctrlA.signal }));`)

	// The refresh is in flight (held), and all five got their 50014: A waits for the refresh.
	e.waitFor("the refresh call and five 50014 answers", func() (bool, string) {
		arrived, expired := e.refresh.arrived.Load(), e.srv.Stats().ExpiredAnswers
		return arrived >= 1 && expired >= 5, fmt.Sprintf("%d refresh calls held, %d answers 50014", arrived, expired)
	})

	type aborted struct {
		A, B, C  burstReply
		Ms       float64 `json:"ms"`
		TimedOut bool    `json:"timedOut"`
		Others   int     `json:"others"`
	}
	// B is made while the refresh runs (it waits for it); C's signal is already aborted.
	// All three must reject at once, while the refresh is still held: the timer only
	// turns "never settles" into a readable failure.
	ab := eval[aborted](tb, "abort while the refresh is held", `
window.ctrlB = new AbortController();
const reqB = H.settle(auth.fetch('/echo?abort=b', { method: 'POST', body: 'b', signal: ctrlB.signal }));
const reqC = H.settle(auth.fetch('/echo?abort=c', { method: 'POST', body: 'c', signal: AbortSignal.abort() }));
const t0 = performance.now();
ctrlA.abort(); ctrlB.abort();
const all = Promise.all([window.reqA, reqB, reqC]);
const r = await Promise.race([all, new Promise(res => setTimeout(() => res(null), 5000))]);
if (!r) return { timedOut: true, others: window.pending.others };
return { A: r[0], B: r[1], C: r[2], ms: performance.now() - t0, others: window.pending.others };`)
	if ab.TimedOut {
		t.Fatalf("aborted requests did not settle within 5s while the refresh was held")
	}
	for _, c := range []struct {
		name string
		r    burstReply
	}{
		{"A (aborted while waiting for the refresh)", ab.A},
		{"B (made during the refresh, then aborted)", ab.B},
		{"C (signal aborted before the call)", ab.C},
	} {
		name, r := c.name, c.r
		if r.OK || r.Error == nil || r.Error.Name != "AbortError" {
			t.Errorf("request %s: ok=%v value=%s error %v; want a rejection with name AbortError", name, r.OK, r.Value.Body, r.Error)
		}
	}
	t.Logf("aborted requests rejected %.1f ms after abort()", ab.Ms)
	if ab.Others != 4 {
		t.Errorf("%d of the 4 other requests still pending while the refresh was held, want 4", ab.Others)
	}
	if st := e.srv.Stats(); st.RefreshCalls != 0 {
		t.Errorf("the backend saw %d refresh calls before the gate opened", st.RefreshCalls)
	}

	// The refresh completes: the four others are replayed and succeed.
	e.refresh.open()
	others := eval[[]burstReply](tb, "await the other requests", `return await window.others`)
	wantAllCodeZero(t, "the requests that were not aborted", others)
	// One more request after them: an aborted request replayed anyway would show up as an
	// extra success (Requests) or refresh.
	last := eval[burstReply](tb, "one more request", `return await H.settle(auth.fetch('/user/info').then(H.reply))`)
	wantAllCodeZero(t, "the request after the refresh", []burstReply{last})
	e.wantStats("after the refresh", map[string]int64{"RefreshCalls": 1, "Refreshed": 1, "Reused": 0, "Requests": 5})
	if n := e.refresh.arrived.Load(); n != 1 {
		t.Errorf("%d refresh calls reached the held gate, want 1", n)
	}
	tb.wantNoRelogin()
}

// TestFourTabs: four tabs of one profile (one localStorage) meet the expiry together,
// 50 requests each, all in flight before any answer: one refresh for all tabs, no reuse of
// a refresh token (which the backend would punish by revoking the session), no relogin.
//
// Every request is a GET held at the backend's gate, so no tab sees an answer (and
// refreshes) before all 200 were passed to fetch. http2: all 200 wait at the backend
// before the gate opens. http1: the first connsPerOrigin wait at the backend and take
// every connection of the origin (shared by the tabs of a profile), the rest queue in
// the browser.
func TestFourTabs(t *testing.T) {
	for _, proto := range []protocol{http1, http2} {
		t.Run(proto.String(), func(t *testing.T) { fourTabStorm(t, newEnv(t, proto)) })
	}
}

// fourTabStorm is TestFourTabs in e, whose backend may have several instances
// (TestFourTabsThreeInstances).
func fourTabStorm(t *testing.T, e *env) {
	const tabs, n = 4, 50
	var tbs []*tab
	for i := range tabs {
		tb := e.newTab(fmt.Sprint(i + 1))
		tb.open()
		tbs = append(tbs, tb)
	}
	// Tab 1 logs in; the others then load and find the pair in the shared storage.
	tbs[0].setup("")
	pair := tbs[0].login()
	for _, tb := range tbs[1:] {
		tb.setup("")
		if got := tb.getTokens(); got == nil || *got != pair {
			t.Fatalf("tab %s: getTokens() = %+v, want tab 1's pair from localStorage", tb.name, got)
		}
	}
	e.be.ExpireAccessTokens()
	e.be.ResetStats()

	started := time.Now()
	for _, tb := range tbs {
		tb.startBurst("tab"+tb.name, "tabs", n, n, "")
	}
	for _, tb := range tbs {
		tb.waitSent("tab"+tb.name, n)
	}
	e.waitGate("tabs", e.maxHeld(tabs*n))
	e.be.ReleaseGate("tabs")

	var pageMs []string
	for _, tb := range tbs {
		wantAllCodeZero(t, "tab "+tb.name, tb.awaitBurst("tab"+tb.name))
		pageMs = append(pageMs, fmt.Sprintf("%.0f", tb.burstMs("tab"+tb.name)))
	}
	elapsed := time.Since(started)
	st := e.be.Stats()
	proto := http1
	if e.http2 {
		proto = http2
	}
	t.Logf("four tabs × %d requests at expiry (%s): %v (per tab, first call to all settled: %s ms); server: refreshCalls=%d refreshed=%d reused=%d reloginAnswers=%d expiredAnswers=%d requests=%d",
		n, proto, elapsed.Round(time.Millisecond), strings.Join(pageMs, ", "), st.RefreshCalls, st.Refreshed, st.Reused, st.ReloginAnswers, st.ExpiredAnswers, st.Requests)
	e.wantStats("after the four bursts", map[string]int64{
		"RefreshCalls": 1, "Refreshed": 1, "Reused": 0, "ReloginAnswers": 0, "Requests": tabs * n,
	})
	var first *tokens
	for _, tb := range tbs {
		tb.wantNoRelogin()
		got := tb.getTokens()
		switch {
		case got == nil || got.AccessToken == pair.AccessToken:
			t.Errorf("tab %s: getTokens() = %+v, want the refreshed pair", tb.name, got)
		case first == nil:
			first = got
		case *got != *first:
			t.Errorf("tab %s holds another pair than tab 1 after the refresh", tb.name)
		}
	}
}
