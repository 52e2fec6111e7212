package server

import (
	"encoding/json"
	"net/http"
)

// reply is the body of every JSON answer (docs/PROTOCOL.md).
type reply struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Data    any    `json:"data,omitempty"`
}

// answer writes a JSON reply and tells Config.OnEvent of the codes a client reacts to.
// Successes are told by the callers, which know what succeeded.
func (s *Server) answer(w http.ResponseWriter, status, code int, message string, data any) {
	switch code {
	case CodeRelogin:
		s.event(EventRelogin)
	case CodeTokenExpired:
		s.event(EventExpired)
	case CodeInvalidToken:
		s.event(EventInvalid)
	}
	writeJSON(w, status, reply{Code: code, Message: message, Data: data})
}

func (s *Server) ok(w http.ResponseWriter, data any) {
	s.answer(w, http.StatusOK, CodeOK, msgOK, data)
}

func (s *Server) relogin(w http.ResponseWriter) {
	s.answer(w, http.StatusOK, CodeRelogin, msgRelogin, nil)
}

// unavailable answers 503 when the Store failed during what (a login, a refresh): the
// client keeps its tokens and tries again later, and the log says why. A refresh is never
// answered 10007 for it, since the token may well be good.
func (s *Server) unavailable(w http.ResponseWriter, r *http.Request, what string, err error) {
	if r.Context().Err() == nil { // else the client hung up: the store call was canceled
		s.cfg.ErrorLog.Printf("%s: answered 503: %v", what, err)
	}
	s.answer(w, http.StatusServiceUnavailable, CodeUnavailable, msgStoreUnavailable, nil)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	// Replies carry tokens; no cache may keep them (RFC 6749, section 5.1).
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	// An error here means the client went away; there is no one left to tell.
	_ = json.NewEncoder(w).Encode(v)
}
