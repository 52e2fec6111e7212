package refresh

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// TestOAuth2RefreshReply: under preset "oauth2" the reply is read as RFC 6749 §5 says: the
// new access_token, refresh_token (the old one kept when absent) and expires_in;
// invalid_grant on 400 or 401 means log in again, any other error or status is a failure
// that keeps the tokens.
func TestOAuth2RefreshReply(t *testing.T) {
	c := mustClient(t, WithPreset(PresetOAuth2), WithRefreshURL("/token"), WithClient("spa", ""))
	old := Tokens{AccessToken: "a0", RefreshToken: "r0"}
	tests := []struct {
		name    string
		status  int
		body    string
		outcome outcome
		tokens  Tokens
	}{
		{"rotated", 200, `{"access_token":"a1","token_type":"Bearer","expires_in":3600,"refresh_token":"r1"}`, renewed, Tokens{AccessToken: "a1", RefreshToken: "r1", Lifetime: 3600_000}},
		{"no new refresh token", 200, `{"access_token":"a1","token_type":"Bearer","expires_in":"60"}`, renewed, Tokens{AccessToken: "a1", RefreshToken: "r0", Lifetime: 60_000}},
		{"no expires_in", 200, `{"access_token":"a1","token_type":"Bearer"}`, renewed, Tokens{AccessToken: "a1", RefreshToken: "r0"}},
		{"invalid_grant 400", 400, `{"error":"invalid_grant","error_description":"expired"}`, relogin, Tokens{}},
		{"invalid_grant 401", 401, `{"error":"invalid_grant"}`, relogin, Tokens{}},
		{"invalid_client 401", 401, `{"error":"invalid_client"}`, failed, Tokens{}},
		{"unsupported_grant_type 400", 400, `{"error":"unsupported_grant_type"}`, failed, Tokens{}},
		{"invalid_grant on 500", 500, `{"error":"invalid_grant"}`, failed, Tokens{}},
		{"503", 503, `upstream down`, failed, Tokens{}},
	}
	for _, tt := range tests {
		r := c.readRefreshReply(&Response{Status: tt.status, Body: []byte(tt.body)}, old)
		if r.outcome != tt.outcome || r.tokens != tt.tokens || (r.outcome != renewed && r.cause == nil) {
			t.Errorf("%s: outcome %v tokens %+v cause %v; want %v %+v", tt.name, r.outcome, r.tokens, r.cause, tt.outcome, tt.tokens)
		}
	}
}

// TestNoRefreshTokenInJavaScript: under refreshTokenIn "cookie" and "accessToken" (sliding)
// no refresh token is stored, from setTokens or from a reply that carries one anyway, and
// a pair with an access token alone can still be refreshed.
func TestNoRefreshTokenInJavaScript(t *testing.T) {
	for _, opts := range [][]Option{
		{WithRefreshURL("/api/refreshJwt"), WithRefreshToken(InCookie, "")},
		{WithBaseURL("/api"), WithPreset(PresetSliding)},
	} {
		c := mustClient(t, opts...)
		if err := c.SetTokens(Tokens{AccessToken: "a0", RefreshToken: "leaked"}); err != nil {
			t.Fatal(err)
		}
		if got := mustLoad(t, c.store); got.RefreshToken != "" {
			t.Errorf("%s: setTokens stored a refresh token", c.cfg.refreshTokenIn)
		}
		body := `{"code":0,"data":{"token":"a1","refreshToken":"leaked"},"token":"a1"}`
		if r := c.readRefreshReply(&Response{Status: 200, Body: []byte(body)}, Tokens{AccessToken: "a0"}); r.outcome != renewed || r.tokens.RefreshToken != "" {
			t.Errorf("%s: reply read as %v %+v, want renewed without a refresh token", c.cfg.refreshTokenIn, r.outcome, r.tokens)
		}
		if !c.canRefresh(Tokens{AccessToken: "a0"}) {
			t.Errorf("%s: a pair without a refresh token cannot be refreshed", c.cfg.refreshTokenIn)
		}
	}
}

// TestOpaqueTokenRefreshedEarly: an access token that is not a JWT is refreshed before it
// expires by the lifetime the server gave with it (expires_in), from setTokens and from the
// refresh reply: a quarter of a 60 s lifetime before its end, once per token.
func TestOpaqueTokenRefreshedEarly(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	clock := func() time.Time { return now }
	calls := 0
	transport := TransportFunc(func(context.Context, *Request) (*Response, error) {
		calls++
		return &Response{Status: 200, Body: fmt.Appendf(nil, `{"access_token":"opaque-%d","expires_in":60}`, calls)}, nil
	})
	c, err := New(&MemoryStore{}, transport, WithPreset(PresetOAuth2), WithRefreshURL("/token"), WithClient("spa", ""), WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SetTokens(Tokens{AccessToken: "opaque-0", RefreshToken: "r", Lifetime: 60_000}); err != nil {
		t.Fatal(err)
	}
	var sent []string
	send := func(_ context.Context, h Header) (Reply, error) {
		sent = append(sent, h.Value)
		return Reply{Status: 200}, nil
	}
	for range 100 { // 100 requests over 150 s, 1.5 s apart
		if _, err := c.Do(context.Background(), "x", send); err != nil {
			t.Fatal(err)
		}
		now = now.Add(1500 * time.Millisecond)
	}
	if calls != 3 {
		t.Errorf("refresh calls = %d over 150 s of 60 s tokens, want 3 (at 45, 90 and 135 s)", calls)
	}
	if sent[0] != "Bearer opaque-0" || sent[len(sent)-1] != fmt.Sprintf("Bearer opaque-%d", calls) {
		t.Errorf("sent %q first and %q last", sent[0], sent[len(sent)-1])
	}
}
