package refresh

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func mustClient(t *testing.T, opts ...Option) *Client {
	t.Helper()
	c, err := New(&MemoryStore{}, TransportFunc(nil), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestClassify(t *testing.T) {
	def := mustClient(t)
	bearer := mustClient(t, WithExpiredCodes(), WithExpiredStatuses(401, 419))
	tests := []struct {
		name   string
		c      *Client
		reply  Reply
		expect Verdict
	}{
		{"default 50014", def, Reply{Status: 200, Code: 50014, HasCode: true}, Expired},
		{"default 401", def, Reply{Status: 401}, Expired},
		{"default ok", def, Reply{Status: 200, Code: 0, HasCode: true}, PassThrough},
		{"default business error", def, Reply{Status: 200, Code: 50008, HasCode: true}, PassThrough},
		{"default 500", def, Reply{Status: 500}, PassThrough},
		{"default 403", def, Reply{Status: 403}, PassThrough},
		{"code without HasCode", def, Reply{Status: 200, Code: 50014}, PassThrough},
		{"bearer 419", bearer, Reply{Status: 419}, Expired},
		{"bearer ignores codes", bearer, Reply{Status: 200, Code: 50014, HasCode: true}, PassThrough},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.c.Judge("", tt.reply); got != tt.expect {
				t.Errorf("Judge(%+v) = %v, want %v", tt.reply, got, tt.expect)
			}
		})
	}
	if bearer.NeedsBodyCode() || !def.NeedsBodyCode() {
		t.Error("NeedsBodyCode must follow expiredCodes")
	}
}

func TestBodyCode(t *testing.T) {
	nested := mustClient(t, WithCodePath("meta.status"))
	tests := []struct {
		body   string
		c      *Client
		code   int
		hasOne bool
	}{
		{`{"code":50014,"message":"expired"}`, nil, 50014, true},
		{`{"code":"50014"}`, nil, 50014, true},
		{`{"code":" 7 "}`, nil, 7, true},
		{`{"code":0,"data":{"code":9}}`, nil, 0, true},
		{`{"code":5.0}`, nil, 5, true},
		{`{"code":5.5}`, nil, 0, false},
		{`{"code":1e99}`, nil, 0, false},
		{`{"code":null}`, nil, 0, false},
		{`{"code":true}`, nil, 0, false},
		{`{"code":"abc"}`, nil, 0, false},
		{`{"message":"no code"}`, nil, 0, false},
		{`[1,2]`, nil, 0, false},
		{`not json`, nil, 0, false},
		{``, nil, 0, false},
		{`{"meta":{"status":401}}`, nested, 401, true},
		{`{"meta":"x"}`, nested, 0, false},
	}
	def := mustClient(t)
	for _, tt := range tests {
		c := tt.c
		if c == nil {
			c = def
		}
		code, ok := c.BodyCode([]byte(tt.body))
		if code != tt.code || ok != tt.hasOne {
			t.Errorf("BodyCode(%s) = %d, %v; want %d, %v", tt.body, code, ok, tt.code, tt.hasOne)
		}
	}
}

func TestOptionErrorsNameTheOption(t *testing.T) {
	tests := []struct {
		option string
		opts   []Option
	}{
		{"headerName", []Option{WithHeader("X Token", "")}},
		{"headerPrefix", []Option{WithHeader("Authorization", "Bearer\r\n")}},
		{"expiredStatuses", []Option{WithExpiredStatuses(401, 999)}},
		{"reloginStatuses", []Option{WithReloginStatuses(0)}},
		{"codePath", []Option{WithCodePath("data..code")}},
		{"accessTokenPath", []Option{WithTokenPaths("", "data.refreshToken")}},
		{"refreshTokenPath", []Option{WithTokenPaths("data.token", "data.")}},
		{"refreshURL", []Option{WithRefreshURL("")}},
		{"refreshURL", []Option{WithRefreshURL("/api/refresh")}},
		{"refreshURL", []Option{WithRefreshToken(InBody, "")}},
		{"refreshMethod", []Option{WithRefreshMethod("PO ST")}},
		{"refreshMethod", []Option{WithRefreshURL("/r"), WithRefreshToken(InBody, ""), WithRefreshMethod("GET")}},
		{"refreshTokenIn", []Option{WithRefreshToken("query", "")}},
		{"tokenRedirects", []Option{WithTokenRedirects("manual")}},
		{"refreshTokenName", []Option{WithRefreshURL("/r"), WithRefreshToken(InHeader, "X Refresh")}},
		{"refreshTimeout", []Option{WithRefreshTimeout(0)}},
		{"refreshMargin", []Option{WithRefreshMargin(-time.Second)}},
		{"allowedOrigins", []Option{WithAllowedOrigins("https://api.example.com/v1")}},
		{"allowedOrigins", []Option{WithAllowedOrigins("ftp://example.com")}},
		{"allowedOrigins", []Option{WithAllowedOrigins("example.com")}},
		{"baseURL", []Option{WithBaseOrigin("not an origin")}},
		{"baseURL", []Option{WithBaseURL("/api\n")}},
		{"clock", []Option{WithClock(nil)}},
		{"locker", []Option{WithLocker(nil)}},
	}
	for _, tt := range tests {
		_, err := New(&MemoryStore{}, TransportFunc(nil), tt.opts...)
		var oe *OptionError
		if !errors.As(err, &oe) || oe.Option != tt.option || !errors.Is(err, ErrInvalidOption) {
			t.Errorf("%s: New() error = %v, want an *OptionError naming %s", tt.option, err, tt.option)
			continue
		}
		if !strings.Contains(err.Error(), "option "+tt.option+":") {
			t.Errorf("%s: message %q does not name the option", tt.option, err)
		}
	}
	if _, err := New(nil, nil); err == nil || !strings.Contains(err.Error(), "store") || !strings.Contains(err.Error(), "transport") {
		t.Errorf("New(nil, nil) error = %v, want both store and transport named", err)
	}
}

// TestRefreshURLMustStayWithTheToken: the refresh token goes only to baseURL's origin or
// an allowed one; a relative refresh URL (resolved by the loader at creation) is not judged
// here.
func TestRefreshURLMustStayWithTheToken(t *testing.T) {
	for _, tt := range []struct {
		url string
		ok  bool
	}{
		{"{baseURL}/refreshJwt/{refreshToken}", true},
		{"https://app.example/auth/{refreshToken}", true},
		{"https://auth.example/token/{refreshToken}", true},
		{"https://evil.example/steal/{refreshToken}", false},
		{"HTTPS://APP.EXAMPLE:443/x/{refreshToken}", true},
		{"https://app.example.evil.example/{refreshToken}", false},
		{"https://app.example@evil.example/{refreshToken}", false},
		{"/relative/{refreshToken}", true},
	} {
		_, err := New(&MemoryStore{}, TransportFunc(nil), WithBaseURL("https://app.example/api"),
			WithBaseOrigin("https://app.example"), WithAllowedOrigins("https://auth.example"), WithRefreshURL(tt.url))
		if (err == nil) != tt.ok {
			t.Errorf("refreshURL %q: err %v, want ok %v", tt.url, err, tt.ok)
		}
	}
}

func TestNormalizeOrigin(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://API.example.com", "https://api.example.com"},
		{"https://api.example.com/", "https://api.example.com"},
		{"https://api.example.com:443", "https://api.example.com"},
		{"http://localhost:80", "http://localhost"},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080"},
		{"http://[::1]:8080", "http://[::1]:8080"},
		{"https://example.com:8443", "https://example.com:8443"},
		{"https://user@example.com", ""},
		{"https://example.com?x", ""},
		{"https://example.com#x", ""},
		{"https://example.com/path", ""},
		{"javascript:alert(1)", ""},
		{"", ""},
		{"HTTP://[::1]", "http://[::1]"},
		{"http://localhost:0080", "http://localhost"},
		{"http://a.example:65535", "http://a.example:65535"},
		{"http://a.example:65536", ""},
		{"http://a.example:123456", ""},
		{"http://a b.example", ""},
		{"http://a.example:x", ""},
		{"http://[::1", ""},
		{"http://[zz]", ""},
		{"http://", ""},
		{"https://a.example\\@b.example", ""},
	}
	for _, tt := range tests {
		got, err := NormalizeOrigin(tt.in)
		if tt.want == "" {
			if err == nil {
				t.Errorf("NormalizeOrigin(%q) = %q, want an error", tt.in, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("NormalizeOrigin(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	c := mustClient(t, WithBaseOrigin("http://localhost:8080"), WithAllowedOrigins("https://files.example.com"))
	for origin, want := range map[string]bool{
		"http://localhost:8080": true, "https://files.example.com": true,
		"http://localhost:8081": false, "https://example.com": false, "null": false, "": false,
	} {
		if got := c.AllowsOrigin(origin); got != want {
			t.Errorf("AllowsOrigin(%q) = %v, want %v", origin, got, want)
		}
	}
}

// signed makes a JWT with the given claims (the client verifies no signature).
func signed(t testing.TB, claims jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte("test key"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestReadClaims(t *testing.T) {
	at := time.Unix(1_800_000_000, 0)
	tests := []struct {
		name   string
		token  string
		hasExp bool
		hasIat bool
	}{
		{"exp and iat", signed(t, jwt.MapClaims{"exp": at.Unix(), "iat": at.Unix() - 60}), true, true},
		{"float exp", signed(t, jwt.MapClaims{"exp": float64(at.Unix()) + 0.5}), true, false},
		{"no exp", signed(t, jwt.MapClaims{"sub": "x"}), false, false},
		{"string exp", signed(t, jwt.MapClaims{"exp": "tomorrow"}), false, false},
		{"expired long ago", signed(t, jwt.MapClaims{"exp": 1}), true, false},
		{"not a jwt", "opaque-token-123", false, false},
		{"three dots of garbage", "a.b.c", false, false},
		{"empty", "", false, false},
	}
	for _, tt := range tests {
		c := readClaims(tt.token)
		if c.hasExp != tt.hasExp || c.hasIat != tt.hasIat {
			t.Errorf("%s: readClaims = %+v, want hasExp %v hasIat %v", tt.name, c, tt.hasExp, tt.hasIat)
		}
	}
	if c := readClaims(tests[0].token); !c.exp.Equal(at) || !c.iat.Equal(at.Add(-time.Minute)) {
		t.Errorf("readClaims times = %v, %v", c.exp, c.iat)
	}
}

func TestRefreshDue(t *testing.T) {
	t0 := time.Unix(1_800_000_000, 0)
	life := func(d time.Duration) claims {
		return claims{iat: t0, exp: t0.Add(d), hasIat: true, hasExp: true}
	}
	tests := []struct {
		name   string
		c      claims
		at     time.Duration // server time after t0
		margin time.Duration
		want   bool
	}{
		{"1h token, fresh", life(time.Hour), 0, 30 * time.Second, false},
		{"1h token, 31s left", life(time.Hour), time.Hour - 31*time.Second, 30 * time.Second, false},
		{"1h token, 30s left", life(time.Hour), time.Hour - 30*time.Second, 30 * time.Second, true},
		{"1h token, past exp", life(time.Hour), 2 * time.Hour, 30 * time.Second, true},
		{"20s token, fresh: margin shrinks", life(20 * time.Second), 0, 30 * time.Second, false},
		{"20s token, 10s left", life(20 * time.Second), 10 * time.Second, 30 * time.Second, false},
		{"20s token, 5s left", life(20 * time.Second), 15 * time.Second, 30 * time.Second, true},
		{"no iat: full margin", claims{exp: t0.Add(20 * time.Second), hasExp: true}, 0, 30 * time.Second, true},
		{"no exp", claims{}, 0, 30 * time.Second, false},
		{"margin off", life(time.Hour), 2 * time.Hour, 0, false},
	}
	for _, tt := range tests {
		if got := refreshDue(tt.c, t0.Add(tt.at), tt.margin); got != tt.want {
			t.Errorf("%s: refreshDue = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestPathEscape: the refresh token in the URL path is escaped as url.PathEscape does.
func TestPathEscape(t *testing.T) {
	for _, s := range []string{"r/1 x", "a.b-c_d~e", "$&+,/:;=?@", "é\x00%", ""} {
		if got, want := pathEscape(s), url.PathEscape(s); got != want {
			t.Errorf("pathEscape(%q) = %q, url.PathEscape gives %q", s, got, want)
		}
	}
}

func TestRefreshRequestShape(t *testing.T) {
	tests := []struct {
		name   string
		opts   []Option
		method string
		url    string
		header map[string]string
		body   string
	}{
		{"protocol default", []Option{WithBaseURL("/api/")}, "POST", "/api/refreshJwt/r%2F1%20x", nil, ""},
		{"json body", []Option{WithBaseURL("https://a.example/api"), WithRefreshURL("{baseURL}/auth/refresh"), WithRefreshToken(InBody, "")},
			"POST", "https://a.example/api/auth/refresh", map[string]string{"Content-Type": "application/json"}, `{"refreshToken":"r/1 x"}`},
		{"custom field", []Option{WithRefreshURL("/token"), WithRefreshToken(InBody, "refresh_token"), WithRefreshMethod("put")},
			"PUT", "/token", nil, `{"refresh_token":"r/1 x"}`},
		{"header", []Option{WithRefreshURL("/token"), WithRefreshToken(InHeader, "")}, "POST", "/token",
			map[string]string{"X-Refresh-Token": "r/1 x"}, ""},
		{"oauth2 preset", []Option{WithPreset(PresetOAuth2), WithRefreshURL("https://id.example/oauth/token"), WithClient("spa app", "openid offline_access")},
			"POST", "https://id.example/oauth/token", map[string]string{"Content-Type": "application/x-www-form-urlencoded"},
			"grant_type=refresh_token&refresh_token=r%2F1%20x&client_id=spa%20app&scope=openid%20offline_access"},
		{"oauth2 preset without scope", []Option{WithPreset(PresetOAuth2), WithRefreshURL("/token"), WithClient("app", "")},
			"POST", "/token", nil, "grant_type=refresh_token&refresh_token=r%2F1%20x&client_id=app"},
		{"sliding preset: the access token, as requests carry it", []Option{WithBaseURL("/api"), WithPreset(PresetSliding)},
			"GET", "/api/refresh_token", map[string]string{"Authorization": "Bearer a.b.c"}, ""},
		{"sliding, an option beside the preset wins", []Option{WithBaseURL("/api"), WithPreset(PresetSliding), WithRefreshMethod("POST")},
			"POST", "/api/refresh_token", map[string]string{"Authorization": "Bearer a.b.c"}, ""},
		{"cookie", []Option{WithRefreshURL("/api/refreshJwt"), WithRefreshToken(InCookie, "")}, "POST", "/api/refreshJwt", nil, ""},
	}
	for _, tt := range tests {
		req := mustClient(t, tt.opts...).refreshRequest(Tokens{AccessToken: "a.b.c", RefreshToken: "r/1 x"})
		if cookies := tt.name == "cookie"; req.Cookies != cookies {
			t.Errorf("%s: Cookies = %v, want %v", tt.name, req.Cookies, cookies)
		}
		if req.Method != tt.method || req.URL != tt.url || string(req.Body) != tt.body {
			t.Errorf("%s: request = %s %s %q; want %s %s %q", tt.name, req.Method, req.URL, req.Body, tt.method, tt.url, tt.body)
		}
		for k, v := range tt.header {
			if req.Header[k] != v {
				t.Errorf("%s: header %s = %q, want %q", tt.name, k, req.Header[k], v)
			}
		}
	}
}

func TestReadRefreshReply(t *testing.T) {
	old := Tokens{AccessToken: "a0", RefreshToken: "r0"}
	ok := func(v any) []byte { b, _ := json.Marshal(v); return b }
	tests := []struct {
		name    string
		status  int
		body    []byte
		outcome outcome
		tokens  Tokens
	}{
		{"rotated", 200, ok(map[string]any{"code": 0, "data": map[string]any{"token": "a1", "refreshToken": "r1"}}), renewed, Tokens{AccessToken: "a1", RefreshToken: "r1"}},
		{"access only keeps refresh", 200, ok(map[string]any{"data": map[string]any{"token": "a1"}}), renewed, Tokens{AccessToken: "a1", RefreshToken: "r0"}},
		{"10007", 200, ok(map[string]any{"code": 10007, "message": "expired"}), relogin, Tokens{}},
		{"401", 401, []byte(`{}`), relogin, Tokens{}},
		{"403 not json", 403, []byte(`<html>`), relogin, Tokens{}},
		{"500", 500, []byte(`{"code":0}`), failed, Tokens{}},
		{"302", 302, nil, failed, Tokens{}},
		{"malformed", 200, []byte(`{"code":0,"data":`), failed, Tokens{}},
		{"missing token", 200, ok(map[string]any{"code": 0, "data": map[string]any{}}), failed, Tokens{}},
		{"empty token", 200, ok(map[string]any{"code": 0, "data": map[string]any{"token": ""}}), failed, Tokens{}},
		{"number token", 200, ok(map[string]any{"code": 0, "data": map[string]any{"token": 5}}), failed, Tokens{}},
		{"business error", 200, ok(map[string]any{"code": 50000, "message": "db down"}), failed, Tokens{}},
		// Tokens no header can carry would make every later request throw: a failed refresh.
		{"access token with a line break", 200, ok(map[string]any{"data": map[string]any{"token": "a1\r\nX-Evil: 1", "refreshToken": "r1"}}), failed, Tokens{}},
		{"refresh token with NUL", 200, ok(map[string]any{"data": map[string]any{"token": "a1", "refreshToken": "r1\x00"}}), failed, Tokens{}},
	}
	c := mustClient(t)
	for _, tt := range tests {
		r := c.readRefreshReply(&Response{Status: tt.status, Body: tt.body}, old)
		if r.outcome != tt.outcome || r.tokens != tt.tokens || (r.outcome != renewed && r.cause == nil) {
			t.Errorf("%s: got outcome %v tokens %+v cause %v; want %v %+v", tt.name, r.outcome, r.tokens, r.cause, tt.outcome, tt.tokens)
		}
	}
}

// FuzzClaimsRoundTrip: exp and iat written into a JWT are read back as written.
func FuzzClaimsRoundTrip(f *testing.F) {
	f.Add(int64(1_800_000_000), int64(1_799_999_000), true)
	f.Add(int64(0), int64(0), false)
	f.Add(int64(-5), int64(1), true)
	f.Fuzz(func(t *testing.T, exp, iat int64, withIat bool) {
		// NumericDate is a JSON number (a float64): whole seconds are exact below 2^53.
		if exp > 1<<52 || exp < -(1<<52) || iat > 1<<52 || iat < -(1<<52) {
			t.Skip()
		}
		claims := jwt.MapClaims{"exp": exp}
		if withIat {
			claims["iat"] = iat
		}
		c := readClaims(signed(t, claims))
		// golang-jwt reads a NumericDate of 0 as absent.
		if c.hasExp != (exp != 0) || (exp != 0 && c.exp.Unix() != exp) {
			t.Fatalf("exp %d read as %v (%v)", exp, c.exp.Unix(), c.hasExp)
		}
		if withIat = withIat && iat != 0; c.hasIat != withIat || (withIat && c.iat.Unix() != iat) {
			t.Fatalf("iat %d (%v) read as %v (%v)", iat, withIat, c.iat.Unix(), c.hasIat)
		}
	})
}

// FuzzExpiryJudge: whatever the token, clock offset and margin, the judge is consistent: a
// token without exp is never due nor expired; an expired token is due; a token due now is
// due later too; and a token due on arrival is left to the server.
func FuzzExpiryJudge(f *testing.F) {
	f.Add(signed(f, jwt.MapClaims{"exp": 1_800_000_060, "iat": 1_800_000_000}), int64(0), int64(30_000), int64(50))
	f.Add(signed(f, jwt.MapClaims{"exp": 1_800_000_060}), int64(3*3600_000), int64(30_000), int64(0))
	f.Add("a.b.c", int64(0), int64(1), int64(0))
	f.Fuzz(func(t *testing.T, token string, offsetMs, marginMs, afterSec int64) {
		if marginMs <= 0 || marginMs > 1e9 || afterSec < 0 || afterSec > 1e6 || offsetMs > 1e12 || offsetMs < -1e12 {
			t.Skip()
		}
		j := expiryJudge{margin: time.Duration(marginMs) * time.Millisecond}
		arrival := time.Unix(1_800_000_000, 0).Add(time.Duration(offsetMs) * time.Millisecond)
		p := j.arrived(Tokens{AccessToken: token}, Tokens{ClockOffset: offsetMs}, arrival)
		now := arrival.Add(time.Duration(afterSec) * time.Second)
		c := readClaims(token)
		due, expired := j.due(p, now), j.expired(p, now)
		switch {
		case !c.hasExp && (due || expired):
			t.Fatalf("a token without exp: due %v, expired %v", due, expired)
		case p.ServerDecides && due:
			t.Fatal("a token left to the server was due")
		case expired && !due && !p.ServerDecides:
			t.Fatal("an expired token was not due")
		case due && !j.due(p, now.Add(time.Hour)):
			t.Fatal("a token due now was not due an hour later")
		case !due && now.UnixMilli() >= p.SendUntil:
			t.Fatalf("not due at %d, but SendUntil is %d", now.UnixMilli(), p.SendUntil)
		case due && now.UnixMilli() < p.SendUntil-1:
			// SendUntil is floored to the millisecond; due may start within that one.
			t.Fatalf("due at %d, but SendUntil is %d", now.UnixMilli(), p.SendUntil)
		}
	})
}

// FuzzReplyClassifier: replies are classified consistently. A reply is Expired exactly when
// its body code (read as BodyCode reads it) is an expired code or its status an expired
// status; a code survives the trip through JSON as a number and as a string; and a refresh
// reply read as renewed holds tokens that can be stored, any other outcome a cause.
func FuzzReplyClassifier(f *testing.F) {
	f.Add([]byte(`{"code":50014}`), 200, int32(50014))
	f.Add([]byte(`{"code":"1e3"}`), 401, int32(7))
	f.Add([]byte(`{"code":0,"data":{"token":"a","refreshToken":"b"}}`), 200, int32(-1))
	c, err := New(&MemoryStore{}, TransportFunc(nil), WithCodePath("a.code"), WithExpiredCodes(7, 50014))
	if err != nil {
		f.Fatal(err)
	}
	def, _ := New(&MemoryStore{}, TransportFunc(nil))
	f.Fuzz(func(t *testing.T, body []byte, status int, n int32) {
		for _, cl := range []*Client{c, def} {
			code, has := cl.BodyCode(body)
			want := (has && slices.Contains(cl.cfg.expiredCodes, code)) || slices.Contains(cl.cfg.expiredStatuses, status)
			if got := cl.Judge("", Reply{Status: status, Code: code, HasCode: has}) == Expired; got != want {
				t.Fatalf("status %d, code %d (%v): Expired %v, want %v", status, code, has, got, want)
			}
			r := cl.readRefreshReply(&Response{Status: status, Body: body}, Tokens{AccessToken: "a", RefreshToken: "r"})
			switch {
			case r.outcome == renewed && checkTokens(r.tokens) != nil:
				t.Fatalf("renewed with tokens that cannot be stored: %q", r.tokens.AccessToken)
			case r.outcome != renewed && r.cause == nil:
				t.Fatalf("outcome %v without a cause", r.outcome)
			}
		}
		for _, doc := range []string{fmt.Sprintf(`{"a":{"code":%d}}`, n), fmt.Sprintf(`{"a":{"code":"%d"}}`, n)} {
			if code, has := c.BodyCode([]byte(doc)); !has || code != int(n) {
				t.Fatalf("%s read as %d (%v)", doc, code, has)
			}
		}
		if code, has := ParseCode(strconv.Itoa(int(n))); !has || code != int(n) {
			t.Fatalf("ParseCode(%d) = %d, %v", n, code, has)
		}
	})
}
