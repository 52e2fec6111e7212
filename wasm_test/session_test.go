package wasm_test

import (
	"fmt"
	"testing"
)

// TestAccountSwitchElsewhere: a request of tab b is out when the user logs out in tab a
// and logs in again, a new session; the request's reply says its token expired. It
// rejects with a SessionExpiredError and is never replayed with the new session's token,
// with no refresh and no relogin prompt.
func TestAccountSwitchElsewhere(t *testing.T) {
	e := newEnv(t)
	a, b := e.newTab("a"), e.newTab("b")
	a.open()
	b.open()
	a.setup("")
	a.login()
	b.setup("")
	e.srv.ExpireAccessTokens()
	b.startBurst("old", "switch", 1, 1, "")
	b.waitBurstSent("old", "switch", 1, 1)
	a.do("log out", `auth.clearTokens()`)
	a.login()
	e.srv.ResetStats()
	e.srv.ReleaseGate("switch")
	r := b.awaitBurst("old")
	if r[0].OK || r[0].Error == nil || r[0].Error.Name != "SessionExpiredError" {
		t.Errorf("the old session's request: %+v, want a SessionExpiredError (not replayed with the new login's token)", r[0])
	}
	e.wantStats("after the old session's request", map[string]int64{"RefreshCalls": 0})
	b.wantNoRelogin()
	if a.getTokens() == nil {
		t.Error("the new login was lost")
	}
}

// TestLogoutElsewhereIsNotUndone: tab b refreshes while its view of localStorage lags, and
// the user logs out in tab a meanwhile. b's refresh stores its new pair, since b cannot see
// the logout; tab a clears it again once b's refresh lets the lock go, so both tabs end
// logged out.
func TestLogoutElsewhereIsNotUndone(t *testing.T) {
	e := newEnv(t)
	a, b := e.newTab("a"), e.newTab("b")
	a.open()
	b.open()
	a.setup("")
	a.login()
	b.setup("")
	freezeStorageView(b)
	e.srv.ExpireAccessTokens()
	e.refresh.arm()
	b.do("a request at expiry", `window.pending = H.settle(auth.fetch('/user/info'))`)
	e.waitRefreshAtGate()
	a.do("log out", `auth.clearTokens()`)
	e.refresh.open()
	b.do("b's request ends", `await pending`)
	e.waitFor("both tabs logged out", func() (bool, string) {
		ta, tb, entry := a.getTokens(), b.getTokens(), a.storedEntry()
		return ta == nil && tb == nil && entry == nil, fmt.Sprintf("a %v, b %v, entry %v", ta != nil, tb != nil, entry != nil)
	})
	b.wantNoRelogin()
}
