package wasm_test

import "testing"

// TestDoomedRequestsTakenBack: 60 GETs at once right after the access token expired, over
// HTTP/1.1 (6 connections: most of them wait in the browser). The first "expired" reply
// takes the others back: they are aborted before their own doomed round trip and wait for
// the one refresh. So far fewer than 60 reach the server with the dead token, and all 60
// succeed. POSTs are never taken back (the server may have acted on one already): each of
// 12 is answered "expired" and replayed.
func TestDoomedRequestsTakenBack(t *testing.T) {
	e := newEnv(t)
	tb := e.newTab("a")
	tb.open()
	tb.setup("")
	tb.login()
	tb.do("warm up", `for (let i = 0; i < 5; i++) await (await auth.fetch('/user/info')).json()`)

	e.srv.ExpireAccessTokens()
	before := e.be.Stats()
	codes := eval[[]int](tb, "60 GETs at expiry", `
const rs = await Promise.all(Array.from({ length: 60 }, () => auth.fetch('/user/info')));
return Promise.all(rs.map(async (r) => (await r.json()).code));`)
	after := e.be.Stats()
	for i, c := range codes {
		if c != 0 {
			t.Fatalf("GET %d: code %d, want 0", i, c)
		}
	}
	expired := after.ExpiredAnswers - before.ExpiredAnswers
	t.Logf("GETs: %d of 60 answered expired, %d refresh calls", expired, after.RefreshCalls-before.RefreshCalls)
	if expired < 1 || expired > 30 {
		t.Errorf("%d of 60 GETs reached the server with the dead token, want between 1 and 30: the others are taken back", expired)
	}
	if n := after.RefreshCalls - before.RefreshCalls; n != 1 {
		t.Errorf("%d refresh calls for the GETs, want 1", n)
	}

	e.srv.ExpireAccessTokens()
	before = e.be.Stats()
	codes = eval[[]int](tb, "12 POSTs at expiry", `
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
