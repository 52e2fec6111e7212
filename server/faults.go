package server

import (
	"fmt"
	"io"
	"net/http"
	"sync"
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

// fail answers a refresh call the way mode says.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, mode FailMode) {
	switch mode {
	case FailStatus500:
		s.answer(w, http.StatusInternalServerError, CodeInternal, "injected refresh failure", nil)
	case FailMalformed:
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write([]byte(`{"code":0,"data":{"token":"`))
	case FailRelogin:
		s.relogin(w)
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
			s.answer(w, http.StatusServiceUnavailable, CodeUnavailable, "server closed", nil)
		}
	}
}
