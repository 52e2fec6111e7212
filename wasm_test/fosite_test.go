package wasm_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ory/fosite"
	"github.com/ory/fosite/compose"
	"github.com/ory/fosite/storage"
)

// fositeServer is ory/fosite v0.49.0, a second OAuth 2.0 authorization server: refresh
// tokens rotate, and presenting a spent one is reuse, which revokes the whole grant. Its
// access tokens are opaque (HMAC); expiry is decided at the resource route, which refuses
// the tokens the test has expired as a resource server would refuse expired ones.
type fositeServer struct {
	provider fosite.OAuth2Provider
	store    *storage.MemoryStore
	refresh  atomic.Int64
	mu       sync.Mutex
	issued   []string        // access tokens issued
	expired  map[string]bool // access tokens the test expired
}

func newFositeServer(t *testing.T) *fositeServer {
	store := storage.NewMemoryStore()
	store.Clients["spa"] = &fosite.DefaultClient{
		ID: "spa", Public: true,
		GrantTypes: []string{"password", "refresh_token"}, ResponseTypes: []string{"token"},
		Scopes: []string{"offline_access", "offline"},
	}
	store.Users["demo"] = storage.MemoryUserRelation{Username: "demo", Password: "demo"}
	cfg := &fosite.Config{
		AccessTokenLifespan:  time.Hour,
		RefreshTokenLifespan: 24 * time.Hour,
		GlobalSecret:         []byte("a 32 byte secret for fosite tests"),
	}
	return &fositeServer{
		provider: compose.ComposeAllEnabled(cfg, store, nil),
		store:    store,
		expired:  map[string]bool{},
	}
}

func (f *fositeServer) mount(mux *http.ServeMux) {
	mux.HandleFunc("POST /fosite/token", func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if r.FormValue("grant_type") == "refresh_token" {
			f.refresh.Add(1)
		}
		ar, err := f.provider.NewAccessRequest(ctx, r, &fosite.DefaultSession{})
		if err != nil {
			f.provider.WriteAccessError(ctx, w, ar, err)
			return
		}
		for _, scope := range ar.GetRequestedScopes() {
			ar.GrantScope(scope)
		}
		resp, err := f.provider.NewAccessResponse(ctx, ar)
		if err != nil {
			f.provider.WriteAccessError(ctx, w, ar, err)
			return
		}
		f.mu.Lock()
		f.issued = append(f.issued, resp.GetAccessToken())
		f.mu.Unlock()
		f.provider.WriteAccessResponse(ctx, w, ar, resp)
	})
	mux.HandleFunc("GET /fosite/res/info", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		token := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		f.mu.Lock()
		expired := f.expired[token]
		f.mu.Unlock()
		_, ar, err := f.provider.IntrospectToken(r.Context(), token, fosite.AccessToken, &fosite.DefaultSession{})
		if err != nil || expired {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"error":"invalid_token"}`)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]string{"client": ar.GetClient().GetID()})
	})
}

// expire makes every access token issued so far refused at the resource route.
func (f *fositeServer) expire() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, a := range f.issued {
		f.expired[a] = true
	}
}

// kill revokes every refresh token (and expires the access tokens).
func (f *fositeServer) kill() {
	f.expire()
	var ids []string
	for id := range f.store.RefreshTokenRequestIDs {
		ids = append(ids, id)
	}
	for _, id := range ids {
		_ = f.store.RevokeRefreshToken(context.Background(), id)
	}
}

// TestOAuth2PresetFosite: preset "oauth2" against ory/fosite, a second authorization
// server with stricter rotation than go-oauth2's: a spent refresh token presented again
// revokes the grant, so one duplicated refresh would log the user out.
func TestOAuth2PresetFosite(t *testing.T) {
	f := newFositeServer(t)
	e, _ := newEnvWith(t, "", f.mount)
	runProtocol(t, e, protocolCase{
		options: `{ baseURL: '/fosite/res', preset: 'oauth2', refreshURL: '/fosite/token', clientId: 'spa' }`,
		login: `const r = await fetch('/fosite/token', { method: 'POST', body: new URLSearchParams({ grant_type: 'password', username: 'demo', password: 'demo', client_id: 'spa', scope: 'offline_access' }) });
const j = await r.json(); if (!j.access_token || !j.refresh_token) throw new Error('login: ' + JSON.stringify(j));
auth.setTokens({ accessToken: j.access_token, refreshToken: j.refresh_token, expiresIn: j.expires_in });`,
		resource:     "/info",
		refreshCalls: f.refresh.Load,
		expire:       f.expire,
		kill:         f.kill,
	})
}
