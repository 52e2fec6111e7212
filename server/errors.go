package server

import "errors"

// Errors returned by New, IssuePair and RevokeRefreshTokens; check them with errors.Is.
var (
	ErrNegativeTTL   = errors.New("server: lifetime is negative")
	ErrShortKey      = errors.New("server: HS256 key is shorter than 32 bytes")
	ErrEmptyUsername = errors.New("server: user with an empty name")
	ErrEmptySubject  = errors.New("server: empty subject")
	// ErrStore wraps an error of the Config.Store: the session state is out of reach,
	// which says nothing about the tokens.
	ErrStore = errors.New("server: session store")
)
