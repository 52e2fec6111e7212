package wasm_test

import (
	"encoding/json"
	"fmt"
	"testing"
)

// TestDoomedRequestsTakenBack: 60 GETs right after the access token expired, over HTTP/1.1
// (6 connections per origin). The first 6 are held at gate A; the other 54 go to gate B,
// so they wait in the browser, and those that a freed connection lets through wait at the
// server. When gate A opens, the first "expired" reply takes every GET still waiting for
// its reply back: it is aborted before its own doomed round trip and waits for the one
// refresh, which needs a free connection (so it is made only once the GETs at gate B are
// taken back). The newest are aborted first, so a connection given back by an aborted GET
// finds no doomed GET left to send: only the 6 of gate A and the 6 that their freed
// connections let through to gate B reach the server with the dead token, and all 60
// succeed. POSTs are never taken back (the server
// may have acted on one already): each of 12 is answered "expired" and replayed.
func TestDoomedRequestsTakenBack(t *testing.T) {
	e := newEnv(t)
	tb := e.newTab("a")
	tb.open()
	tb.setup("")
	tb.login()
	tb.do("warm up", `for (let i = 0; i < 5; i++) await (await auth.fetch('/user/info')).json()`)

	e.srv.ExpireAccessTokens()
	before := e.be.Stats()
	const n = 60
	tb.do("send the GETs", fmt.Sprintf(`
const ps = [];
for (let i = 0; i < %d; i++) {
  const gate = i < %d ? 'doomed-a' : 'doomed-b';
  ps.push(H.settle(auth.fetch('/hold?gate=' + gate + '&b=doomed-' + i).then((r) => r.json())));
}
window.doomed = Promise.all(ps);`, n, connsPerOrigin))
	tb.waitSent("doomed", n)
	e.waitGate("doomed-a", connsPerOrigin)
	e.srv.ReleaseGate("doomed-a")
	e.waitFor("the refresh call (it needs a connection the doomed GETs at gate B give back)", func() (bool, string) {
		calls := e.be.Stats().RefreshCalls - before.RefreshCalls
		return calls >= 1, fmt.Sprintf("%d refresh calls, %d GETs at gate B", calls, e.be.GateWaiting("doomed-b"))
	})
	e.srv.ReleaseGate("doomed-b")
	out := eval[[]json.RawMessage](tb, "await the GETs", `return await window.doomed`)
	after := e.be.Stats()
	wantClientReplies(t, "GETs at expiry", out)
	expired := after.ExpiredAnswers - before.ExpiredAnswers
	t.Logf("GETs: %d of %d answered expired, %d refresh calls", expired, n, after.RefreshCalls-before.RefreshCalls)
	if most := int64(2 * connsPerOrigin); expired < connsPerOrigin || expired > most {
		t.Errorf("%d of %d GETs reached the server with the dead token, want %d (those of gate A) to %d (and those the freed connections let through to gate B): the others are taken back",
			expired, n, connsPerOrigin, most)
	}
	if n := after.RefreshCalls - before.RefreshCalls; n != 1 {
		t.Errorf("%d refresh calls for the GETs, want 1", n)
	}

	e.srv.ExpireAccessTokens()
	before = e.be.Stats()
	codes := eval[[]int](tb, "12 POSTs at expiry", `
const rs = await Promise.all(Array.from({ length: 12 }, (_, i) => auth.fetch('/echo', { method: 'POST', body: 'post ' + i })));
return Promise.all(rs.map(async (r) => (await r.json()).code));`)
	after = e.be.Stats()
	for i, c := range codes {
		if c != 0 {
			t.Fatalf("POST %d: code %d, want 0", i, c)
		}
	}
	if n := after.ExpiredAnswers - before.ExpiredAnswers; n != 12 {
		t.Errorf("%d of 12 POSTs answered expired, want 12: a POST is never taken back", n)
	}
	if n := after.RefreshCalls - before.RefreshCalls; n != 1 {
		t.Errorf("%d refresh calls for the POSTs, want 1", n)
	}
}
