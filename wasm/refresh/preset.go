package refresh

// The values of the preset option: the refresh protocols spoken without further options.
const (
	// PresetSeed is the protocol of the seed's backend (docs/PROTOCOL.md): X-Token, the
	// code 50014 for "expired", POST {baseURL}/refreshJwt/{refreshToken}, 10007 for "log in
	// again". It is the default.
	PresetSeed = "seed"
	// PresetOAuth2 is a standard OAuth 2.0 authorization server (RFC 6749 §6): requests
	// carry "Authorization: Bearer"; HTTP 401 means expired; the refresh is the
	// refresh_token grant, form-encoded, to refreshURL (the token endpoint) with clientId
	// and never a client secret; the reply's access_token, refresh_token (the old one is
	// kept when absent) and expires_in; "invalid_grant" on 400 or 401 means log in again.
	PresetOAuth2 = "oauth2"
	// PresetSliding is sliding refresh (gin-jwt, tymon/jwt-auth): requests carry
	// "Authorization: Bearer"; HTTP 401 means expired; the refresh call (GET
	// {baseURL}/refresh_token) carries the current access token the same way, and the
	// reply's new token is at "token". There is no refresh token.
	PresetSliding = "sliding"
)

// WithPreset sets a group of options for one of the refresh protocols real backends run:
// PresetSeed (the default), PresetOAuth2 or PresetSliding. Options after it override what
// it set; Settings applies the preset first.
func WithPreset(name string) Option {
	return func(c *config) { c.setPreset(name) }
}

func (c *config) setPreset(name string) {
	c.preset = name
	switch name {
	case PresetSeed:
	case PresetOAuth2:
		c.headerName, c.headerPrefix = "Authorization", "Bearer "
		c.expiredCodes, c.expiredStatuses = nil, []int{401}
		c.reloginCodes, c.reloginStatuses = nil, nil
		c.reloginErrors = []string{"invalid_grant"}
		c.refreshURL, c.refreshMethod = "", "POST"
		c.refreshTokenIn, c.refreshTokenName = InForm, ""
		c.accessTokenPath, c.refreshTokenPath = []string{"access_token"}, []string{"refresh_token"}
		c.expiresInPath = []string{"expires_in"}
	case PresetSliding:
		c.headerName, c.headerPrefix = "Authorization", "Bearer "
		c.expiredCodes, c.expiredStatuses = nil, []int{401}
		c.reloginCodes = nil
		c.refreshURL, c.refreshMethod = "{baseURL}/refresh_token", "GET"
		c.refreshTokenIn, c.refreshTokenName = InAccessHeader, ""
		c.accessTokenPath, c.refreshTokenPath = []string{"token"}, nil
	default:
		c.fail("preset", "must be \"seed\", \"oauth2\" or \"sliding\", got %q", name)
	}
}

// keepsRefreshToken reports whether the client stores a refresh token: not when it is an
// HttpOnly cookie, nor under sliding refresh, which has none.
func (c *config) keepsRefreshToken() bool {
	return c.refreshTokenIn != InCookie && c.refreshTokenIn != InAccessHeader
}

// WithClient sets the OAuth 2.0 client_id and scope that the refresh grant (InForm) sends;
// an empty scope is left out. No client secret is ever sent: a browser cannot keep one.
func WithClient(id, scope string) Option {
	return func(c *config) { c.clientID, c.scope = id, scope }
}

// WithExpiresInPath sets where the refresh reply keeps the new access token's lifetime in
// seconds ("expires_in" under PresetOAuth2). For an access token that is not a JWT it
// drives the early refresh.
func WithExpiresInPath(path string) Option {
	return func(c *config) { c.expiresInPath = c.path("expiresInPath", path) }
}
