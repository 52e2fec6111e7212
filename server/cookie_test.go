package server

import (
	"net/http"
	"testing"
)

// TestRefreshCookie: in cookie mode the refresh token travels only in an HttpOnly,
// SameSite=Strict cookie scoped to the refresh route: the login and refresh replies carry
// none in JSON, a refresh reads the cookie and replaces it, a spent cookie presented again
// after the grace window is reuse (10007, and the cookie is removed), and a refresh without
// the cookie is 10007.
func TestRefreshCookie(t *testing.T) {
	h := newHarness(t, Config{RefreshCookie: true, RefreshGrace: -1}, nil)
	cookieOf := func(r result) *http.Cookie {
		t.Helper()
		for _, c := range (&http.Response{Header: r.Header}).Cookies() {
			if c.Name == refreshCookie {
				return c
			}
		}
		t.Fatalf("no %s cookie in the reply (Set-Cookie %q)", refreshCookie, r.Header.Values("Set-Cookie"))
		return nil
	}
	login := h.post("/api/login", `{"username":"demo","password":"demo"}`)
	if pair := decodeData[tokenPair](t, login); pair.Token == "" || pair.RefreshToken != "" {
		t.Fatalf("login reply %s: want an access token and no refresh token", login.Raw)
	}
	first := cookieOf(login)
	if !first.HttpOnly || first.SameSite != http.SameSiteStrictMode || first.Path != "/api/refreshJwt" || first.MaxAge <= 0 || first.Value == "" {
		t.Errorf("login cookie %+v: want HttpOnly, SameSite=Strict, Path=/api/refreshJwt, a lifetime", first)
	}
	withCookie := func(c *http.Cookie) result {
		return h.must(request{method: "POST", path: "/api/refreshJwt", header: map[string]string{"Cookie": c.Name + "=" + c.Value}})
	}
	r := withCookie(first)
	if pair := decodeData[tokenPair](t, r); r.Code != CodeOK || pair.Token == "" || pair.RefreshToken != "" {
		t.Fatalf("refresh with the cookie: %s", r.Raw)
	}
	if next := cookieOf(r); next.Value == first.Value || next.MaxAge <= 0 {
		t.Errorf("the refresh did not replace the cookie: %+v", next)
	}
	r = withCookie(first) // spent, no grace: reuse
	if r.Code != CodeRelogin || cookieOf(r).MaxAge >= 0 {
		t.Errorf("the spent cookie again: code %d, cookie %+v; want 10007 and the cookie removed", r.Code, cookieOf(r))
	}
	if r := h.post("/api/refreshJwt", ""); r.Code != CodeRelogin {
		t.Errorf("a refresh without the cookie: %s, want 10007", r.Raw)
	}
}
