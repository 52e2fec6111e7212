package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// Body limits: login and refresh bodies are a few hundred bytes; echo takes uploads.
const (
	smallBodyLimit = 64 << 10
	echoBodyLimit  = 1 << 20
)

// requestError is a malformed request, answered with an HTTP error status.
type requestError struct {
	status, code int
	message      string
}

var errEmptyBody = &requestError{http.StatusBadRequest, CodeBadRequest, "missing request body"}

func (s *Server) answerRequestError(w http.ResponseWriter, e *requestError) {
	s.answer(w, e.status, e.code, e.message, nil)
}

// readBody reads the whole body, at most limit bytes.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, *requestError) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return nil, &requestError{http.StatusRequestEntityTooLarge, CodeTooLarge,
				fmt.Sprintf("request body is larger than %d bytes", limit)}
		}
		return nil, &requestError{http.StatusBadRequest, CodeBadRequest, "cannot read request body"}
	}
	return body, nil
}

// decodeJSON reads a JSON object of at most limit bytes into v. It returns errEmptyBody
// for an empty body, which some callers accept.
func decodeJSON(w http.ResponseWriter, r *http.Request, limit int64, v any) *requestError {
	body, rerr := readBody(w, r, limit)
	if rerr != nil {
		return rerr
	}
	if len(body) == 0 {
		return errEmptyBody
	}
	err := json.Unmarshal(body, v)
	if err == nil {
		return nil
	}
	if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		if te.Field == "" {
			return &requestError{http.StatusBadRequest, CodeBadRequest, "request body must be a JSON object"}
		}
		return &requestError{http.StatusBadRequest, CodeBadRequest,
			fmt.Sprintf("field %q must be a %s", te.Field, te.Type)}
	}
	return &requestError{http.StatusBadRequest, CodeBadRequest, "request body is not valid JSON"}
}
