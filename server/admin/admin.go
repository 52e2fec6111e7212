package admin

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/authfetch/authfetch/server"
)

// Server is a server.Server with the rigging of demos and tests around it. The methods
// of the embedded Server (IssuePair, ExpireAccessTokens, Middleware, ...) are promoted;
// Handler is replaced by one that adds the rigging's routes. Its methods are safe for
// concurrent use.
type Server struct {
	*server.Server
	handler  http.Handler
	errorLog *log.Logger

	gates  gates
	faults faults
	stats  counters

	closed    chan struct{} // closed by Close: ends hanging refreshes and gate waiters
	closeOnce sync.Once

	// Test hooks, called when a request starts to hang or to wait at a gate, so tests
	// can act at that moment without sleeping. Set before serving.
	testHookHanging func()
	testHookWaiting func(gate string)
}

// New returns a server.Server configured by cfg, with the rigging around it. A
// cfg.OnEvent is still told of every event; Stats counts them too.
func New(cfg server.Config) (*Server, error) {
	s := &Server{closed: make(chan struct{}), errorLog: cfg.ErrorLog}
	if s.errorLog == nil {
		s.errorLog = log.Default()
	}
	next := cfg.OnEvent
	cfg.OnEvent = func(e server.Event) {
		s.stats.count(e)
		if next != nil {
			next(e)
		}
	}
	srv, err := server.New(cfg)
	if err != nil {
		return nil, err
	}
	s.Server = srv
	s.handler = s.routes()
	return s, nil
}

// The routes below take no credentials: they exist so that demos and browser tests can
// drive the server. Those that change state demand Header, which a page on another site
// cannot send without a CORS preflight (that this server never answers), and refuse a
// cross-site Origin: any page the developer visits could otherwise expire, revoke or fail
// their session with a form post.

// Header must be "1" on every POST to /api/admin/.
const Header = "X-Authfetch-Admin"

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/hold", s.handleHold)
	mux.Handle("POST /api/admin/release", s.sameSite(s.handleRelease))
	mux.Handle("POST /api/admin/reset", s.sameSite(s.handleReset))
	mux.Handle("POST /api/admin/expire-access", s.sameSite(s.handleExpireAccess))
	mux.Handle("POST /api/admin/revoke-refresh", s.sameSite(s.handleRevokeRefresh))
	mux.Handle("POST /api/admin/fail-refresh", s.sameSite(s.handleFailRefresh))
	mux.HandleFunc("GET /api/admin/stats", s.handleStats)
	product := s.Server.Handler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := mux.Handler(r); pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		// A route of ours asked with another method: say 405 with our Allow list, in
		// JSON as the product does.
		rec := &statusRecorder{header: make(http.Header)}
		h, _ := mux.Handler(r)
		h.ServeHTTP(rec, r)
		if rec.status == http.StatusMethodNotAllowed {
			w.Header().Set("Allow", rec.header.Get("Allow"))
			answer(w, http.StatusMethodNotAllowed, server.CodeMethodNotAllowed, "method not allowed", nil)
			return
		}
		// Injected failures come before the product's refresh and leave the token
		// unread, hence unspent.
		if isRefresh(r) {
			if mode, ok := s.faults.take(); ok {
				s.stats.count(server.EventRefreshCall)
				s.fail(w, r, mode)
				return
			}
		}
		product.ServeHTTP(w, r)
	})
}

// isRefresh reports whether r goes to one of the product's refresh routes.
func isRefresh(r *http.Request) bool {
	if r.Method != http.MethodPost {
		return false
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/api/refreshJwt")
	return ok && (rest == "" || strings.HasPrefix(rest, "/") && !strings.Contains(rest[1:], "/"))
}

// Handler serves the product's routes under /api/ and the rigging's: /api/hold and
// /api/admin/. Mount it at "/api/" of another mux.
func (s *Server) Handler() http.Handler { return s.handler }

// Close ends the requests that wait for Close: refreshes made to hang by FailRefresh
// and requests held at a gate. They answer HTTP 503. The Server keeps serving other
// requests; Close is for shutting down and may be called more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() { close(s.closed) })
}

// Reset zeroes the counters, cancels the failures FailRefresh injected, and releases
// and forgets every gate. Tokens are untouched.
func (s *Server) Reset() {
	s.ResetStats()
	s.faults.set("", 0)
	s.gates.reset()
}

// sameSite admits a request that carries Header and, when the browser names its
// Origin, comes from this server's own origin.
func (s *Server) sameSite(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if r.Header.Get(Header) != "1" || (origin != "" && !sameOrigin(origin, r)) {
			answer(w, http.StatusForbidden, server.CodeForbidden, "admin routes need the "+Header+": 1 header and a same-origin request", nil)
			return
		}
		next(w, r)
	})
}

// sameOrigin reports whether origin is the origin r was sent to.
func sameOrigin(origin string, r *http.Request) bool {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return origin == scheme+"://"+r.Host
}

func (s *Server) handleRelease(w http.ResponseWriter, r *http.Request) {
	gate := r.URL.Query().Get("gate")
	if gate == "" {
		answer(w, http.StatusBadRequest, server.CodeBadRequest, "missing query parameter gate", nil)
		return
	}
	s.ReleaseGate(gate)
	ok(w, nil)
}

func (s *Server) handleReset(w http.ResponseWriter, r *http.Request) {
	s.Reset()
	ok(w, nil)
}

func (s *Server) handleExpireAccess(w http.ResponseWriter, r *http.Request) {
	s.ExpireAccessTokens()
	ok(w, nil)
}

func (s *Server) handleRevokeRefresh(w http.ResponseWriter, r *http.Request) {
	if err := s.RevokeRefreshTokens(); err != nil {
		if r.Context().Err() == nil { // else the client hung up: the store call was canceled
			s.errorLog.Printf("revoke refresh tokens: answered 503: %v", err)
		}
		answer(w, http.StatusServiceUnavailable, server.CodeUnavailable, "session store unavailable, try again later", nil)
		return
	}
	ok(w, nil)
}

// handleFailRefresh answers POST /api/admin/fail-refresh?mode=500|hang|malformed|10007&count=N
// (count defaults to 1).
func (s *Server) handleFailRefresh(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	n := 1
	if c := q.Get("count"); c != "" {
		var err error
		if n, err = strconv.Atoi(c); err != nil {
			answer(w, http.StatusBadRequest, server.CodeBadRequest, "count must be an integer", nil)
			return
		}
	}
	if err := s.FailRefresh(FailMode(q.Get("mode")), n); err != nil {
		answer(w, http.StatusBadRequest, server.CodeBadRequest, "mode must be one of 500, hang, malformed, 10007", nil)
		return
	}
	ok(w, nil)
}

func (s *Server) handleStats(w http.ResponseWriter, r *http.Request) {
	ok(w, s.Stats())
}

// handleHold answers GET /api/hold?gate=NAME once the gate is released, with the
// verdict on the token taken when the request arrived: a reply that arrives after a
// refresh still says 50014 if the token had expired before it. The verdict is the
// product's Middleware's, recorded at arrival and sent after the wait.
func (s *Server) handleHold(w http.ResponseWriter, r *http.Request) {
	gate := r.URL.Query().Get("gate")
	if gate == "" {
		answer(w, http.StatusBadRequest, server.CodeBadRequest, "missing query parameter gate", nil)
		return
	}
	var user string
	verdict := &recorder{header: make(http.Header)}
	s.Middleware(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		user, _ = server.Subject(r.Context())
	})).ServeHTTP(verdict, r)
	switch s.wait(r.Context(), gate) {
	case canceled:
		return // the client is gone
	case closed:
		answer(w, http.StatusServiceUnavailable, server.CodeUnavailable, "server closed", nil)
		return
	}
	if verdict.status != 0 { // the Middleware answered: no valid token
		verdict.replay(w)
		return
	}
	s.stats.count(server.EventRequest)
	ok(w, map[string]string{"gate": gate, "user": user})
}

// ErrUnknownFailMode is returned by FailRefresh for a mode it does not know.
var ErrUnknownFailMode = errors.New("admin: unknown fail mode")

// FailRefresh makes the next n refresh calls fail as mode says, replacing any failures
// injected before; n <= 0 cancels them. A failed call neither checks nor consumes the
// refresh token it carries, so the client can retry with it.
func (s *Server) FailRefresh(mode FailMode, n int) error {
	if !mode.valid() {
		return fmt.Errorf("%w: %q", ErrUnknownFailMode, mode)
	}
	s.faults.set(mode, max(n, 0))
	return nil
}

// waitResult says why a wait ended.
type waitResult int

const (
	released waitResult = iota
	canceled
	closed
)

// wait blocks until the gate is released, ctx ends or the server is closed.
func (s *Server) wait(ctx context.Context, name string) waitResult {
	ch := s.gates.enter(name)
	defer s.gates.leave(name)
	if s.testHookWaiting != nil {
		s.testHookWaiting(name)
	}
	select {
	case <-ch:
		return released
	case <-ctx.Done():
		return canceled
	case <-s.closed:
		return closed
	}
}

// GateWaiting reports how many requests of /api/hold?gate=name are waiting at the
// gate now, so tests can release it once everything they sent has arrived.
func (s *Server) GateWaiting(name string) int {
	s.gates.mu.Lock()
	defer s.gates.mu.Unlock()
	return s.gates.waiting[name]
}

// ReleaseGate lets every current and future request of /api/hold?gate=name through.
func (s *Server) ReleaseGate(name string) { s.gates.release(name) }
