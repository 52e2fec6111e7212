package wasm_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	ginjwt "github.com/appleboy/gin-jwt/v2"
	"github.com/gin-gonic/gin"
	"github.com/go-oauth2/oauth2/v4"
	"github.com/go-oauth2/oauth2/v4/manage"
	"github.com/go-oauth2/oauth2/v4/models"
	oserver "github.com/go-oauth2/oauth2/v4/server"
	"github.com/go-oauth2/oauth2/v4/store"

	"github.com/authfetch/authfetch/server"
)

// The refresh protocols real backends run, each against an implementation nobody here
// wrote, started by the test beside the page: a standard OAuth 2.0 authorization server
// (go-oauth2/oauth2), sliding refresh (appleboy/gin-jwt), and the reference backend's
// HttpOnly-cookie mode. Per protocol: a burst at expiry makes 1 refresh call and every
// request is served, a second expiry 1 more, and a dead refresh credential one relogin.

// protocolCase is one backend under the common steps.
type protocolCase struct {
	options      string        // createAuthFetch options (beside onRelogin)
	login        string        // JS that logs in and calls auth.setTokens
	resource     string        // the path requests go to, relative to baseURL
	refreshCalls func() int64  // refresh calls the backend received
	expire       func()        // make the access tokens in use expire
	kill         func()        // make the refresh credential dead (and the access token expired)
	check        func(tb *tab) // protocol-specific checks after the first refresh
}

// runProtocol runs the common steps against c.
func runProtocol(t *testing.T, e *env, c protocolCase) {
	tb := e.newTab("a")
	tb.open()
	tb.setup(c.options)
	tb.do("log in", c.login)
	served := func(name string, n int) []burstReply {
		t.Helper()
		tb.startBurst(name, "", n, 0, fmt.Sprintf(`(i, tag) => auth.fetch(%q + '?' + tag)`, c.resource))
		replies := tb.awaitBurst(name)
		for i, r := range replies {
			if !r.OK || r.Value.Status != 200 {
				t.Fatalf("%s: request %d of %d: %+v", name, i, n, r)
			}
		}
		return replies
	}
	served("warm", 5)
	if got := c.refreshCalls(); got != 0 {
		t.Fatalf("%d refresh calls before any expiry", got)
	}
	c.expire()
	served("first expiry", 40)
	if got := c.refreshCalls(); got != 1 {
		t.Errorf("refresh calls after a burst of 40 at expiry = %d, want 1", got)
	}
	if c.check != nil {
		c.check(tb)
	}
	c.expire()
	served("second expiry", 20)
	if got := c.refreshCalls(); got != 2 {
		t.Errorf("refresh calls after the second expiry = %d, want 2", got)
	}
	c.kill()
	tb.startBurst("dead", "", 20, 0, fmt.Sprintf(`(i, tag) => auth.fetch(%q + '?' + tag)`, c.resource))
	for i, r := range tb.awaitBurst("dead") {
		if r.OK || r.Error == nil || r.Error.Name != "SessionExpiredError" {
			t.Fatalf("dead credential: request %d: %+v, want a SessionExpiredError", i, r)
		}
	}
	if n := eval[int](tb, "relogin prompts", `return window.relogins`); n != 1 {
		t.Errorf("relogin prompts after the refresh credential died = %d, want 1", n)
	}
	if got := tb.getTokens(); got != nil {
		t.Errorf("tokens after the session died: %+v", got)
	}
}

// oauthServer is go-oauth2/oauth2 v4.5.4 with refresh-token rotation (each refresh token
// is single-use), a public client "spa", the password grant for the login, and a resource
// route that takes its bearer tokens. Its tokens are opaque: expires_in drives the client.
type oauthServer struct {
	srv      *oserver.Server
	manager  *manage.Manager
	refresh  atomic.Int64
	mu       sync.Mutex
	accesses []string // every access token issued
	refreshs []string // every refresh token issued
}

func newOAuthServer(t *testing.T) *oauthServer {
	o := &oauthServer{manager: manage.NewDefaultManager()}
	o.manager.MustTokenStorage(store.NewMemoryTokenStore())
	clients := store.NewClientStore()
	if err := clients.Set("spa", &models.Client{ID: "spa", Public: true}); err != nil {
		t.Fatal(err)
	}
	o.manager.MapClientStorage(clients)
	o.manager.SetPasswordTokenCfg(&manage.Config{AccessTokenExp: time.Hour, RefreshTokenExp: 24 * time.Hour, IsGenerateRefresh: true})
	o.manager.SetRefreshTokenCfg(&manage.RefreshingConfig{
		AccessTokenExp: time.Hour, RefreshTokenExp: 24 * time.Hour,
		IsGenerateRefresh: true, IsRemoveAccess: true, IsRemoveRefreshing: true, IsResetRefreshTime: true,
	})
	o.srv = oserver.NewServer(&oserver.Config{TokenType: "Bearer", AllowedGrantTypes: []oauth2.GrantType{oauth2.PasswordCredentials, oauth2.Refreshing}}, o.manager)
	o.srv.SetClientInfoHandler(oserver.ClientFormHandler)
	o.srv.SetPasswordAuthorizationHandler(func(_ context.Context, _, username, password string) (string, error) {
		if username == "demo" && password == "demo" {
			return "user-demo", nil
		}
		return "", nil
	})
	return o
}

func (o *oauthServer) mount(mux *http.ServeMux) {
	mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
		if r.FormValue("grant_type") == "refresh_token" {
			o.refresh.Add(1)
		}
		rec := &captured{ResponseWriter: w}
		_ = o.srv.HandleTokenRequest(rec, r)
		var reply struct {
			Access  string `json:"access_token"`
			Refresh string `json:"refresh_token"`
		}
		if json.Unmarshal(rec.body, &reply) == nil && reply.Access != "" {
			o.mu.Lock()
			o.accesses = append(o.accesses, reply.Access)
			o.refreshs = append(o.refreshs, reply.Refresh)
			o.mu.Unlock()
		}
	})
	mux.HandleFunc("GET /oauth/res/info", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		ti, err := o.srv.ValidationBearerToken(r)
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"error":"invalid_token"}`)
			return
		}
		fmt.Fprintf(w, `{"user":%q}`, ti.GetUserID())
	})
}

// expire removes every access token issued so far, as their expiry would.
func (o *oauthServer) expire() {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, a := range o.accesses {
		_ = o.manager.RemoveAccessToken(context.Background(), a)
	}
}

// kill revokes every refresh token issued so far, and expires the access tokens.
func (o *oauthServer) kill() {
	o.expire()
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, r := range o.refreshs {
		_ = o.manager.RemoveRefreshToken(context.Background(), r)
	}
}

// captured is a ResponseWriter that keeps a copy of the body.
type captured struct {
	http.ResponseWriter
	body []byte
}

func (c *captured) Write(b []byte) (int, error) {
	c.body = append(c.body, b...)
	return c.ResponseWriter.Write(b)
}

// TestOAuth2Preset: preset "oauth2" against go-oauth2/oauth2, an RFC 6749 authorization
// server with refresh-token rotation: the refresh grant is form-encoded with the client
// id, a single-use refresh token is never presented twice (a second presentation would
// be answered invalid_grant and log the user out), invalid_grant is "log in again", and
// the opaque access token's expires_in is kept with the pair.
func TestOAuth2Preset(t *testing.T) {
	o := newOAuthServer(t)
	e, _ := newEnvWith(t, "", o.mount)
	runProtocol(t, e, protocolCase{
		options: `{ baseURL: '/oauth/res', preset: 'oauth2', refreshURL: '/oauth/token', clientId: 'spa' }`,
		login: `const r = await fetch('/oauth/token', { method: 'POST', body: new URLSearchParams({ grant_type: 'password', username: 'demo', password: 'demo', client_id: 'spa' }) });
const j = await r.json(); if (!j.access_token) throw new Error('login: ' + JSON.stringify(j));
auth.setTokens({ accessToken: j.access_token, refreshToken: j.refresh_token, expiresIn: j.expires_in });`,
		resource:     "/info",
		refreshCalls: o.refresh.Load,
		expire:       o.expire,
		kill:         o.kill,
		check: func(tb *tab) {
			entry, _ := json.Marshal(tb.storedEntry())
			var stored struct {
				Lifetime int64 `json:"lifetime"`
			}
			if json.Unmarshal(entry, &stored); stored.Lifetime != 3600_000 {
				tb.e.t.Errorf("the refreshed pair's lifetime = %d ms, want expires_in 3600 s", stored.Lifetime)
			}
		},
	})
}

// TestSlidingPreset: preset "sliding" against appleboy/gin-jwt: the expired access token
// refreshes itself at /refresh_token within MaxRefresh, and past it the session is over.
// The server's clock is the test's, moved forward to expire tokens.
func TestSlidingPreset(t *testing.T) {
	gin.SetMode(gin.ReleaseMode)
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	var refreshes atomic.Int64
	mw, err := ginjwt.New(&ginjwt.GinJWTMiddleware{
		Realm: "test", Key: []byte("sliding test key"), Timeout: time.Hour, MaxRefresh: 3 * time.Hour,
		IdentityKey: "id", TimeFunc: clock,
		PayloadFunc: func(data any) ginjwt.MapClaims { return ginjwt.MapClaims{"id": data} },
		Authenticator: func(c *gin.Context) (any, error) {
			var login struct{ Username, Password string }
			if err := c.ShouldBindJSON(&login); err != nil || login.Username != "demo" || login.Password != "demo" {
				return nil, ginjwt.ErrFailedAuthentication
			}
			return "demo", nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	r := gin.New()
	g := r.Group("/sliding")
	g.POST("/login", mw.LoginHandler)
	g.GET("/refresh_token", func(c *gin.Context) { refreshes.Add(1); mw.RefreshHandler(c) })
	g.Use(mw.MiddlewareFunc())
	g.GET("/info", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"user": ginjwt.ExtractClaims(c)["id"]}) })
	e, _ := newEnvWith(t, "", func(mux *http.ServeMux) { mux.Handle("/sliding/", r) })
	runProtocol(t, e, protocolCase{
		options: `{ baseURL: '/sliding', preset: 'sliding' }`,
		login: `const r = await fetch('/sliding/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'demo', password: 'demo' }) });
const j = await r.json(); if (!j.token) throw new Error('login: ' + JSON.stringify(j));
auth.setTokens({ accessToken: j.token });`,
		resource:     "/info",
		refreshCalls: refreshes.Load,
		expire:       func() { advance(61 * time.Minute) },
		kill:         func() { advance(4 * time.Hour) },
	})
}

// TestCookieRefreshToken: refreshTokenIn 'cookie' against the reference backend in cookie
// mode (an HttpOnly, SameSite=Strict cookie whose Path is the refresh route): the same
// rotation, reuse detection and grace, and no refresh token is readable from JavaScript,
// neither through getTokens nor in localStorage nor in document.cookie.
func TestCookieRefreshToken(t *testing.T) {
	e, _ := newEnvConfig(t, server.Config{RefreshCookie: true}, "", nil)
	noRefreshTokenInJS := func(tb *tab) {
		type seen struct {
			Tokens  *tokens `json:"tokens"`
			Entry   string  `json:"entry"`
			Cookies string  `json:"cookies"`
		}
		s := eval[seen](tb, "what JavaScript can read", `return { tokens: auth.getTokens(), entry: localStorage.getItem('authfetch') ?? '', cookies: document.cookie }`)
		if s.Tokens == nil || s.Tokens.RefreshToken != "" || s.Cookies != "" || containsField(s.Entry, "refreshToken") {
			tb.e.t.Errorf("a refresh token is readable from JavaScript: getTokens %+v, localStorage %q, document.cookie %q", s.Tokens, s.Entry, s.Cookies)
		}
	}
	runProtocol(t, e, protocolCase{
		options: `{ refreshURL: '{baseURL}/refreshJwt', refreshTokenIn: 'cookie' }`,
		login: `const r = await fetch('/api/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'demo', password: 'demo' }) });
const j = await r.json(); if (j.code !== 0) throw new Error('login: ' + JSON.stringify(j));
if (j.data.refreshToken) throw new Error('the login reply carries a refresh token in cookie mode');
auth.setTokens({ accessToken: j.data.token });`,
		resource:     "/user/info",
		refreshCalls: func() int64 { return e.srv.Stats().RefreshCalls },
		expire:       e.srv.ExpireAccessTokens,
		kill:         func() { e.srv.RevokeRefreshTokens(); e.srv.ExpireAccessTokens() },
		check:        noRefreshTokenInJS,
	})
}

// containsField reports whether the JSON object text has a non-empty string field name.
func containsField(text, name string) bool {
	var m map[string]any
	if json.Unmarshal([]byte(text), &m) != nil {
		return false
	}
	s, _ := m[name].(string)
	return s != ""
}
