package refresh

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Request is the refresh call the engine wants made. Its shape comes from the options
// (refreshURL, refreshMethod, refreshTokenIn), not from code.
type Request struct {
	Method string
	URL    string // as the template produced it; may be relative to the page
	Header map[string]string
	Body   []byte
	// Cookies says the call must carry the browser's cookies for URL (fetch's credentials
	// "include"): the refresh token is an HttpOnly cookie (InCookie).
	Cookies bool
}

// Response is the refresh call's reply.
type Response struct {
	Status int
	Body   []byte
}

// Transport makes the refresh call. It must return when ctx ends; the engine stops waiting
// for it then in any case.
type Transport interface {
	Send(ctx context.Context, req *Request) (*Response, error)
}

// TransportFunc adapts a function to Transport.
type TransportFunc func(ctx context.Context, req *Request) (*Response, error)

// Send implements Transport.
func (f TransportFunc) Send(ctx context.Context, req *Request) (*Response, error) {
	return f(ctx, req)
}

const (
	baseURLVar      = "{baseURL}"
	refreshTokenVar = "{refreshToken}"
)

// refreshTemplate is the refreshURL option with {baseURL} replaced; {refreshToken} stays.
func (c *config) refreshTemplate() string {
	return replaceAll(c.refreshURL, baseURLVar, trimRightByte(c.baseURL, '/'))
}

// refreshRequest builds the refresh call for the pair t.
func (c *Client) refreshRequest(t Tokens) *Request {
	refreshToken := t.RefreshToken
	u := c.cfg.refreshTemplate()
	req := &Request{Method: c.cfg.refreshMethod, Header: map[string]string{"Accept": "application/json"}}
	switch c.cfg.refreshTokenIn {
	case InPath:
		u = replaceAll(u, refreshTokenVar, pathEscape(refreshToken))
	case InForm:
		body := "grant_type=refresh_token&refresh_token=" + formEscape(refreshToken)
		if c.cfg.clientID != "" {
			body += "&client_id=" + formEscape(c.cfg.clientID)
		}
		if c.cfg.scope != "" {
			body += "&scope=" + formEscape(c.cfg.scope)
		}
		req.Body = []byte(body)
		req.Header["Content-Type"] = "application/x-www-form-urlencoded"
	case InCookie:
		req.Cookies = true
	case InAccessHeader:
		req.Header[c.cfg.headerName] = c.cfg.headerPrefix + t.AccessToken
	case InBody:
		body, _ := json.Marshal(map[string]string{c.cfg.refreshTokenName: refreshToken})
		req.Body = body
		req.Header["Content-Type"] = "application/json"
	case InHeader:
		req.Header[c.cfg.refreshTokenName] = refreshToken
	}
	req.URL = u
	return req
}

// outcome is what a refresh reply means.
type outcome int

const (
	renewed outcome = iota // new tokens
	relogin                // the refresh token is dead
	failed                 // the refresh did not complete; try again later
)

// refreshResult is a refresh reply, read.
type refreshResult struct {
	outcome outcome
	tokens  Tokens // renewed: the new pair
	status  int
	code    int
	cause   error // relogin, failed: why
}

// readRefreshReply decides what the refresh reply means. old is the pair refreshed from:
// a reply without a new refresh token keeps the old one.
func (c *Client) readRefreshReply(resp *Response, old Tokens) refreshResult {
	r := refreshResult{status: resp.Status}
	code, hasCode := c.BodyCode(resp.Body)
	if hasCode {
		r.code = code
	}
	oauthError, _ := lookupString(resp.Body, []string{"error"})
	switch {
	case hasCode && slices.Contains(c.cfg.reloginCodes, code):
		r.outcome, r.cause = relogin, fmt.Errorf("the refresh endpoint answered code %d", code)
	case (resp.Status == 400 || resp.Status == 401) && oauthError != "" && slices.Contains(c.cfg.reloginErrors, oauthError):
		r.outcome, r.cause = relogin, fmt.Errorf("the refresh endpoint answered HTTP %d, %s", resp.Status, oauthError)
	case slices.Contains(c.cfg.reloginStatuses, resp.Status):
		r.outcome, r.cause = relogin, fmt.Errorf("the refresh endpoint answered HTTP %d", resp.Status)
	case resp.Status < 200 || resp.Status > 299:
		r.outcome, r.cause = failed, fmt.Errorf("the refresh endpoint answered HTTP %d", resp.Status)
		if oauthError != "" && isToken(oauthError) { // an RFC 6749 error code, never a token
			r.cause = fmt.Errorf("%w, %s", r.cause, oauthError)
		}
	case !json.Valid(resp.Body):
		r.outcome, r.cause = failed, errors.New("the refresh reply is not JSON")
	default:
		access, ok := lookupString(resp.Body, c.cfg.accessTokenPath)
		if !ok {
			r.outcome, r.cause = failed, fmt.Errorf("the refresh reply has no access token at %q", strings.Join(c.cfg.accessTokenPath, "."))
			if hasCode {
				r.cause = fmt.Errorf("%w (code %d)", r.cause, code)
			}
			break
		}
		t := Tokens{AccessToken: access}
		if c.cfg.keepsRefreshToken() {
			if t.RefreshToken, ok = lookupString(resp.Body, c.cfg.refreshTokenPath); !ok || c.cfg.refreshTokenPath == nil {
				t.RefreshToken = old.RefreshToken
			}
		}
		if c.cfg.expiresInPath != nil {
			t.Lifetime = lifetimeAt(resp.Body, c.cfg.expiresInPath)
		}
		if err := checkTokens(t); err != nil {
			r.outcome, r.cause = failed, fmt.Errorf("the refresh reply's tokens cannot be stored: %w", err)
			break
		}
		r.outcome, r.tokens = renewed, t
	}
	return r
}

// lifetimeAt reads a lifetime in seconds (expires_in: a JSON number, or a string holding
// one) at path and returns it in milliseconds, or 0.
func lifetimeAt(doc []byte, path []string) int64 {
	raw, ok := lookupJSON(doc, path)
	if !ok {
		return 0
	}
	var seconds float64
	if json.Unmarshal(raw, &seconds) != nil {
		var s string
		if json.Unmarshal(raw, &s) != nil || json.Unmarshal([]byte(s), &seconds) != nil {
			return 0
		}
	}
	if seconds <= 0 || seconds > 1e9 {
		return 0
	}
	return int64(seconds * 1000)
}
