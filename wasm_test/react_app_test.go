package wasm_test

import (
	"net/http"
	"strings"
	"testing"
)

// reactDist returns examples/react-app/dist, the Vite build of the React example, after
// checking that it was built from the current sources and engine.
func reactDist(t *testing.T) string {
	t.Helper()
	return exampleDist(t, "examples/react-app", "react.js", "example-react")
}

// newReactEnv serves the React example's build on one origin with the reference backend.
func newReactEnv(t *testing.T) *env {
	t.Helper()
	dist := reactDist(t)
	e, _ := newEnvWith(t, "", func(mux *http.ServeMux) {
		mux.Handle("/", http.FileServer(http.Dir(dist)))
	})
	return e
}

// logInThroughForm logs in as demo / demo through the login form (inside scope, a CSS
// selector prefix) and waits for the user's name, which a TanStack Query query loads
// through auth.fetch.
func (tb *tab) logInThroughForm(scope string) {
	tb.e.t.Helper()
	tb.typeInto(scope+"#username", "demo")
	tb.typeInto(scope+"#password", "demo")
	tb.click(scope + "#login")
	tb.waitText("#user-name", `t === 'demo'`)
}

// TestReactApp runs the React 19 example (examples/react-app, built by Vite: authfetch/react
// with TanStack Query) against the reference backend on one origin: log in through the
// form; the access token expires during use and twenty queries still load, with one
// refresh while the page shows useAuthFetch()'s `refreshing` spinner; the refresh token
// dies and the dialog opens, once, from `reloginNeeded`; logging in from the dialog closes
// it and the app carries on; "Stay on this page" (dismissRelogin) and "Log out"
// (clearTokens) close it without logging in.
func TestReactApp(t *testing.T) {
	e := newReactEnv(t)
	tb := e.newTab("react")
	tb.open()
	tb.waitJS("the app to mount", `return { ok: !!document.querySelector('#login-form'), state: document.body.innerText.slice(0, 200) }`)

	// The wasm came from Vite's ?url import: an asset of the build.
	wasm := eval[[]string](tb, "list the loaded wasm", `return performance.getEntriesByType('resource').map(r => new URL(r.name).pathname).filter(p => p.endsWith('.wasm'))`)
	if len(wasm) != 1 || !strings.HasPrefix(wasm[0], "/assets/authfetch-") {
		t.Errorf("the page loaded wasm %q, want one /assets/authfetch-*.wasm", wasm)
	}
	if got := tb.text("#logged-in"); got != "logged out" {
		t.Errorf("#logged-in = %q before logging in, want \"logged out\"", got)
	}

	// A wrong password shows the form's error; the right one logs in.
	tb.typeInto("#username", "demo")
	tb.typeInto("#password", "wrong")
	tb.click("#login")
	tb.waitText("#login-error", `t === 'wrong username or password'`)
	tb.waitJS("the password to be cleared", `return { ok: document.querySelector('#password').value === '', state: document.querySelector('#password').value }`)
	tb.typeInto("#password", "demo")
	tb.click("#login")
	tb.waitText("#user-name", `t === 'demo'`)
	if got := tb.text("#logged-in"); got != "logged in" {
		t.Errorf("#logged-in = %q after logging in, want \"logged in\"", got)
	}

	// The access token expires during use: the refresh is held at the gate while the
	// page shows the spinner, then all twenty queries load.
	e.srv.ExpireAccessTokens()
	e.srv.ResetStats()
	e.refresh.arm()
	tb.click("#load")
	e.waitRefreshAtGate()
	tb.waitJS("the page to show the refresh", `return { ok: !!document.querySelector('#refreshing .spinner'), state: document.querySelector('#status')?.textContent }`)
	e.refresh.open()
	tb.waitText("#result", `t === '20 loaded, 0 session expired, 0 failed'`)
	tb.waitJS("the spinner to go", `return { ok: !document.querySelector('#refreshing'), state: document.querySelector('#status')?.textContent }`)
	e.wantStats("after the queries at expiry", map[string]int64{"RefreshCalls": 1, "Refreshed": 1, "ReloginAnswers": 0, "Requests": 20})
	if st := e.srv.Stats(); st.ExpiredAnswers == 0 {
		t.Errorf("no request was answered 50014: the expiry was not exercised (%+v)", st)
	}
	if tb.present("#relogin-dialog") {
		t.Error("the relogin dialog is open after a successful refresh")
	}

	// The refresh token dies: one dialog for twenty failed queries.
	e.srv.RevokeRefreshTokens()
	e.srv.ExpireAccessTokens()
	e.srv.ResetStats()
	tb.click("#load")
	tb.waitJS("the relogin dialog", `return { ok: !!document.querySelector('#relogin-dialog [role=dialog]'), state: document.body.innerText.slice(0, 300) }`)
	tb.waitText("#result", `t === '0 loaded, 20 session expired, 0 failed'`)
	if got := tb.text("#logged-in"); got != "logged out" {
		t.Errorf("#logged-in = %q with the dialog open, want \"logged out\"", got)
	}
	if got := tb.text("#dialog-opened"); got != "1" {
		t.Errorf("the dialog opened %s times for one lost session, want 1", got)
	}
	if got := tb.text("#relogin-reason"); !strings.Contains(got, "10007") {
		t.Errorf("the dialog says %q, want the reason (code 10007)", got)
	}
	e.wantStats("after the session was lost", map[string]int64{"RefreshCalls": 1, "ReloginAnswers": 1, "Requests": 0})

	// Logging in from the dialog closes it; the app carries on.
	tb.logInThroughForm("#relogin-dialog ")
	tb.waitJS("the dialog to close", `return { ok: !document.querySelector('#relogin-dialog'), state: document.body.innerText.slice(0, 300) }`)
	tb.click("#load")
	tb.waitText("#result", `t === '20 loaded, 0 session expired, 0 failed'`)

	// Lost again: "Stay on this page" closes the dialog without logging in.
	e.srv.RevokeRefreshTokens()
	e.srv.ExpireAccessTokens()
	tb.click("#load")
	tb.waitText("#dialog-opened", `t === '2'`)
	tb.click("#stay")
	tb.waitJS("the dialog to close and the login form to show", `return { ok: !document.querySelector('#relogin-dialog') && !!document.querySelector('#login-form'), state: document.body.innerText.slice(0, 300) }`)

	// And again: "Log out" (clearTokens) closes it too.
	tb.logInThroughForm("")
	e.srv.RevokeRefreshTokens()
	e.srv.ExpireAccessTokens()
	tb.click("#load")
	tb.waitText("#dialog-opened", `t === '3'`)
	tb.click("#sign-out")
	tb.waitJS("the dialog to close and the login form to show", `return { ok: !document.querySelector('#relogin-dialog') && !!document.querySelector('#login-form'), state: document.body.innerText.slice(0, 300) }`)
	if got := tb.text("#logged-in"); got != "logged out" {
		t.Errorf("#logged-in = %q after logging out, want \"logged out\"", got)
	}
}

// TestReactAppFollowsOtherTabs: useAuthFetch() follows the session in other tabs (the
// client's 'tokens' events from the storage event). A login in one tab logs the other in;
// a session lost in one tab opens the dialog there only, and logs the other out; a login
// in the other tab closes that dialog; a logout logs both out.
func TestReactAppFollowsOtherTabs(t *testing.T) {
	e := newReactEnv(t)
	a, b := e.newTab("a"), e.newTab("b")
	for _, tb := range []*tab{a, b} {
		tb.open()
		tb.waitJS("the app to mount", `return { ok: !!document.querySelector('#login-form'), state: document.body.innerText.slice(0, 200) }`)
	}

	a.logInThroughForm("")
	b.waitText("#logged-in", `t === 'logged in'`)
	b.waitText("#user-name", `t === 'demo'`) // b's query ran with the pair a stored

	// a loses the session: a's dialog opens; b is logged out, with no dialog of its own.
	e.srv.RevokeRefreshTokens()
	e.srv.ExpireAccessTokens()
	a.click("#load")
	a.waitJS("the relogin dialog", `return { ok: !!document.querySelector('#relogin-dialog [role=dialog]'), state: document.body.innerText.slice(0, 300) }`)
	b.waitText("#logged-in", `t === 'logged out'`)
	b.waitJS("b's login form", `return { ok: !!document.querySelector('#login-form'), state: document.body.innerText.slice(0, 300) }`)
	if b.present("#relogin-dialog") {
		t.Error("tab b opened the relogin dialog for a session that tab a lost")
	}

	// A login in b closes a's dialog: a carries on with the new session.
	b.logInThroughForm("")
	a.waitJS("a's dialog to close", `return { ok: !document.querySelector('#relogin-dialog'), state: document.body.innerText.slice(0, 300) }`)
	a.waitText("#logged-in", `t === 'logged in'`)
	a.click("#load")
	a.waitText("#result", `t === '20 loaded, 0 session expired, 0 failed'`)
	if got := a.text("#dialog-opened"); got != "1" {
		t.Errorf("a's dialog opened %s times, want 1", got)
	}

	// A logout in a logs b out.
	a.click("#logout")
	b.waitText("#logged-in", `t === 'logged out'`)
	b.waitJS("b's login form", `return { ok: !!document.querySelector('#login-form'), state: document.body.innerText.slice(0, 300) }`)
}
