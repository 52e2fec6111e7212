package server

import (
	"net/http"
	"strconv"
)

// The routes below are mounted only with Config.Admin. They take no credentials: they
// exist so that demos and browser tests can drive the server. Those that change state
// demand AdminHeader, which a page on another site cannot send without a CORS preflight
// (that this server never answers), and refuse a cross-site Origin: any page the
// developer visits could otherwise expire, revoke or fail their session with a form post.

// AdminHeader must be "1" on every POST to /api/admin/.
const AdminHeader = "X-Authfetch-Admin"

// sameSite admits a request that carries AdminHeader and, when the browser names its
// Origin, comes from this server's own origin.
func (s *Server) sameSite(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if r.Header.Get(AdminHeader) != "1" || (origin != "" && !sameOrigin(origin, r)) {
			s.answer(w, http.StatusForbidden, CodeForbidden, "admin routes need the "+AdminHeader+": 1 header and a same-origin request", nil)
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

// handleHold answers GET /api/hold?gate=NAME once the gate is released, with the
// verdict on the token taken when the request arrived: a reply that arrives after a
// refresh still says 50014 if the token had expired before it.
func (s *Server) handleHold(w http.ResponseWriter, r *http.Request) {
	gate := r.URL.Query().Get("gate")
	if gate == "" {
		s.answerRequestError(w, &requestError{http.StatusBadRequest, CodeBadRequest, "missing query parameter gate"})
		return
	}
	a := s.authenticate(r)
	switch s.wait(r.Context(), gate) {
	case canceled:
		return // the client is gone
	case closed:
		s.answer(w, http.StatusServiceUnavailable, CodeUnavailable, "server closed", nil)
		return
	}
	if a.code != CodeOK {
		s.answer(w, http.StatusOK, a.code, a.message, nil)
		return
	}
	s.stats.requests.Add(1)
	s.ok(w, map[string]string{"gate": gate, "user": a.subject})
}

func (s *Server) handleRelease(w http.ResponseWriter, r *http.Request) {
	gate := r.URL.Query().Get("gate")
	if gate == "" {
		s.answerRequestError(w, &requestError{http.StatusBadRequest, CodeBadRequest, "missing query parameter gate"})
		return
	}
	s.ReleaseGate(gate)
	s.ok(w, nil)
}

func (s *Server) handleReset(w http.ResponseWriter, r *http.Request) {
	s.Reset()
	s.ok(w, nil)
}

func (s *Server) handleExpireAccess(w http.ResponseWriter, r *http.Request) {
	s.ExpireAccessTokens()
	s.ok(w, nil)
}

func (s *Server) handleRevokeRefresh(w http.ResponseWriter, r *http.Request) {
	if err := s.RevokeRefreshTokens(); err != nil {
		s.unavailable(w, r, "revoke refresh tokens", err)
		return
	}
	s.ok(w, nil)
}

// handleFailRefresh answers POST /api/admin/fail-refresh?mode=500|hang|malformed|10007&count=N
// (count defaults to 1).
func (s *Server) handleFailRefresh(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	n := 1
	if c := q.Get("count"); c != "" {
		var err error
		if n, err = strconv.Atoi(c); err != nil {
			s.answerRequestError(w, &requestError{http.StatusBadRequest, CodeBadRequest, "count must be an integer"})
			return
		}
	}
	if err := s.FailRefresh(FailMode(q.Get("mode")), n); err != nil {
		s.answerRequestError(w, &requestError{http.StatusBadRequest, CodeBadRequest,
			"mode must be one of 500, hang, malformed, 10007"})
		return
	}
	s.ok(w, nil)
}

func (s *Server) handleStats(w http.ResponseWriter, r *http.Request) {
	s.ok(w, s.Stats())
}
