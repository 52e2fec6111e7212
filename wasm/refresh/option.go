package refresh

import (
	"cmp"
	"errors"
	"strings"
	"time"
)

// Option configures a Client. Options are checked together when the client is made; an
// invalid one makes New fail with an *OptionError naming it.
type Option func(*config)

// Each With* option is a closure over one setter method of config, which checks the value
// and records what is wrong with it. Settings calls the setters directly: the wasm, which
// configures clients only through Settings, then links none of the closures.

// TokenPlacement says where the refresh call carries the refresh token.
type TokenPlacement string

const (
	InPath   TokenPlacement = "path"   // substituted for {refreshToken} in the refresh URL (the protocol's default)
	InBody   TokenPlacement = "body"   // a field of a JSON body
	InHeader TokenPlacement = "header" // a request header
	// InForm is the OAuth 2.0 refresh grant (RFC 6749 §6): a form-encoded body of
	// grant_type=refresh_token, refresh_token and, when set, client_id and scope.
	InForm TokenPlacement = "form"
	// InCookie: the refresh token is an HttpOnly cookie that JavaScript never sees; the
	// refresh call is sent with credentials (cookies) included, and no refresh token is
	// stored.
	InCookie TokenPlacement = "cookie"
	// InAccessHeader: there is no refresh token. The refresh call carries the current
	// access token, expired or not, in the request header (headerName, headerPrefix):
	// sliding refresh.
	InAccessHeader TokenPlacement = "accessToken"
)

// Defaults: the protocol of the seed's backend (docs/PROTOCOL.md), spoken with no options.
const (
	DefaultHeaderName       = "X-Token"
	DefaultRefreshURL       = "{baseURL}/refreshJwt/{refreshToken}"
	DefaultRefreshMethod    = "POST"
	DefaultRefreshBodyField = "refreshToken"
	DefaultRefreshHeader    = "X-Refresh-Token"
	DefaultCodePath         = "code"
	DefaultAccessTokenPath  = "data.token"
	DefaultRefreshTokenPath = "data.refreshToken"
	DefaultRefreshTimeout   = 15 * time.Second
	DefaultRefreshMargin    = 30 * time.Second
)

// The default codes and statuses; functions, so no caller can change them.
func defaultExpiredCodes() []int    { return []int{50014} }
func defaultExpiredStatuses() []int { return []int{401} }
func defaultReloginCodes() []int    { return []int{10007} }
func defaultReloginStatuses() []int { return []int{401, 403} }

type config struct {
	baseURL         string
	headerName      string
	headerPrefix    string
	expiredCodes    []int
	expiredStatuses []int
	reloginCodes    []int
	reloginStatuses []int
	codePath        []string

	refreshURL       string
	refreshMethod    string
	refreshTokenIn   TokenPlacement
	refreshTokenName string // the JSON field (InBody) or header (InHeader); unused elsewhere
	clientID         string // InForm: client_id, when not empty
	scope            string // InForm: scope, when not empty
	accessTokenPath  []string
	refreshTokenPath []string // nil: the reply carries no refresh token
	expiresInPath    []string // where the reply keeps the access token's lifetime in seconds; nil: none
	reloginErrors    []string // values of the reply's "error" (RFC 6749 §5.2) that mean "log in again", on 400 or 401
	refreshTimeout   time.Duration
	refreshMargin    time.Duration

	origins         map[string]bool // normalised origins that may receive the token
	followRedirects bool            // requests that carry the token follow redirects

	now      func() time.Time
	locker   Locker
	observer func(Event)

	preset string // the preset option, "" when absent

	errs []error // what the options found wrong, reported together by New
}

func defaultConfig() config {
	return config{
		headerName:       DefaultHeaderName,
		expiredCodes:     defaultExpiredCodes(),
		expiredStatuses:  defaultExpiredStatuses(),
		reloginCodes:     defaultReloginCodes(),
		reloginStatuses:  defaultReloginStatuses(),
		codePath:         splitPath(DefaultCodePath),
		refreshURL:       DefaultRefreshURL,
		refreshMethod:    DefaultRefreshMethod,
		refreshTokenIn:   InPath,
		accessTokenPath:  splitPath(DefaultAccessTokenPath),
		refreshTokenPath: splitPath(DefaultRefreshTokenPath),
		refreshTimeout:   DefaultRefreshTimeout,
		refreshMargin:    DefaultRefreshMargin,
		origins:          map[string]bool{},
		now:              time.Now,
		locker:           noLocker{},
	}
}

// fail records what is wrong with an option. Not inlined: it is called from some twenty
// places, and a copy at each cost several KB of wasm.
//
//go:noinline
func (c *config) fail(option, format string, args ...any) {
	c.errs = append(c.errs, optionErrorf(option, format, args...))
}

// WithBaseURL sets the base that relative request URLs are joined to (see ResolveURL) and
// that {baseURL} in the refresh URL stands for.
func WithBaseURL(base string) Option { return func(c *config) { c.setBaseURL(base) } }

func (c *config) setBaseURL(base string) {
	if strings.ContainsAny(base, "\r\n\t") {
		c.fail("baseURL", "must not contain control characters, got %q", base)
	}
	c.baseURL = base
}

// WithHeader sets the request header that carries the access token and the prefix written
// before the token: ("X-Token", "") by default, ("Authorization", "Bearer ") for a
// standard backend.
func WithHeader(name, prefix string) Option {
	return func(c *config) { c.setHeader(name, prefix) }
}

func (c *config) setHeader(name, prefix string) {
	if !isToken(name) {
		c.fail("headerName", "must be an HTTP header name, got %q", name)
	}
	if strings.ContainsAny(prefix, "\r\n") {
		c.fail("headerPrefix", "must not contain line breaks, got %q", prefix)
	}
	c.headerName, c.headerPrefix = name, prefix
}

// WithExpiredCodes sets the body codes that mean "the access token expired" (default
// 50014). None means only statuses say so.
func WithExpiredCodes(codes ...int) Option {
	return func(c *config) { c.expiredCodes = codeList(codes) }
}

// WithExpiredStatuses sets the HTTP statuses that mean "the access token expired"
// (default 401).
func WithExpiredStatuses(statuses ...int) Option {
	return func(c *config) { c.expiredStatuses = c.statuses("expiredStatuses", statuses) }
}

// WithReloginCodes sets the body codes of the refresh reply that mean "the refresh token
// is dead, log in again" (default 10007).
func WithReloginCodes(codes ...int) Option {
	return func(c *config) { c.reloginCodes = codeList(codes) }
}

// codeList is a copy of codes, which the caller may change afterwards.
func codeList(codes []int) []int { return append([]int(nil), codes...) }

// WithReloginStatuses sets the HTTP statuses of the refresh reply that mean "log in again"
// (default 401 and 403).
func WithReloginStatuses(statuses ...int) Option {
	return func(c *config) { c.reloginStatuses = c.statuses("reloginStatuses", statuses) }
}

func (c *config) statuses(option string, statuses []int) []int {
	for _, s := range statuses {
		if s < 100 || s > 599 {
			c.fail(option, "must hold HTTP statuses (100 to 599), got %d", s)
		}
	}
	return append([]int(nil), statuses...)
}

// WithCodePath sets where a JSON reply keeps its business code, as dot-separated keys
// (default "code").
func WithCodePath(path string) Option {
	return func(c *config) { c.codePath = c.path("codePath", path) }
}

// WithTokenPaths sets where the refresh reply keeps the new tokens (defaults "data.token"
// and "data.refreshToken"). A reply without a new refresh token keeps the old one.
func WithTokenPaths(accessPath, refreshPath string) Option {
	return func(c *config) { c.setTokenPaths(accessPath, refreshPath) }
}

func (c *config) setTokenPaths(accessPath, refreshPath string) {
	c.accessTokenPath = c.path("accessTokenPath", accessPath)
	c.refreshTokenPath = c.path("refreshTokenPath", refreshPath)
}

func (c *config) path(option, p string) []string {
	keys := splitPath(p)
	for _, k := range keys {
		if k == "" {
			c.fail(option, "must be dot-separated keys such as \"data.token\", got %q", p)
			break
		}
	}
	return keys
}

// WithRefreshURL sets the refresh endpoint, a template in which {baseURL} and
// {refreshToken} are replaced (default "{baseURL}/refreshJwt/{refreshToken}").
func WithRefreshURL(template string) Option {
	return func(c *config) { c.refreshURL = template }
}

// WithRefreshMethod sets the refresh call's HTTP method (default POST).
func WithRefreshMethod(method string) Option {
	return func(c *config) { c.setRefreshMethod(method) }
}

func (c *config) setRefreshMethod(method string) {
	if !isToken(method) {
		c.fail("refreshMethod", "must be an HTTP method, got %q", method)
	}
	c.refreshMethod = asciiUpper(method) // a method that is not a token is refused above
}

// WithRefreshToken sets where the refresh call carries the refresh token. name is the JSON
// field (InBody, default "refreshToken") or the header (InHeader, default
// "X-Refresh-Token"); it is ignored InPath, where {refreshToken} in the URL marks the place.
func WithRefreshToken(in TokenPlacement, name string) Option {
	return func(c *config) { c.setRefreshToken(in, name) }
}

func (c *config) setRefreshToken(in TokenPlacement, name string) {
	c.refreshTokenIn = in
	switch in {
	case InPath, InForm, InCookie, InAccessHeader:
		c.refreshTokenName = ""
	case InBody:
		c.refreshTokenName = cmp.Or(name, DefaultRefreshBodyField)
	case InHeader:
		c.refreshTokenName = cmp.Or(name, DefaultRefreshHeader)
		if !isToken(c.refreshTokenName) {
			c.fail("refreshTokenName", "must be an HTTP header name, got %q", name)
		}
	default:
		c.fail("refreshTokenIn", "must be \"path\", \"body\", \"header\", \"form\", \"cookie\" or \"accessToken\", got %q", string(in))
	}
}

// WithRefreshTimeout bounds a whole refresh, from waiting for another tab's refresh to the
// reply (default 15 s). Nothing waits for a refresh longer than this.
func WithRefreshTimeout(d time.Duration) Option {
	return func(c *config) { c.setRefreshTimeout(d) }
}

func (c *config) setRefreshTimeout(d time.Duration) {
	if d <= 0 {
		c.fail("refreshTimeout", "must be positive, got %v", d)
	}
	c.refreshTimeout = d
}

// WithRefreshMargin makes the client refresh before sending when the access token expires
// within d (default 30 s). For a short-lived token the margin shrinks to a quarter of the
// token's lifetime, so it never makes every request refresh. Zero turns proactive refresh
// off; the server's verdict alone then triggers it.
func WithRefreshMargin(d time.Duration) Option {
	return func(c *config) { c.setRefreshMargin(d) }
}

func (c *config) setRefreshMargin(d time.Duration) {
	if d < 0 {
		c.fail("refreshMargin", "must not be negative, got %v", d)
	}
	c.refreshMargin = d
}

// WithBaseOrigin names the origin of baseURL, which receives the token. The browser bridge
// computes it the way fetch will resolve baseURL.
func WithBaseOrigin(origin string) Option {
	return func(c *config) { c.addOrigin("baseURL", origin) }
}

// The values of the tokenRedirects option.
const (
	RedirectsError  = "error"  // a redirect of a request that carries the token is an error (the default)
	RedirectsFollow = "follow" // such requests follow redirects, as fetch does
)

// WithTokenRedirects sets what a request that carries the token does when its reply is a
// redirect: RedirectsError (the default) or RedirectsFollow. A script cannot see where a
// redirect points before fetch follows it, and fetch keeps a custom header such as X-Token
// when it follows one to another origin; so by default authfetch does not let it follow.
// Choose RedirectsFollow only when every redirect of the API stays on allowed origins.
func WithTokenRedirects(policy string) Option {
	return func(c *config) { c.setTokenRedirects(policy) }
}

func (c *config) setTokenRedirects(policy string) {
	switch policy {
	case RedirectsError, RedirectsFollow:
		c.followRedirects = policy == RedirectsFollow
	default:
		c.fail("tokenRedirects", "must be \"error\" or \"follow\", got %q", policy)
	}
}

// WithAllowedOrigins names further origins (scheme://host[:port]) that receive the token.
func WithAllowedOrigins(origins ...string) Option {
	return func(c *config) { c.addOrigins(origins) }
}

func (c *config) addOrigins(origins []string) {
	for _, o := range origins {
		c.addOrigin("allowedOrigins", o)
	}
}

func (c *config) addOrigin(option, origin string) {
	norm, err := NormalizeOrigin(origin)
	if err != nil {
		c.fail(option, "%v", err)
		return
	}
	c.origins[norm] = true
}

// WithClock sets the clock used to judge token expiry (default time.Now).
func WithClock(now func() time.Time) Option {
	return func(c *config) {
		if now == nil {
			c.fail("clock", "must not be nil")
			return
		}
		c.now = now
	}
}

// WithLocker sets the lock that serialises refreshes among all clients sharing the store
// (in the browser, tabs of one origin). Without it only this client's refreshes are
// serialised.
func WithLocker(l Locker) Option {
	return func(c *config) {
		if l == nil {
			c.fail("locker", "must not be nil")
			return
		}
		c.locker = l
	}
}

// WithObserver sets a function told of every step (see Event). It is called from the
// goroutine that took the step, never with a lock held, and must not block.
func WithObserver(fn func(Event)) Option {
	return func(c *config) { c.observer = fn }
}

// validate checks what no single option can check alone.
func (c *config) validate() error {
	switch {
	case c.refreshURL == "" && c.preset == PresetOAuth2:
		c.fail("refreshURL", "is required by preset \"oauth2\": your authorization server's token endpoint")
	case c.refreshURL == "":
		c.fail("refreshURL", "must not be empty")
	case c.refreshTokenIn == InPath && !strings.Contains(c.refreshURL, refreshTokenVar):
		c.fail("refreshURL", "must contain %s when refreshTokenIn is \"path\", got %q", refreshTokenVar, c.refreshURL)
	case c.refreshTokenIn != InPath && strings.Contains(c.refreshURL, refreshTokenVar):
		c.fail("refreshURL", "must not contain %s when refreshTokenIn is %q: the token would travel in the URL", refreshTokenVar, string(c.refreshTokenIn))
	}
	if origin, ok := urlOrigin(c.refreshTemplate()); ok && len(c.origins) > 0 && !c.origins[origin] {
		c.fail("refreshURL", "%q sends the refresh token to %s, which is neither baseURL's origin nor in allowedOrigins", c.refreshURL, origin)
	}
	if (c.refreshTokenIn == InBody || c.refreshTokenIn == InForm) && (c.refreshMethod == "GET" || c.refreshMethod == "HEAD") {
		c.fail("refreshMethod", "%s cannot carry the body that refreshTokenIn %q needs", c.refreshMethod, string(c.refreshTokenIn))
	}
	if c.preset == PresetOAuth2 && c.clientID == "" {
		c.fail("clientId", "is required by preset \"oauth2\": the client id your authorization server gave this app")
	}
	return errors.Join(c.errs...)
}

// isToken reports whether s is a non-empty RFC 9110 token (a header name or method).
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' {
			continue
		}
		if !strings.ContainsRune("!#$%&'*+-.^_`|~", rune(ch)) {
			return false
		}
	}
	return true
}
