package server

import (
	"net/http"
	"strings"
)

// handleRefresh serves both refresh routes: it spends the refresh token and answers
// a new pair of the same family, or 10007. Presenting a used token revokes its family.
func (s *Server) handleRefresh(w http.ResponseWriter, r *http.Request) {
	s.stats.refreshCalls.Add(1)
	// Injected failures come first and leave the token unread, hence unspent.
	if mode, ok := s.faults.take(); ok {
		s.fail(w, r, mode)
		return
	}
	token, rerr := refreshToken(w, r)
	if rerr != nil {
		s.answerRequestError(w, rerr)
		return
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
	pair, result, err := s.rotate(c)
	switch {
	case err != nil:
		s.answer(w, http.StatusInternalServerError, CodeInternal, "cannot issue tokens", nil)
	case result == reused:
		s.stats.reused.Add(1)
		s.relogin(w)
	case result == dead:
		s.relogin(w)
	case result == graced:
		s.stats.graced.Add(1)
		s.ok(w, pair)
	default:
		s.stats.refreshed.Add(1)
		s.ok(w, pair)
	}
}

// rotate spends the verified refresh token c and returns the next pair of its family.
// One hold of the lock covers the check, the spending and the recording of the new
// token: two calls with the same token cannot both get a new successor. A retry within
// the grace window gets the successor issued the first time, re-signed (the same token:
// HS256 over the same claims), with a fresh access token.
func (s *Server) rotate(c *claims) (tokenPair, redeemResult, error) {
	ss := s.sessions
	ss.mu.Lock()
	defer ss.mu.Unlock()
	now := s.cfg.Now()
	// Signed before spending, so a signing error leaves the old token usable.
	pair, jti, exp, err := s.signPair(c.Subject, c.SID)
	if err != nil {
		return tokenPair{}, dead, err
	}
	result, rec := ss.redeem(c.ID, now, s.cfg.RefreshGrace)
	switch result {
	case redeemed:
		ss.add(jti, c.SID, exp, now)
		rec.next = jti
		return pair, redeemed, nil
	case graced:
		successor := refreshClaims(c.Subject, c.SID, rec.iat, rec.exp)
		successor.ID = ss.tokens[c.ID].next
		if pair.RefreshToken, err = s.sign(successor); err != nil {
			return tokenPair{}, dead, err
		}
		return pair, graced, nil
	}
	return tokenPair{}, result, nil
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
