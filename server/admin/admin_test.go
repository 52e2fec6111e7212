package admin

import (
	"github.com/authfetch/authfetch/server"
	"net/http"
	"testing"
)

// TestAdminRefusesCrossSiteRequests: a page on another site can send a simple POST (a
// form, fetch with mode no-cors) but no custom header. The admin routes that change state
// demand Header, so such a POST changes nothing; the demo page and tests send it.
func TestAdminRefusesCrossSiteRequests(t *testing.T) {
	t.Parallel()
	h := newHarness(t, server.Config{}, nil)
	p := h.login("demo", "demo")
	for _, path := range []string{"/api/admin/expire-access", "/api/admin/revoke-refresh", "/api/admin/fail-refresh?mode=500", "/api/admin/reset", "/api/admin/release?gate=a"} {
		r := h.post(path, "")
		wantCode(t, r, http.StatusForbidden, server.CodeForbidden)
	}
	wantCode(t, h.get("/api/user/info", p.Token), 200, server.CodeOK)
	wantCode(t, h.refresh(p.RefreshToken), 200, server.CodeOK)

	// A header with another value, or a cross-site Origin, is refused too.
	wantCode(t, h.must(request{method: "POST", path: "/api/admin/expire-access", header: map[string]string{Header: "0"}}), http.StatusForbidden, server.CodeForbidden)
	wantCode(t, h.must(request{method: "POST", path: "/api/admin/expire-access",
		header: map[string]string{Header: "1", "Origin": "https://evil.example"}}), http.StatusForbidden, server.CodeForbidden)
	wantCode(t, h.admin("expire-access"), 200, server.CodeOK)
	wantCode(t, h.get("/api/user/info", p.Token), 200, server.CodeTokenExpired)
}
