package refresh

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// Settings are the options as data, named as the JavaScript options are: what the browser
// loader sends as one JSON object when a client is made. An absent field keeps the default,
// which lives only in this package (defaultConfig). Values are checked by the Options they
// turn into, so a wrong one names its option.
type Settings struct {
	BaseURL          *string  `json:"baseURL"`
	BaseOrigin       string   `json:"baseOrigin"` // computed by the loader: baseURL's origin as fetch resolves it
	AllowedOrigins   []string `json:"allowedOrigins"`
	HeaderName       *string  `json:"headerName"`
	HeaderPrefix     *string  `json:"headerPrefix"`
	ExpiredCodes     []int    `json:"expiredCodes"`
	ExpiredStatuses  []int    `json:"expiredStatuses"`
	ReloginCodes     []int    `json:"reloginCodes"`
	ReloginStatuses  []int    `json:"reloginStatuses"`
	CodePath         *string  `json:"codePath"`
	RefreshURL       *string  `json:"refreshURL"`
	RefreshMethod    *string  `json:"refreshMethod"`
	RefreshTokenIn   *string  `json:"refreshTokenIn"`
	RefreshTokenName *string  `json:"refreshTokenName"`
	AccessTokenPath  *string  `json:"accessTokenPath"`
	RefreshTokenPath *string  `json:"refreshTokenPath"`
	RefreshTimeout   *float64 `json:"refreshTimeout"` // milliseconds
	RefreshMargin    *float64 `json:"refreshMargin"`  // milliseconds
	StorageKey       *string  `json:"storageKey"`     // the store's key; the bridge reads it with StorageKey
}

// DefaultStorageKey is the localStorage key of the token pair, and the name of the
// cross-tab refresh lock, when the storageKey option is absent.
const DefaultStorageKey = "authfetch"

// DecodeSettings reads Settings from JSON. A field it does not know is an error: the loader
// and this struct must name the same options.
func DecodeSettings(data []byte) (Settings, error) {
	var s Settings
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return Settings{}, fmt.Errorf("%w: %v", ErrInvalidOption, err)
	}
	return s, nil
}

// Key is the storageKey option, or its default.
func (s Settings) Key() string {
	if s.StorageKey == nil {
		return DefaultStorageKey
	}
	return *s.StorageKey
}

// Options turns the settings into the Options New takes; absent fields add none.
func (s Settings) Options() []Option {
	var opts []Option
	add := func(o Option) { opts = append(opts, o) }
	if s.BaseURL != nil {
		add(WithBaseURL(*s.BaseURL))
	}
	if s.BaseOrigin != "" {
		add(WithBaseOrigin(s.BaseOrigin))
	}
	if s.AllowedOrigins != nil {
		add(WithAllowedOrigins(s.AllowedOrigins...))
	}
	if s.HeaderName != nil || s.HeaderPrefix != nil {
		add(WithHeader(or(s.HeaderName, DefaultHeaderName), or(s.HeaderPrefix, "")))
	}
	if s.ExpiredCodes != nil {
		add(WithExpiredCodes(s.ExpiredCodes...))
	}
	if s.ExpiredStatuses != nil {
		add(WithExpiredStatuses(s.ExpiredStatuses...))
	}
	if s.ReloginCodes != nil {
		add(WithReloginCodes(s.ReloginCodes...))
	}
	if s.ReloginStatuses != nil {
		add(WithReloginStatuses(s.ReloginStatuses...))
	}
	if s.CodePath != nil {
		add(WithCodePath(*s.CodePath))
	}
	if s.RefreshURL != nil {
		add(WithRefreshURL(*s.RefreshURL))
	}
	if s.RefreshMethod != nil {
		add(WithRefreshMethod(*s.RefreshMethod))
	}
	if s.RefreshTokenIn != nil || s.RefreshTokenName != nil {
		add(WithRefreshToken(TokenPlacement(or(s.RefreshTokenIn, string(InPath))), or(s.RefreshTokenName, "")))
	}
	if s.AccessTokenPath != nil || s.RefreshTokenPath != nil {
		add(WithTokenPaths(or(s.AccessTokenPath, DefaultAccessTokenPath), or(s.RefreshTokenPath, DefaultRefreshTokenPath)))
	}
	if s.RefreshTimeout != nil {
		add(WithRefreshTimeout(millis(*s.RefreshTimeout)))
	}
	if s.RefreshMargin != nil {
		add(WithRefreshMargin(millis(*s.RefreshMargin)))
	}
	if s.StorageKey != nil && *s.StorageKey == "" {
		add(func(c *config) { c.fail("storageKey", "must be a non-empty string") })
	}
	return opts
}

func or(p *string, def string) string {
	if p == nil {
		return def
	}
	return *p
}

func millis(ms float64) time.Duration { return time.Duration(ms * float64(time.Millisecond)) }

// Plan is what the loader needs for the per-request browser work, decided here once when
// the client is made: where the token goes and how, and which replies to read a code from.
type Plan struct {
	HeaderName   string   `json:"headerName"`
	HeaderPrefix string   `json:"headerPrefix"`
	Origins      []string `json:"origins"`     // the origins that receive the token, as browsers serialise them
	ReadsCode    bool     `json:"readsCode"`   // some body code means "expired": read the code of JSON replies
	CodePath     []string `json:"codePath"`    // where a JSON reply keeps its code
	MaxCodeBody  int      `json:"maxCodeBody"` // read no more of a reply than this, in bytes
}

// Plan returns the client's Plan.
func (c *Client) Plan() Plan {
	p := Plan{
		HeaderName:   c.cfg.headerName,
		HeaderPrefix: c.cfg.headerPrefix,
		ReadsCode:    c.NeedsBodyCode(),
		CodePath:     c.cfg.codePath,
		MaxCodeBody:  MaxCodeBody,
	}
	for o := range c.cfg.origins {
		p.Origins = append(p.Origins, o)
	}
	return p
}
