package wasm_test

import (
	"net/http"
	"strings"
	"testing"
)

// vueDist returns examples/vue-app/dist, the Vite build of the Vue example, after
// checking that it was built from the current sources and engine.
func vueDist(t *testing.T) string {
	t.Helper()
	return exampleDist(t, "examples/vue-app", "vue.js", "example-vue")
}

// TestVueApp runs the Vue 3 example (examples/vue-app, built by Vite) against the
// reference backend on one origin: log in through the form; the access token expires
// during use and twenty requests still load, with one refresh while the page shows the
// composable's `refreshing` state; the refresh token dies and the app's dialog opens,
// once, from `reloginNeeded`; logging in from the dialog closes it and the app carries
// on; "Stay on this page" closes it without logging in.
func TestVueApp(t *testing.T) {
	dist := vueDist(t)
	e, _ := newEnvWith(t, "", func(mux *http.ServeMux) {
		mux.Handle("/", http.FileServer(http.Dir(dist)))
	})
	tb := e.newTab("vue")
	tb.open()
	tb.waitJS("the app to mount", `return { ok: !!document.querySelector('#login-form'), state: document.body.innerText.slice(0, 200) }`)

	// The wasm came from Vite's ?url import: an asset of the build.
	wasm := eval[[]string](tb, "list the loaded wasm", `return performance.getEntriesByType('resource').map(r => new URL(r.name).pathname).filter(p => p.endsWith('.wasm'))`)
	if len(wasm) != 1 || !strings.HasPrefix(wasm[0], "/assets/authfetch-") {
		t.Errorf("the page loaded wasm %q, want one /assets/authfetch-*.wasm", wasm)
	}

	// A wrong password shows the form's error; the right one logs in.
	tb.typeInto("#username", "demo")
	tb.typeInto("#password", "wrong")
	tb.click("#login")
	tb.waitText("#login-error", `t === 'wrong username or password'`)
	tb.do("clear the password", `document.querySelector('#password').value = ''; document.querySelector('#password').dispatchEvent(new Event('input'))`)
	tb.typeInto("#password", "demo")
	tb.click("#login")
	tb.waitText("#user-name", `t === 'demo'`)
	if got := tb.text("#logged-in"); got != "logged in" {
		t.Errorf("#logged-in = %q after logging in, want \"logged in\"", got)
	}

	// The access token expires during use: the refresh is held at the gate while the
	// page shows it, then all twenty requests load.
	e.srv.ExpireAccessTokens()
	e.srv.ResetStats()
	e.refresh.arm()
	tb.click("#load")
	e.waitRefreshAtGate()
	tb.waitJS("the page to show the refresh", `return { ok: !!document.querySelector('#refreshing'), state: document.querySelector('#status')?.textContent }`)
	e.refresh.open()
	tb.waitText("#result", `t === '20 loaded, 0 session expired, 0 failed'`)
	tb.waitJS("the refresh indicator to go", `return { ok: !document.querySelector('#refreshing'), state: document.querySelector('#status')?.textContent }`)
	e.wantStats("after the requests at expiry", map[string]int64{"RefreshCalls": 1, "Refreshed": 1, "ReloginAnswers": 0, "Requests": 20})
	if st := e.srv.Stats(); st.ExpiredAnswers == 0 {
		t.Errorf("no request was answered 50014: the expiry was not exercised (%+v)", st)
	}
	if tb.present("#relogin-dialog") {
		t.Error("the relogin dialog is open after a successful refresh")
	}

	// The refresh token dies: one dialog for twenty failed requests.
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
	tb.typeInto("#relogin-dialog #username", "demo")
	tb.typeInto("#relogin-dialog #password", "demo")
	tb.click("#relogin-dialog #login")
	tb.waitJS("the dialog to close", `return { ok: !document.querySelector('#relogin-dialog'), state: document.body.innerText.slice(0, 300) }`)
	tb.waitText("#user-name", `t === 'demo'`)
	tb.click("#load")
	tb.waitText("#result", `t === '20 loaded, 0 session expired, 0 failed'`)

	// Lost again: "Stay on this page" closes the dialog without logging in.
	e.srv.RevokeRefreshTokens()
	e.srv.ExpireAccessTokens()
	tb.click("#load")
	tb.waitText("#dialog-opened", `t === '2'`)
	tb.click("#stay")
	tb.waitJS("the dialog to close and the login form to show", `return { ok: !document.querySelector('#relogin-dialog') && !!document.querySelector('#login-form'), state: document.body.innerText.slice(0, 300) }`)
}
