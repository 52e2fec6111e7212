package wasm_test

import (
	"testing"
)

// TestStaleStorageUnderTheLock: localStorage is not consistent across tabs. Chromium
// hands a write to the other tabs' processes asynchronously, so a tab that gets the refresh
// lock right after another tab refreshed can still read the spent pair (four tabs adding 1
// to a localStorage counter under one Web Lock, 200 times each, lose about a third of the
// additions; through IndexedDB none). Such a tab must not refresh the spent pair again,
// which a server without a grace window answers by revoking the session: it takes the
// successor that the refreshing tab recorded. The lag is made here as long as the test
// needs: tab b reads the old entry until it writes one itself.
func TestStaleStorageUnderTheLock(t *testing.T) {
	e := newEnv(t)
	a, b := e.newTab("a"), e.newTab("b")
	a.open()
	b.open()
	a.setup("")
	a.login()
	b.setup("")
	freezeStorageView(b)
	e.srv.ExpireAccessTokens()
	e.srv.ResetStats()
	a.do("a refreshes", `const r = await auth.fetch('/user/info'); const j = await r.json(); if (j.code !== 0) throw new Error('a got ' + JSON.stringify(j))`)
	r := eval[burstReply](b, "b's request with the spent pair", `return await H.settle(auth.fetch('/user/info').then(H.reply))`)
	wantAllCodeZero(t, "b's request", []burstReply{r})
	e.wantStats("after both tabs' requests", map[string]int64{"RefreshCalls": 1, "Refreshed": 1, "Reused": 0, "Graced": 0, "ReloginAnswers": 0})
	if n := eval[int](b, "relogin prompts in b", `return window.relogins`); n != 0 {
		t.Errorf("b prompted %d times for a relogin", n)
	}
}

// TestLogoutForgetsRotations: the rotation log holds token pairs; a logout removes them
// with the stored pair, so no token outlives it in IndexedDB.
func TestLogoutForgetsRotations(t *testing.T) {
	e := newEnv(t)
	tb := e.newTab("a")
	tb.open()
	tb.setup("")
	tb.login()
	e.srv.ExpireAccessTokens()
	records := func(what string) int {
		return eval[int](tb, what, `
const db = await new Promise((res, rej) => { const o = indexedDB.open('authfetch', 1); o.onsuccess = () => res(o.result); o.onerror = () => rej(o.error) });
const n = await new Promise((res, rej) => { const q = db.transaction('rotations').objectStore('rotations').count(); q.onsuccess = () => res(q.result); q.onerror = () => rej(q.error) });
db.close(); return n;`)
	}
	tb.do("a refresh", `await (await auth.fetch('/user/info')).json()`)
	if n := records("records after the refresh"); n != 1 {
		t.Fatalf("%d rotation records after one refresh, want 1", n)
	}
	tb.do("log out", `auth.clearTokens(); await new Promise(r => setTimeout(r, 200))`)
	if n := records("records after the logout"); n != 0 {
		t.Errorf("%d rotation records after the logout, want 0", n)
	}
}

// freezeStorageView makes tb's view of the stored entry lag as long as a test needs: tb
// reads the entry it sees now until it writes one itself.
func freezeStorageView(tb *tab) {
	tb.e.t.Helper()
	tb.do("freeze the tab's view of the entry", `
const key = 'authfetch', frozen = localStorage.getItem(key);
const get = Storage.prototype.getItem, set = Storage.prototype.setItem;
let stale = true;
Storage.prototype.getItem = function (k) { return stale && k === key ? frozen : get.call(this, k) };
Storage.prototype.setItem = function (k, v) { if (k === key) stale = false; return set.call(this, k, v) };`)
}
