package server

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"sync/atomic"

	"github.com/golang-jwt/jwt/v5"
)

// Server is the reference backend. Its methods are safe for concurrent use.
type Server struct {
	cfg     Config // defaults filled in
	key     []byte
	parser  *jwt.Parser
	handler http.Handler

	// generation is stamped on access tokens; ExpireAccessTokens bumps it, and tokens
	// with an older one are expired.
	generation atomic.Uint64
}

// New returns a Server configured by cfg, or an error naming the invalid field.
func New(cfg Config) (*Server, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg: cfg,
		key: cfg.Key,
	}
	if s.key == nil {
		s.key = make([]byte, 32)
		rand.Read(s.key) // never fails (crypto/rand, Go 1.24+)
	}
	s.generation.Store(1)
	s.parser = jwt.NewParser(
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithTimeFunc(cfg.Now),
		jwt.WithExpirationRequired(),
	)
	s.handler = s.routes()
	return s, nil
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/login", s.handleLogin)
	// The seed's route carries the token in the path; the second one takes it from
	// a header or the body, for clients that keep tokens out of URLs and logs.
	mux.HandleFunc("POST /api/refreshJwt/{refreshToken}", s.handleRefresh)
	mux.HandleFunc("POST /api/refreshJwt", s.handleRefresh)
	mux.Handle("GET /api/user/info", s.Middleware(http.HandlerFunc(s.handleUserInfo)))
	mux.Handle("/api/echo", s.Middleware(http.HandlerFunc(s.handleEcho)))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := mux.Handler(r); pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		// No route: let the mux tell 404 from 405 (it knows the Allow list), then answer
		// in JSON like every other reply.
		rec := &statusRecorder{header: make(http.Header)}
		h, _ := mux.Handler(r)
		h.ServeHTTP(rec, r)
		if rec.status == http.StatusMethodNotAllowed {
			w.Header().Set("Allow", rec.header.Get("Allow"))
			s.answer(w, http.StatusMethodNotAllowed, CodeMethodNotAllowed, "method not allowed", nil)
			return
		}
		s.answer(w, http.StatusNotFound, CodeNotFound, "not found", nil)
	})
}

// statusRecorder keeps the status and headers of the mux's plain-text 404 and 405.
type statusRecorder struct {
	header http.Header
	status int
}

func (r *statusRecorder) Header() http.Header         { return r.header }
func (r *statusRecorder) Write(b []byte) (int, error) { return len(b), nil }
func (r *statusRecorder) WriteHeader(status int)      { r.status = status }

// Handler serves every route under /api/; mount it at "/api/" of another mux.
func (s *Server) Handler() http.Handler { return s.handler }

// IssuePair logs subject in without a password, as a new session (token family), and
// returns its access and refresh tokens. An error of the Store matches ErrStore.
func (s *Server) IssuePair(subject string) (access, refresh string, err error) {
	pair, err := s.newSession(context.Background(), subject)
	return pair.Token, pair.RefreshToken, err
}

func (s *Server) newSession(ctx context.Context, subject string) (tokenPair, error) {
	if subject == "" {
		return tokenPair{}, ErrEmptySubject
	}
	sid := newID()
	pair, first, err := s.signPair(subject, sid, s.cfg.Now())
	if err != nil {
		return tokenPair{}, fmt.Errorf("server: sign tokens: %w", err)
	}
	if err := s.cfg.Store.Issue(ctx, sid, first); err != nil {
		return tokenPair{}, fmt.Errorf("%w: %w", ErrStore, err)
	}
	return pair, nil
}

// ExpireAccessTokens expires every access token issued so far (they answer 50014);
// tokens issued afterwards are valid. It acts on this Server only: instances that share a
// Store each keep their own access-token generation.
func (s *Server) ExpireAccessTokens() { s.generation.Add(1) }

// RevokeRefreshTokens revokes every refresh token issued so far (they answer 10007), on
// every instance that shares the Store. An error of the Store matches ErrStore.
func (s *Server) RevokeRefreshTokens() error {
	if err := s.cfg.Store.RevokeAll(context.Background()); err != nil {
		return fmt.Errorf("%w: %w", ErrStore, err)
	}
	return nil
}
