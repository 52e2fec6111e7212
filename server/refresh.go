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
	default:
		s.stats.refreshed.Add(1)
		s.ok(w, pair)
	}
}

// rotate spends the verified refresh token c and returns the next pair of its family.
// One hold of the lock covers the check, the spending and the recording of the new
// token: two calls with the same token cannot both succeed.
func (s *Server) rotate(c *claims) (tokenPair, redeemResult, error) {
	ss := s.sessions
	ss.mu.Lock()
	defer ss.mu.Unlock()
	// Signed before spending, so a signing error leaves the old token usable.
	pair, jti, exp, err := s.signPair(c.Subject, c.SID)
	if err != nil {
		return tokenPair{}, dead, err
	}
	if result := ss.redeem(c.ID); result != redeemed {
		return tokenPair{}, result, nil
	}
	ss.add(jti, c.SID, exp, s.cfg.Now())
	return pair, redeemed, nil
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
