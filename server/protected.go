package server

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
)

type userInfo struct {
	Name  string   `json:"name"`
	Roles []string `json:"roles"`
}

// handleUserInfo answers GET /api/user/info, vue-element-admin's "who am I".
func (s *Server) handleUserInfo(w http.ResponseWriter, r *http.Request) {
	sub, _ := Subject(r.Context())
	s.event(EventRequest)
	s.ok(w, userInfo{Name: sub, Roles: []string{"admin"}})
}

type echoData struct {
	Method      string `json:"method"`
	ContentType string `json:"contentType"`
	Body        string `json:"body"`
	BodySHA256  string `json:"bodySha256"`
	BodyLength  int    `json:"bodyLength"`
	Query       string `json:"query"`
	User        string `json:"user"`
}

// handleEcho answers any method on /api/echo with what arrived, so browser tests can
// prove that a replayed request kept its method and body. Body is lossy for binary
// bodies (JSON strings are UTF-8); BodySHA256 and BodyLength are exact.
func (s *Server) handleEcho(w http.ResponseWriter, r *http.Request) {
	body, rerr := readBody(w, r, echoBodyLimit)
	if rerr != nil {
		s.answerRequestError(w, rerr)
		return
	}
	sub, _ := Subject(r.Context())
	sum := sha256.Sum256(body)
	s.event(EventRequest)
	s.ok(w, echoData{
		Method:      r.Method,
		ContentType: r.Header.Get("Content-Type"),
		Body:        string(body),
		BodySHA256:  hex.EncodeToString(sum[:]),
		BodyLength:  len(body),
		Query:       r.URL.RawQuery,
		User:        sub,
	})
}
