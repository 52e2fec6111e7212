package wasm_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/authfetch/authfetch/server"
	"github.com/authfetch/authfetch/server/admin"
)

// tokenSecrets returns the parts of a token that must never be printed: for a JWT its
// payload and signature (the header is the same for every token), otherwise all of it.
func tokenSecrets(token string) []string {
	if parts := strings.Split(token, "."); len(parts) == 3 {
		return parts[1:]
	}
	return []string{token}
}

// leakWindow is the length of the token pieces looked for: shorter ones could occur by
// chance in a URL or a message.
const leakWindow = 16

// findLeak returns a piece (leakWindow characters or more) of one of the tokens that
// occurs in text, or "".
func findLeak(text string, toks []string) string {
	for _, tok := range toks {
		for _, s := range tokenSecrets(tok) {
			if len(s) < leakWindow {
				if s != "" && strings.Contains(text, s) {
					return s
				}
				continue
			}
			for i := 0; i+leakWindow <= len(s); i++ {
				if w := s[i : i+leakWindow]; strings.Contains(text, w) {
					return w
				}
			}
		}
	}
	return ""
}

// consoleRecord keeps every console message of a tab with its source, which tells the
// page's own output (console API calls, exceptions: Source "") from the browser's log
// (Source "network" and others).
type consoleRecord struct {
	mu   sync.Mutex
	msgs []chromedp.ConsoleMessage
}

// recordConsole subscribes to the tab's console; call it before the tab opens its page.
func (tb *tab) recordConsole() *consoleRecord {
	rec := &consoleRecord{}
	msgs := chromedp.Console(tb.base)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			rec.mu.Lock()
			rec.msgs = append(rec.msgs, m)
			rec.mu.Unlock()
		}
	}()
	return rec
}

// waitFor waits until a message of the page contains marker; messages arrive in order,
// so every earlier one has arrived too.
func (rec *consoleRecord) waitFor(e *env, marker string) {
	e.t.Helper()
	e.waitFor("the console message "+marker, func() (bool, string) {
		text := rec.text(true)
		return strings.Contains(text, marker), fmt.Sprintf("%d bytes of console", len(text))
	})
}

// text returns the messages (text and URL, one a line), only the page's own if pageOnly.
func (rec *consoleRecord) text(pageOnly bool) string {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	var b strings.Builder
	for _, m := range rec.msgs {
		if !pageOnly || m.Source == "" {
			fmt.Fprintf(&b, "%s: %s (%s) [%s]\n", m.Type, m.Text, m.URL, m.Source)
		}
	}
	return b.String()
}

// TestDebugLogNoTokens: with debug: true every step is logged to the console (a refresh
// with requests waiting for it, a refresh that fails, a lost session), and no piece of
// any token, old or new, access or refresh, appears in what the page printed.
//
// With the default refreshTokenIn "path" the browser's own network log (DevTools, not
// the page: an app's log collector does not see it) shows the refresh URL when a
// refresh fails, refresh token included; with "body" nothing anywhere shows a token.
func TestDebugLogNoTokens(t *testing.T) {
	for _, in := range []string{"path", "body"} {
		t.Run(in, func(t *testing.T) { testDebugLogNoTokens(t, in) })
	}
}

func testDebugLogNoTokens(t *testing.T, refreshTokenIn string) {
	e := newEnv(t)
	tb := e.newTab("a")
	rec := tb.recordConsole()
	tb.open()
	opts := `{ debug: true }`
	if refreshTokenIn == "body" {
		opts = `{ debug: true, refreshURL: '{baseURL}/refreshJwt', refreshTokenIn: 'body' }`
	}
	tb.setup(opts)
	var seen []string
	remember := func(p *tokens) {
		if p != nil {
			seen = append(seen, p.AccessToken, p.RefreshToken)
		}
	}
	first := tb.login()
	remember(&first)

	// A refresh with requests in flight and waiting for it, one replay each.
	e.srv.ExpireAccessTokens()
	tb.do("requests at expiry", `
await Promise.all(Array.from({ length: 8 }, (_, i) => i % 2
  ? auth.fetch('/user/info?i=' + i)
  : auth.fetch('/echo?i=' + i, { method: 'POST', body: JSON.stringify({ i }), headers: { 'Content-Type': 'application/json' } })));`)
	remember(tb.getTokens())

	// A refresh that fails (HTTP 500), then one that succeeds.
	if err := e.srv.FailRefresh(admin.FailStatus500, 1); err != nil {
		t.Fatal(err)
	}
	e.srv.ExpireAccessTokens()
	failed := eval[jsError](tb, "a request whose refresh fails", `
const o = await H.settle(auth.fetch('/user/info')); return o.ok ? {} : o.error;`)
	if failed.Name != "RefreshFailedError" {
		t.Errorf("the request whose refresh failed: %+v, want a RefreshFailedError", failed)
	}
	tb.do("a request that refreshes", `await auth.fetch('/user/info')`)
	remember(tb.getTokens())

	// The session is lost.
	e.srv.RevokeRefreshTokens()
	e.srv.ExpireAccessTokens()
	tb.do("a request whose session is lost", `await H.settle(auth.fetch('/user/info'))`)
	e.wantStats("the run", map[string]int64{"Refreshed": 2, "ReloginAnswers": 1})

	tb.do("mark the end", `console.log('end-of-debug-run')`)
	rec.waitFor(e, "end-of-debug-run")
	var steps []string
	for _, l := range strings.Split(rec.text(true), "\n") {
		if _, rest, ok := strings.Cut(l, "debug: authfetch: "); ok {
			steps = append(steps, strings.Fields(rest)[0])
		}
	}
	for _, want := range []string{"send", "expired", "refresh", "refreshed", "refresh-failed", "relogin"} {
		if !slices.Contains(steps, want) {
			t.Errorf("no %q line among the %d debug lines (steps %v): debug: true does not log every step", want, len(steps), steps)
		}
	}
	if len(seen) != 6 || slices.Contains(seen, "") {
		t.Fatalf("tokens collected: %d, want 3 pairs", len(seen))
	}
	pageOnly := refreshTokenIn == "path"
	if leak := findLeak(rec.text(pageOnly), seen); leak != "" {
		t.Errorf("the console shows %q, a piece of a token:\n%s", leak, rec.text(pageOnly))
	}
	if pageOnly {
		if findLeak(rec.text(false), seen) != "" {
			t.Log("as the README warns, the browser's network log shows the URL of the failed refresh, refresh token included")
		}
	}

	// The search works: a printed piece of a token is found.
	tb.do("print a piece of a token", fmt.Sprintf(`console.debug('canary', %q.slice(3, 40))`, tokenSecrets(seen[2])[1]))
	rec.waitFor(e, "canary")
	if findLeak(rec.text(true), seen) == "" {
		t.Error("a printed piece of a token was not found: the leak search is broken")
	}
}

// holdRefreshAtExpiry expires the tokens and starts one request (window.pending), whose
// refresh call it holds at the gate; it returns once the page's seq has seen the refresh.
func holdRefreshAtExpiry(e *env, tb *tab) {
	e.t.Helper()
	e.srv.ExpireAccessTokens()
	e.refresh.arm()
	tb.do("a request at expiry", `window.pending = H.settle(auth.fetch('/user/info'))`)
	e.waitRefreshAtGate()
	tb.waitJS("the refreshing event", `return { ok: seq.length > 0, state: JSON.stringify(seq) }`)
}

// TestRefreshingEvent: the 'refreshing' listener sees true when this client's refresh
// call starts and false when it ends, whether it succeeds, fails or ends the session;
// 'refresh' and 'relogin' listeners see their details.
func TestRefreshingEvent(t *testing.T) {
	e := newEnv(t)
	tb := e.newTab("a")
	tb.open()
	tb.setup("")
	tb.do("listen", `
window.seq = [];
auth.on('refreshing', (d) => seq.push('refreshing:' + d.refreshing));
auth.on('refresh', (d) => seq.push('refresh:' + (typeof d.expiresAt === 'number' && d.expiresAt > Date.now())));
auth.on('relogin', (d) => seq.push('relogin:' + d.code));`)
	tb.login()
	seq := func() []string { return eval[[]string](tb, "read the sequence", `return seq`) }

	// Held at the gate, the refresh is in flight: true, and nothing else yet.
	holdRefreshAtExpiry(e, tb)
	if got := seq(); !slices.Equal(got, []string{"refreshing:true"}) {
		t.Errorf("while the refresh is held: %q, want [refreshing:true]", got)
	}
	e.refresh.open()
	tb.do("await the request", `await pending`)

	if err := e.srv.FailRefresh(admin.FailStatus500, 1); err != nil {
		t.Fatal(err)
	}
	e.srv.ExpireAccessTokens()
	tb.do("a refresh that fails", `await H.settle(auth.fetch('/user/info'))`)
	e.srv.RevokeRefreshTokens()
	e.srv.ExpireAccessTokens()
	tb.do("a lost session", `await H.settle(auth.fetch('/user/info'))`)

	want := []string{
		"refreshing:true", "refreshing:false", "refresh:true",
		"refreshing:true", "refreshing:false",
		"refreshing:true", "refreshing:false", fmt.Sprintf("relogin:%d", server.CodeRelogin),
	}
	if got := seq(); !slices.Equal(got, want) {
		g, _ := json.Marshal(got)
		t.Errorf("events: %s\n\twant %q", g, want)
	}
}

// TestRefreshingEndsOnLogout: the app logs out while its refresh is in flight. The
// request rejects with a SessionExpiredError, no relogin is prompted (the user chose to
// leave), no tokens come back, and 'refreshing' goes back to false, so a spinner driven
// by it stops.
func TestRefreshingEndsOnLogout(t *testing.T) {
	e := newEnv(t)
	tb := e.newTab("a")
	tb.open()
	tb.setup("")
	tb.do("listen", `
window.seq = [];
auth.on('refreshing', (d) => seq.push('refreshing:' + d.refreshing));
auth.on('relogin', (d) => seq.push('relogin:' + d.code));`)
	tb.login()
	holdRefreshAtExpiry(e, tb)
	tb.do("log out", `auth.clearTokens()`)
	e.refresh.open()
	type result struct {
		Outcome burstReply `json:"outcome"`
		Seq     []string   `json:"seq"`
		Tokens  any        `json:"tokens"`
	}
	r := eval[result](tb, "the request's end", `const o = await pending; await new Promise(r => setTimeout(r, 50));
return { outcome: o.ok ? { ok: true } : o, seq, tokens: auth.getTokens() }`)
	if r.Outcome.OK || r.Outcome.Error == nil || r.Outcome.Error.Name != "SessionExpiredError" {
		t.Errorf("the request during the logout: %+v, want a SessionExpiredError", r.Outcome)
	}
	if want := []string{"refreshing:true", "refreshing:false"}; !slices.Equal(r.Seq, want) {
		t.Errorf("events %q, want %q (no relogin after a logout, and the refresh ends)", r.Seq, want)
	}
	if r.Tokens != nil {
		t.Errorf("tokens after the logout: %v, want none", r.Tokens)
	}
}
