package wasm_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// TestTokensSurviveReload: the pair is in localStorage, so a new client on a reloaded page
// has it and its first request goes out authenticated, without a refresh.
func TestTokensSurviveReload(t *testing.T) {
	e := newEnv(t)
	tb := e.newTab("a")
	tb.open()
	tb.setup("")
	pair := tb.login()
	if tb.storedEntry() == nil {
		t.Errorf("no localStorage entry 'authfetch' after setTokens")
	}
	e.srv.ResetStats()

	tb.reload()
	if got := eval[bool](tb, "check the reload", `return window.auth === undefined`); !got {
		t.Fatal("window.auth survived the reload: the page was not reloaded")
	}
	tb.setup("")
	if got := tb.getTokens(); got == nil || *got != pair {
		t.Fatalf("getTokens() after the reload = %+v, want the pair set before it", got)
	}
	r := eval[burstReply](tb, "request after the reload", `return await H.settle(auth.fetch('/user/info').then(H.reply))`)
	wantAllCodeZero(t, "the request after the reload", []burstReply{r})
	e.wantStats("after the reload", map[string]int64{"RefreshCalls": 0, "Requests": 1, "ExpiredAnswers": 0, "InvalidAnswers": 0})
}

// recorder is another origin: it answers CORS preflights allowing any header, answers
// every other request {"code":0}, and records the headers of all of them.
type recorder struct {
	ts *httptest.Server
	mu sync.Mutex
	rs []recorded
}

type recorded struct {
	method, path string
	header       http.Header
}

func newRecorder(t *testing.T) *recorder {
	rec := &recorder{}
	rec.ts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.mu.Lock()
		rec.rs = append(rec.rs, recorded{r.Method, r.URL.Path, r.Header.Clone()})
		rec.mu.Unlock()
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", "*")
		if r.Method == http.MethodOptions {
			h.Set("Access-Control-Allow-Headers", "*")
			h.Set("Access-Control-Allow-Methods", "*")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		h.Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"code":0,"message":"ok"}`)
	}))
	t.Cleanup(rec.ts.Close)
	return rec
}

// requests returns what arrived for path, preflights included.
func (rec *recorder) requests(path string) []recorded {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	var out []recorded
	for _, r := range rec.rs {
		if r.path == path {
			out = append(out, r)
		}
	}
	return out
}

// TestNoTokenToOtherOrigins: a request to another origin, however its URL is spelled,
// carries no token (nor asks a preflight for one); an origin listed in allowedOrigins
// does get it, which shows the recorder would have seen a leak.
func TestNoTokenToOtherOrigins(t *testing.T) {
	e := newEnv(t)
	rec := newRecorder(t)
	other := rec.ts.URL                            // http://127.0.0.1:PORT
	hostPort := strings.TrimPrefix(other, "http:") // //127.0.0.1:PORT
	tb := e.newTab("a")
	tb.open()
	tb.setup("")
	pair := tb.login()

	// path is where each spelling lands at the recorder. The URLs that fetch reads as
	// absolute must arrive there; the spellings the URL parser cleans up (backslashes,
	// tabs, leading spaces) may instead be joined to baseURL, as axios would, and stay on
	// the page's origin: either way they must not carry the token to the other origin.
	cases := []struct {
		input, path string
		mustArrive  bool
	}{
		{fmt.Sprintf("%q", other+"/absolute"), "/absolute", true},
		{fmt.Sprintf("%q", hostPort+"/protocol-relative"), "/protocol-relative", true},
		{fmt.Sprintf("%q", other+"/api/../dot-segments"), "/dot-segments", true},
		{fmt.Sprintf("%q", other+"/api/user/info"), "/api/user/info", true},
		{fmt.Sprintf("%q", strings.Replace(other, "http:", "HTTP:", 1)+"/upper-case-scheme"), "/upper-case-scheme", true},
		{fmt.Sprintf("new URL(%q)", other+"/url-object"), "/url-object", true},
		{fmt.Sprintf("new Request(%q)", other+"/request-object"), "/request-object", true},
		{fmt.Sprintf("%q", `\\`+strings.TrimPrefix(hostPort, "//")+"/backslashes"), "/backslashes", false},
		{fmt.Sprintf("%q", `/\`+strings.TrimPrefix(hostPort, "//")+"/slash-backslash"), "/slash-backslash", false},
		{fmt.Sprintf("%q", "ht\ttp:"+hostPort+"/tab-in-scheme"), "/tab-in-scheme", false},
		{fmt.Sprintf("%q", " "+other+"/leading-space"), "/leading-space", false},
	}
	for _, c := range cases {
		r := eval[burstReply](tb, "fetch "+c.input, fmt.Sprintf(`return await H.settle(auth.fetch(%s).then(H.reply))`, c.input))
		got := rec.requests(c.path)
		if len(got) == 0 {
			if c.mustArrive {
				t.Errorf("auth.fetch(%s): nothing arrived at the other origin's %s (ok=%v status=%d error %v)", c.input, c.path, r.OK, r.Value.Status, r.Error)
			} else {
				t.Logf("auth.fetch(%s) stayed on the page's origin: HTTP %d %s %v", c.input, r.Value.Status, r.Value.Body, r.Error)
			}
			continue
		}
		for _, g := range got {
			if v := g.header.Get("X-Token"); v != "" {
				t.Errorf("auth.fetch(%s): the other origin received X-Token (%s %s)", c.input, g.method, g.path)
			}
			if v := g.header.Get("Authorization"); v != "" {
				t.Errorf("auth.fetch(%s): the other origin received Authorization (%s %s)", c.input, g.method, g.path)
			}
			if v := strings.ToLower(g.header.Get("Access-Control-Request-Headers")); strings.Contains(v, "x-token") {
				t.Errorf("auth.fetch(%s): the browser asked the other origin to accept X-Token (preflight %q)", c.input, v)
			}
		}
		wantAllCodeZero(t, "auth.fetch("+c.input+")", []burstReply{r})
	}

	// Allowed explicitly, the other origin receives the token.
	tb.do("client that allows the other origin", fmt.Sprintf(`window.auth2 = await M.createAuthFetch({ baseURL: '/api', allowedOrigins: [%q] })`, other))
	r := eval[burstReply](tb, "fetch the allowed origin", fmt.Sprintf(`return await H.settle(auth2.fetch(%q).then(H.reply))`, other+"/allowed"))
	wantAllCodeZero(t, "auth2.fetch(allowed origin)", []burstReply{r})
	var token string
	for _, g := range rec.requests("/allowed") {
		if g.method != http.MethodOptions {
			token = g.header.Get("X-Token")
		}
	}
	if token != pair.AccessToken {
		t.Errorf("with allowedOrigins [%s] the request carried X-Token %q, want the access token", other, token)
	}
}
