package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// handleRefresh serves both refresh routes: it spends the refresh token and answers
// a new pair of the same family, or 10007. Presenting a used token revokes its family.
func (s *Server) handleRefresh(w http.ResponseWriter, r *http.Request) {
	s.event(EventRefreshCall)
	token, rerr := refreshToken(w, r)
	if rerr != nil {
		s.answerRequestError(w, rerr)
		return
	}
	if c, err := r.Cookie(refreshCookie); token == "" && s.cfg.RefreshCookie && err == nil {
		token = c.Value
	}
	if token == "" {
		s.relogin(w)
		return
	}
	c, err := s.parse(token, kindRefresh)
	if err != nil {
		s.relogin(w)
		return
	}
	if s.cfg.RefreshCookie {
		// Whatever the outcome, the cookie presented is spent: a new one, or none.
		http.SetCookie(w, s.cookie(r, "", -1))
	}
	pair, result, err := s.rotate(r.Context(), c)
	switch {
	case errors.Is(err, ErrStore):
		s.unavailable(w, r, "refresh", err)
	case err != nil:
		s.answer(w, http.StatusInternalServerError, CodeInternal, "cannot issue tokens", nil)
	case result == Reused:
		s.event(EventReused)
		s.relogin(w)
	case result == Dead:
		s.relogin(w)
	case result == Graced:
		s.event(EventGraced)
		s.ok(w, s.deliver(w, r, pair))
	default:
		s.event(EventRefreshed)
		s.ok(w, s.deliver(w, r, pair))
	}
}

// refreshCookie names the cookie that carries the refresh token in cookie mode.
const refreshCookie = "authfetch_refresh"

// deliver returns the pair to put in the reply. In cookie mode the refresh token goes in
// an HttpOnly cookie instead, so no script can read it.
func (s *Server) deliver(w http.ResponseWriter, r *http.Request, pair tokenPair) tokenPair {
	if s.cfg.RefreshCookie {
		w.Header().Del("Set-Cookie") // the spent one's removal, replaced
		http.SetCookie(w, s.cookie(r, pair.RefreshToken, int(s.cfg.RefreshTTL.Seconds())))
		pair.RefreshToken = ""
	}
	return pair
}

// cookie is the refresh cookie with value, kept maxAge seconds (negative: removed).
func (s *Server) cookie(r *http.Request, value string, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name: refreshCookie, Value: value, Path: "/api/refreshJwt", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil,
	}
}

// rotate spends the verified refresh token c and returns the next pair of its family.
// The Store decides in one atomic step, so two calls with the same token, on this
// instance or another, cannot both get a new successor. A retry within the grace window
// gets the successor issued the first time, signed again (the same token: HS256 over the
// same claims), with a fresh access token.
func (s *Server) rotate(ctx context.Context, c *claims) (tokenPair, RedeemResult, error) {
	now := s.cfg.Now()
	// Signed before spending, so a signing error leaves the old token usable.
	pair, next, err := s.signPair(c.Subject, c.SID, now)
	if err != nil {
		return tokenPair{}, Dead, err
	}
	red, err := s.cfg.Store.Redeem(ctx, c.SID, c.ID, next, now, s.cfg.RefreshGrace)
	if err != nil {
		return tokenPair{}, Dead, fmt.Errorf("%w: %w", ErrStore, err)
	}
	switch red.Result {
	case Redeemed:
		return pair, Redeemed, nil
	case Graced:
		if pair.RefreshToken, err = s.sign(refreshClaims(c.Subject, c.SID, red.Successor)); err != nil {
			return tokenPair{}, Dead, err
		}
		return pair, Graced, nil
	}
	return tokenPair{}, red.Result, nil
}

// refreshToken finds the refresh token in the path, else in header X-Refresh-Token,
// else in a JSON body {"refreshToken": "..."}. No token at all is "", not an error:
// the session cannot be restored, which is 10007, not a malformed request.
func refreshToken(w http.ResponseWriter, r *http.Request) (string, *requestError) {
	if t := r.PathValue("refreshToken"); t != "" {
		return t, nil
	}
	if t := strings.TrimSpace(r.Header.Get("X-Refresh-Token")); t != "" {
		return t, nil
	}
	var body struct {
		RefreshToken string `json:"refreshToken"`
	}
	switch rerr := decodeJSON(w, r, smallBodyLimit, &body); rerr {
	case nil:
		return strings.TrimSpace(body.RefreshToken), nil
	case errEmptyBody:
		return "", nil
	default:
		return "", rerr
	}
}
