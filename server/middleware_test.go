package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func TestProtectedRoute(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{AccessTTL: time.Minute}, nil)
	other := newHarness(t, Config{}, nil) // another key
	pair := h.login("demo", "demo")
	foreign := other.login("demo", "demo")
	none, err := jwt.NewWithClaims(jwt.SigningMethodNone, &claims{
		RegisteredClaims: jwt.RegisteredClaims{ID: "x", Subject: "demo", ExpiresAt: jwt.NewNumericDate(h.clock.Now().Add(time.Hour))},
		Kind:             kindAccess, SID: "x", Gen: 1,
	}).SignedString(jwt.UnsafeAllowNoneSignatureType)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name   string
		header map[string]string
		before func() // runs before the request
		code   int
		msg    string
	}{
		{"X-Token", map[string]string{"X-Token": pair.Token}, nil, CodeOK, msgOK},
		{"Bearer", map[string]string{"Authorization": "Bearer " + pair.Token}, nil, CodeOK, msgOK},
		{"bearer lower case", map[string]string{"Authorization": "bearer " + pair.Token}, nil, CodeOK, msgOK},
		{"missing", nil, nil, CodeInvalidToken, msgMissingToken},
		{"Basic scheme", map[string]string{"Authorization": "Basic ZGVtbzpkZW1v"}, nil, CodeInvalidToken, msgMissingToken},
		{"malformed", map[string]string{"X-Token": "not.a.jwt"}, nil, CodeInvalidToken, msgInvalidToken},
		{"bad signature", map[string]string{"X-Token": foreign.Token}, nil, CodeInvalidToken, msgInvalidToken},
		{"alg none", map[string]string{"X-Token": none}, nil, CodeInvalidToken, msgInvalidToken},
		{"refresh token as access", map[string]string{"X-Token": pair.RefreshToken}, nil, CodeInvalidToken, msgInvalidToken},
		// Order matters from here: the clock moves and generations bump.
		{"expired by the clock", map[string]string{"X-Token": pair.Token}, func() { h.clock.Advance(time.Minute) }, CodeTokenExpired, msgTokenExpired},
		{"expired and forged", map[string]string{"X-Token": foreign.Token}, func() { other.clock.Advance(time.Hour) }, CodeInvalidToken, msgInvalidToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.before != nil {
				tt.before()
			}
			r := h.must(request{method: "GET", path: "/api/user/info", header: tt.header})
			wantCode(t, r, http.StatusOK, tt.code)
			if r.Message != tt.msg {
				t.Errorf("message %q, want %q", r.Message, tt.msg)
			}
			if tt.code == CodeOK {
				info := decodeData[userInfo](t, r)
				if info.Name != "demo" || len(info.Roles) != 1 || info.Roles[0] != "admin" {
					t.Errorf("user info %+v", info)
				}
			}
		})
	}
}

func TestExpireAccessTokens(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{}, nil)
	before := h.login("demo", "demo")
	access, _, err := h.s.IssuePair("ann")
	if err != nil {
		t.Fatal(err)
	}
	h.s.ExpireAccessTokens()
	wantCode(t, h.get("/api/user/info", before.Token), 200, CodeTokenExpired)
	wantCode(t, h.get("/api/user/info", access), 200, CodeTokenExpired)

	after := h.login("demo", "demo")
	wantCode(t, h.get("/api/user/info", after.Token), 200, CodeOK)

	// The refresh token survives the access token, and its new access token is valid.
	r := h.refresh(before.RefreshToken)
	wantCode(t, r, 200, CodeOK)
	wantCode(t, h.get("/api/user/info", decodeData[tokenPair](t, r).Token), 200, CodeOK)

	h.s.ExpireAccessTokens()
	wantCode(t, h.get("/api/user/info", after.Token), 200, CodeTokenExpired)
}

func TestEcho(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{}, nil)
	token := h.login("demo", "demo").Token

	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	_ = mw.WriteField("name", "value")
	fw, _ := mw.CreateFormFile("file", "a.bin")
	_, _ = fw.Write([]byte{0, 1, 2, 0xff})
	_ = mw.Close()
	binary := make([]byte, 256)
	for i := range binary {
		binary[i] = byte(i)
	}

	tests := []struct {
		name, method, query, contentType string
		body                             []byte
	}{
		{"GET no body", "GET", "a=1&b=%20", "", nil},
		{"JSON", "POST", "", "application/json", []byte(`{"x":[1,2,3],"s":"é"}`)},
		{"FormData", "PUT", "", mw.FormDataContentType(), form.Bytes()},
		{"binary", "PATCH", "", "application/octet-stream", binary},
		{"DELETE", "DELETE", "id=7", "", nil},
		{"1 MiB", "POST", "", "text/plain", bytes.Repeat([]byte("a"), echoBodyLimit)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hdr := map[string]string{"X-Token": token}
			if tt.contentType != "" {
				hdr["Content-Type"] = tt.contentType
			}
			path := "/api/echo"
			if tt.query != "" {
				path += "?" + tt.query
			}
			r := h.must(request{method: tt.method, path: path, header: hdr, body: tt.body})
			wantCode(t, r, 200, CodeOK)
			e := decodeData[echoData](t, r)
			sum := sha256.Sum256(tt.body)
			want := echoData{
				Method: tt.method, ContentType: tt.contentType, Body: e.Body,
				BodySHA256: hex.EncodeToString(sum[:]), BodyLength: len(tt.body),
				Query: tt.query, User: "demo",
			}
			if e != want {
				t.Errorf("echo %+v,\nwant %+v", e, want)
			}
			// JSON strings are UTF-8: each invalid byte arrives as U+FFFD.
			wantBody := strings.Map(func(r rune) rune { return r }, string(tt.body))
			if e.Body != wantBody {
				t.Errorf("body %q, want %q", e.Body, wantBody)
			}
		})
	}

	t.Run("oversized", func(t *testing.T) {
		r := h.must(request{method: "POST", path: "/api/echo", header: map[string]string{"X-Token": token},
			body: bytes.Repeat([]byte("a"), echoBodyLimit+1)})
		wantCode(t, r, http.StatusRequestEntityTooLarge, CodeTooLarge)
	})
	t.Run("no token", func(t *testing.T) {
		wantCode(t, h.post("/api/echo", "x"), 200, CodeInvalidToken)
	})
}

func TestMiddleware(t *testing.T) {
	t.Parallel()
	s, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /mine", s.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sub, ok := Subject(r.Context())
		fmt.Fprintf(w, "%s %v", sub, ok)
	})))
	h := &harness{t: t, s: s, ts: newTestServer(t, mux)}
	access, _, err := s.IssuePair("ann")
	if err != nil {
		t.Fatal(err)
	}
	if r := h.get("/mine", access); string(r.Raw) != "ann true" {
		t.Errorf("with token: %s", r.Raw)
	}
	wantCode(t, h.get("/mine", ""), 200, CodeInvalidToken)
	if _, ok := Subject(t.Context()); ok {
		t.Error("Subject of a bare context")
	}
}
