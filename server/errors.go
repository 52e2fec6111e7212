package server

import "errors"

// Errors returned by New, IssuePair and FailRefresh; check them with errors.Is.
var (
	ErrNegativeTTL     = errors.New("server: lifetime is negative")
	ErrShortKey        = errors.New("server: HS256 key is shorter than 32 bytes")
	ErrEmptyUsername   = errors.New("server: user with an empty name")
	ErrEmptySubject    = errors.New("server: empty subject")
	ErrUnknownFailMode = errors.New("server: unknown fail mode")
)
