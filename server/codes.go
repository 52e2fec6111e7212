package server

// Business codes in the "code" field of every JSON reply. The token codes are the
// seed's (docs/PROTOCOL.md); the request-error codes are the HTTP status times 100.
const (
	CodeOK               = 0
	CodeRelogin          = 10007 // refresh token expired, revoked, reused or unknown: log in again
	CodeBadRequest       = 40000 // HTTP 400
	CodeForbidden        = 40300 // HTTP 403: a request of package admin without its header, or from another site
	CodeNotFound         = 40400 // HTTP 404
	CodeMethodNotAllowed = 40500 // HTTP 405
	CodeTooLarge         = 41300 // HTTP 413
	CodeInternal         = 50000 // HTTP 500: tokens could not be signed, or a failure package admin injected
	CodeInvalidToken     = 50008 // access token missing or invalid
	CodeTokenExpired     = 50014 // access token expired: refresh and replay
	CodeUnavailable      = 50300 // HTTP 503: the session store failed (or package admin closed while the request waited)
	CodeWrongCredentials = 60204 // vue-element-admin's code for a failed login
)

// Messages of the codes a client reacts to; fixed so tests and logs can match them.
const (
	msgOK               = "ok"
	msgRelogin          = "refresh token expired, please log in again"
	msgMissingToken     = "missing token"
	msgInvalidToken     = "invalid token"
	msgTokenExpired     = "token expired"
	msgWrongCredentials = "wrong username or password"
	msgStoreUnavailable = "session store unavailable, try again later"
)
