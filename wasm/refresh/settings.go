package refresh

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"time"
)

// Settings are the options as data, named as the JavaScript options are: what the browser
// loader sends as one JSON object when a client is made. An absent field keeps the default,
// which lives only in this package (defaultConfig). Values are checked by the Options they
// turn into, so a wrong one names its option.
type Settings struct {
	Preset           *string  `json:"preset"`
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
	ExpiresInPath    *string  `json:"expiresInPath"`
	ClientID         *string  `json:"clientId"`
	Scope            *string  `json:"scope"`
	RefreshTimeout   *float64 `json:"refreshTimeout"` // milliseconds
	RefreshMargin    *float64 `json:"refreshMargin"`  // milliseconds
	StorageKey       *string  `json:"storageKey"`     // the store's key; the bridge reads it with Key
	TokenRedirects   *string  `json:"tokenRedirects"`
}

// DefaultStorageKey is the localStorage key of the token pair, and the name of the
// cross-tab refresh lock, when the storageKey option is absent.
const DefaultStorageKey = "authfetch"

// DecodeSettings reads Settings from JSON, the options as the app gave them (the loader
// keeps only its own: callbacks, debug, wasmURL). An option it does not know (names are
// matched exactly, unlike encoding/json's), null, or of the wrong type is an *OptionError
// naming it. The loader sends a value JSON cannot hold (a function, NaN) as
// {"$js": "<what it is>"}, so that the error can say what it got.
func DecodeSettings(data []byte) (Settings, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return Settings{}, fmt.Errorf("%w: %v", ErrInvalidOption, err)
	}
	// The first wrong option in name order, so the same options give the same error.
	wrong, reason := "", ""
	for name, v := range raw {
		if wrong != "" && name > wrong {
			continue
		}
		switch kind := optionKind(name); {
		case kind == "":
			wrong, reason = name, "is not an option of authfetch"
			if known := optionNamed(name); known != "" {
				reason += "; did you mean " + known + "?"
			}
		case holdsNull(v):
			wrong, reason = name, "must be "+kind+", got "+describeJSON(v)
		}
	}
	if wrong != "" {
		return Settings{}, optionErrorf(wrong, "%s", reason)
	}
	var s Settings
	if err := json.Unmarshal(data, &s); err != nil {
		// Not errors.As: it links reflectlite, some KB of wasm; Unmarshal does not wrap.
		if te, ok := err.(*json.UnmarshalTypeError); ok && te.Field != "" {
			name, _, _ := strings.Cut(te.Field, ".")
			return Settings{}, optionErrorf(name, "must be %s, got %s", optionKind(name), describeJSON(raw[name]))
		}
		return Settings{}, fmt.Errorf("%w: %v", ErrInvalidOption, err)
	}
	return s, nil
}

// holdsNull reports whether v is null or an array with a null element, which
// encoding/json would read as "absent" or as a zero.
func holdsNull(v json.RawMessage) bool {
	var elems []json.RawMessage
	if string(v) == "null" || json.Unmarshal(v, &elems) != nil {
		return string(v) == "null"
	}
	for _, e := range elems {
		if string(e) == "null" {
			return true
		}
	}
	return false
}

// optionKind says what an option's value must be, from its field in Settings, or "" when
// there is no option of that name.
func optionKind(name string) string {
	t := reflect.TypeFor[Settings]()
	for i := range t.NumField() {
		if tag, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); tag == name {
			switch t.Field(i).Type.String() {
			case "*float64":
				return "a number"
			case "[]int":
				return "an array of integers"
			case "[]string":
				return "an array of strings"
			}
			return "a string"
		}
	}
	return ""
}

// optionNamed returns the option whose name is name but for case, or "".
func optionNamed(name string) string {
	t := reflect.TypeFor[Settings]()
	for i := range t.NumField() {
		if tag, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); strings.EqualFold(tag, name) {
			return tag
		}
	}
	return ""
}

// describeJSON says what an option's value is, for an error message: its JSON text, cut
// short, with what the loader said of values JSON cannot hold. (Without decoding into
// interface values, which would link more of encoding/json into the wasm.)
func describeJSON(raw json.RawMessage) string {
	s := render(raw)
	if len(s) > 60 {
		s = s[:57] + "..."
	}
	return s
}

func render(raw json.RawMessage) string {
	var marked struct {
		JS *string `json:"$js"`
	}
	var elems []json.RawMessage
	switch {
	case json.Unmarshal(raw, &marked) == nil && marked.JS != nil:
		return *marked.JS
	case json.Unmarshal(raw, &elems) == nil:
		parts := make([]string, len(elems))
		for i, e := range elems {
			parts[i] = render(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return string(raw)
}

// Key is the storageKey option, or its default.
func (s Settings) Key() string {
	if s.StorageKey == nil {
		return DefaultStorageKey
	}
	return *s.StorageKey
}

// Options turns the settings into the Options New takes: one, which applies every present
// field in turn through the same setters as the With* options (absent fields keep their
// defaults).
func (s Settings) Options() []Option { return []Option{s.apply} }

// apply sets what the settings hold, in the order the With* options would, so that errors
// come out in the same order.
func (s Settings) apply(c *config) {
	if s.Preset != nil { // first: every option given beside it wins
		c.setPreset(*s.Preset)
	}
	if s.BaseURL != nil {
		c.setBaseURL(*s.BaseURL)
	}
	if s.BaseOrigin != "" {
		c.addOrigin("baseURL", s.BaseOrigin)
	}
	if s.AllowedOrigins != nil {
		c.addOrigins(s.AllowedOrigins)
	}
	if s.HeaderName != nil || s.HeaderPrefix != nil {
		c.setHeader(or(s.HeaderName, c.headerName), or(s.HeaderPrefix, c.headerPrefix))
	}
	if s.ExpiredCodes != nil {
		c.expiredCodes = codeList(s.ExpiredCodes)
	}
	if s.ExpiredStatuses != nil {
		c.expiredStatuses = c.statuses("expiredStatuses", s.ExpiredStatuses)
	}
	if s.ReloginCodes != nil {
		c.reloginCodes = codeList(s.ReloginCodes)
	}
	if s.ReloginStatuses != nil {
		c.reloginStatuses = c.statuses("reloginStatuses", s.ReloginStatuses)
	}
	if s.CodePath != nil {
		c.codePath = c.path("codePath", *s.CodePath)
	}
	if s.RefreshURL != nil {
		c.refreshURL = *s.RefreshURL
	}
	if s.RefreshMethod != nil {
		c.setRefreshMethod(*s.RefreshMethod)
	}
	if s.RefreshTokenIn != nil || s.RefreshTokenName != nil {
		c.setRefreshToken(TokenPlacement(or(s.RefreshTokenIn, string(c.refreshTokenIn))), or(s.RefreshTokenName, ""))
	}
	if s.AccessTokenPath != nil {
		c.accessTokenPath = c.path("accessTokenPath", *s.AccessTokenPath)
	}
	if s.RefreshTokenPath != nil {
		c.refreshTokenPath = c.path("refreshTokenPath", *s.RefreshTokenPath)
	}
	if s.ExpiresInPath != nil {
		c.expiresInPath = c.path("expiresInPath", *s.ExpiresInPath)
	}
	if s.ClientID != nil || s.Scope != nil {
		c.clientID, c.scope = or(s.ClientID, c.clientID), or(s.Scope, c.scope)
	}
	if s.RefreshTimeout != nil {
		c.setRefreshTimeout(millis(*s.RefreshTimeout))
	}
	if s.RefreshMargin != nil {
		c.setRefreshMargin(millis(*s.RefreshMargin))
	}
	if s.TokenRedirects != nil {
		c.setTokenRedirects(*s.TokenRedirects)
	}
	if s.StorageKey != nil && *s.StorageKey == "" {
		c.fail("storageKey", "must be a non-empty string")
	}
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
	// Redirect is the redirect mode of a request that may carry the token, when the app
	// left fetch's default "follow": "manual" (the reply to a redirect is then refused
	// with RedirectRefused and the request's URL) or "follow".
	Redirect        string `json:"redirect"`
	RedirectRefused string `json:"redirectRefused"`
	// StreamReplay says why a request whose body is a stream cannot be replayed.
	StreamReplay string `json:"streamReplay"`
	// ExpiredStatuses and ExpiredCodes are Judge's rule: a reply whose status or body code
	// is listed may mean "expired" and is handed to the engine; any other goes straight to
	// the caller.
	ExpiredStatuses []int `json:"expiredStatuses"`
	ExpiredCodes    []int `json:"expiredCodes"`
}

// redirectRefused says why a redirect of a request that carries the token was not followed.
const redirectRefused = "authfetch: a request that carries the access token was redirected, and " +
	"is not followed: the browser would send the token on to wherever the redirect points. If every " +
	"redirect of your API stays on allowed origins, set the option tokenRedirects: \"follow\". Request: "

// Plan returns the client's Plan.
func (c *Client) Plan() Plan {
	p := Plan{
		HeaderName:      c.cfg.headerName,
		HeaderPrefix:    c.cfg.headerPrefix,
		ReadsCode:       c.NeedsBodyCode(),
		CodePath:        c.cfg.codePath,
		MaxCodeBody:     MaxCodeBody,
		Redirect:        "manual",
		ExpiredStatuses: append([]int{}, c.cfg.expiredStatuses...),
		ExpiredCodes:    append([]int{}, c.cfg.expiredCodes...),
		StreamReplay:    "authfetch: the access token expired and the request must be sent again, but its body is a ReadableStream, which cannot be sent twice; send a Blob, string or FormData instead",
	}
	if c.cfg.followRedirects {
		p.Redirect = "follow"
	} else {
		p.RedirectRefused = redirectRefused
	}
	for o := range c.cfg.origins {
		p.Origins = append(p.Origins, o)
	}
	return p
}
