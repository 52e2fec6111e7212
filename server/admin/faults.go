package admin

import (
	"io"
	"net/http"
	"sync"

	"github.com/authfetch/authfetch/server"
)

// FailMode is how FailRefresh makes refresh calls fail.
type FailMode string

const (
	// FailStatus500 answers HTTP 500 with a JSON body of code 50000.
	FailStatus500 FailMode = "500"
	// FailHang never answers on its own: the call ends when the client gives up or the
	// server is closed (then with HTTP 503).
	FailHang FailMode = "hang"
	// FailMalformed answers HTTP 200, Content-Type application/json, with a body cut off
	// in the middle, as a broken proxy would: it is not JSON.
	FailMalformed FailMode = "malformed"
	// FailRelogin answers code 10007 without touching any token.
	FailRelogin FailMode = "10007"
)

func (m FailMode) valid() bool {
	switch m {
	case FailStatus500, FailHang, FailMalformed, FailRelogin:
		return true
	}
	return false
}

// faults holds the failures FailRefresh injected.
type faults struct {
	mu   sync.Mutex
	mode FailMode // guarded by mu
	left int      // calls still to fail; guarded by mu
}

// take consumes one injected failure, if any is left.
func (f *faults) take() (FailMode, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.left <= 0 {
		return "", false
	}
	f.left--
	return f.mode, true
}

func (f *faults) set(mode FailMode, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.mode, f.left = mode, n
}

// smallBodyLimit is how much of a hanging call's body is read (the product's limit on
// a refresh body).
const smallBodyLimit = 64 << 10

// fail answers a refresh call the way mode says.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, mode FailMode) {
	switch mode {
	case FailStatus500:
		answer(w, http.StatusInternalServerError, server.CodeInternal, "injected refresh failure", nil)
	case FailMalformed:
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write([]byte(`{"code":0,"data":{"token":"`))
	case FailRelogin:
		s.stats.count(server.EventRelogin)
		answer(w, http.StatusOK, server.CodeRelogin, "refresh token expired, please log in again", nil)
	case FailHang:
		// net/http notices a client hanging up only once the body is read.
		_, _ = io.Copy(io.Discard, http.MaxBytesReader(w, r.Body, smallBodyLimit))
		if s.testHookHanging != nil {
			s.testHookHanging()
		}
		select {
		case <-r.Context().Done():
			// The client is gone; there is no one to answer.
		case <-s.closed:
			answer(w, http.StatusServiceUnavailable, server.CodeUnavailable, "server closed", nil)
		}
	}
}
