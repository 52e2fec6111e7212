package server

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/golang-jwt/jwt/v5"
)

type subjectKey struct{}

// Subject returns the subject (user name) that Middleware put in ctx.
func Subject(ctx context.Context) (string, bool) {
	sub, ok := ctx.Value(subjectKey{}).(string)
	return sub, ok
}

// Middleware passes to next only requests with a valid access token, in header X-Token
// or as Authorization: Bearer, with the token's subject in the context (see Subject).
// Others get HTTP 200 with code 50008 (missing or invalid token) or 50014 (expired),
// as docs/PROTOCOL.md says, and next is not called.
func (s *Server) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := s.authenticate(r)
		if a.code != CodeOK {
			s.answer(w, http.StatusOK, a.code, a.message, nil)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), subjectKey{}, a.subject)))
	})
}

// authResult is the verdict on a request's access token.
type authResult struct {
	subject string
	code    int // CodeOK, CodeInvalidToken or CodeTokenExpired
	message string
}

func (s *Server) authenticate(r *http.Request) authResult {
	token := accessToken(r)
	if token == "" {
		return authResult{code: CodeInvalidToken, message: msgMissingToken}
	}
	c, err := s.parse(token, kindAccess)
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return authResult{code: CodeTokenExpired, message: msgTokenExpired}
	case err != nil:
		return authResult{code: CodeInvalidToken, message: msgInvalidToken}
	case c.Gen < s.generation.Load():
		return authResult{code: CodeTokenExpired, message: msgTokenExpired}
	}
	return authResult{subject: c.Subject, code: CodeOK, message: msgOK}
}

// accessToken reads X-Token (the seed's header) or else Authorization: Bearer.
func accessToken(r *http.Request) string {
	if t := strings.TrimSpace(r.Header.Get("X-Token")); t != "" {
		return t
	}
	scheme, t, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(t)
}
