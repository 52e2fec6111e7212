package server

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"net/http"
)

// handleLogin answers POST /api/login {"username", "password"} with a new token pair.
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if rerr := decodeJSON(w, r, smallBodyLimit, &req); rerr != nil {
		s.answerRequestError(w, rerr)
		return
	}
	want, known := s.cfg.Users[req.Username]
	// Hashes have equal lengths, so the comparison takes the same time whatever the
	// password's length, and unknown users are compared too.
	got, exp := sha256.Sum256([]byte(req.Password)), sha256.Sum256([]byte(want))
	if subtle.ConstantTimeCompare(got[:], exp[:]) != 1 || !known {
		s.answer(w, http.StatusOK, CodeWrongCredentials, msgWrongCredentials, nil)
		return
	}
	pair, err := s.newSession(r.Context(), req.Username)
	switch {
	case errors.Is(err, ErrStore):
		s.unavailable(w, r, "login", err)
		return
	case err != nil:
		s.answer(w, http.StatusInternalServerError, CodeInternal, "cannot issue tokens", nil)
		return
	}
	s.event(EventLogin)
	s.ok(w, s.deliver(w, r, pair))
}
