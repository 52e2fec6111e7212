package server

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestNewConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		cfg       Config
		wantErr   error
		wantField string
	}{
		{"zero value", Config{}, nil, ""},
		{"negative AccessTTL", Config{AccessTTL: -time.Second}, ErrNegativeTTL, "Config.AccessTTL"},
		{"negative RefreshTTL", Config{RefreshTTL: -1}, ErrNegativeTTL, "Config.RefreshTTL"},
		{"short key", Config{Key: []byte("secret")}, ErrShortKey, "Config.Key"},
		{"32-byte key", Config{Key: []byte(strings.Repeat("k", 32))}, nil, ""},
		{"empty user name", Config{Users: map[string]string{"": "x"}}, ErrEmptyUsername, "Config.Users"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New(tt.cfg)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("New: %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				if !strings.Contains(err.Error(), tt.wantField) {
					t.Errorf("error %q does not name %s", err, tt.wantField)
				}
				return
			}
			if s.cfg.AccessTTL != DefaultAccessTTL || s.cfg.RefreshTTL != DefaultRefreshTTL {
				t.Errorf("TTLs %v, %v: defaults not applied", s.cfg.AccessTTL, s.cfg.RefreshTTL)
			}
		})
	}
}

func TestIssuePairEmptySubject(t *testing.T) {
	t.Parallel()
	s, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.IssuePair(""); !errors.Is(err, ErrEmptySubject) {
		t.Fatalf("IssuePair(\"\"): %v, want ErrEmptySubject", err)
	}
}

func TestLogin(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{Users: map[string]string{"demo": "demo", "ann": "s3cret"}}, nil)
	tests := []struct {
		name         string
		method, body string
		status, code int
	}{
		{"demo", "POST", `{"username":"demo","password":"demo"}`, 200, CodeOK},
		{"second user", "POST", `{"username":"ann","password":"s3cret"}`, 200, CodeOK},
		{"wrong password", "POST", `{"username":"demo","password":"nope"}`, 200, CodeWrongCredentials},
		{"unknown user", "POST", `{"username":"bob","password":"demo"}`, 200, CodeWrongCredentials},
		{"empty object", "POST", `{}`, 200, CodeWrongCredentials},
		{"no body", "POST", ``, 400, CodeBadRequest},
		{"bad JSON", "POST", `{"username":`, 400, CodeBadRequest},
		{"trailing data", "POST", `{"username":"demo","password":"demo"} x`, 400, CodeBadRequest},
		{"wrong type", "POST", `{"username":"demo","password":42}`, 400, CodeBadRequest},
		{"not an object", "POST", `["demo","demo"]`, 400, CodeBadRequest},
		{"oversized", "POST", `{"username":"` + strings.Repeat("a", smallBodyLimit) + `"}`, 413, CodeTooLarge},
		{"GET", "GET", ``, 405, CodeMethodNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.must(request{method: tt.method, path: "/api/login", body: []byte(tt.body)})
			wantCode(t, r, tt.status, tt.code)
			if r.Message == "" {
				t.Error("empty message")
			}
			if tt.code == CodeOK {
				p := decodeData[tokenPair](t, r)
				if p.Token == "" || p.RefreshToken == "" || p.Token == p.RefreshToken {
					t.Errorf("bad pair %+v", p)
				}
			}
			if tt.code == CodeWrongCredentials && r.Message != msgWrongCredentials {
				t.Errorf("message %q", r.Message)
			}
		})
	}
}

func TestRoutes(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{}, nil)
	tests := []struct {
		method, path string
		status, code int
		allow        string
	}{
		{"GET", "/api/nope", 404, CodeNotFound, ""},
		{"GET", "/elsewhere", 404, CodeNotFound, ""},
		{"DELETE", "/api/user/info", 405, CodeMethodNotAllowed, "GET, HEAD"},
		{"GET", "/api/refreshJwt/abc", 405, CodeMethodNotAllowed, "POST"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			r := h.must(request{method: tt.method, path: tt.path})
			wantCode(t, r, tt.status, tt.code)
			if got := r.Header.Get("Allow"); got != tt.allow {
				t.Errorf("Allow %q, want %q", got, tt.allow)
			}
			if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type %q", ct)
			}
		})
	}
}

// TestNoAdminRoutes: the product mounts none of package admin's routes.
func TestNoAdminRoutes(t *testing.T) {
	t.Parallel()
	s, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, s: s}
	h.ts = newTestServer(t, s.Handler())
	for _, path := range []string{"/api/admin/reset", "/api/admin/expire-access", "/api/admin/fail-refresh?mode=hang"} {
		wantCode(t, h.post(path, ""), http.StatusNotFound, CodeNotFound)
	}
	wantCode(t, h.get("/api/admin/stats", ""), http.StatusNotFound, CodeNotFound)
	wantCode(t, h.get("/api/hold?gate=a", ""), http.StatusNotFound, CodeNotFound)
}
