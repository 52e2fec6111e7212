package server

import (
	"fmt"
	"log"
	"maps"
	"time"
)

// Defaults are short so that a demo shows expiry and refresh within a minute.
const (
	DefaultAccessTTL  = 30 * time.Second
	DefaultRefreshTTL = 10 * time.Minute
	// DefaultRefreshGrace is how long a spent refresh token is still answered with its
	// successor: Okta's default rotation grace period.
	DefaultRefreshGrace = 30 * time.Second
)

// Config configures a Server. The zero value is a working demo server.
type Config struct {
	// Users maps user names to passwords. Nil or empty means one user, demo / demo.
	Users map[string]string

	// Key is the HS256 key, at least 32 bytes (RFC 7518, section 3.2). Nil means 32
	// random bytes per New, so tokens die with the process. A fixed key (for example
	// from a flag) is for demos only.
	Key []byte

	// AccessTTL and RefreshTTL are the token lifetimes; zero means the default.
	AccessTTL  time.Duration
	RefreshTTL time.Duration

	// RefreshGrace is the rotation grace window. A refresh reply can be lost after the
	// server rotated (a timeout, a dropped connection), and the client then presents the
	// spent token again. Within this window, and while its successor is unused, that retry
	// gets the same successor refresh token and a freshly signed access token, so a
	// session never has two live branches; after it, or once the successor was used, it is
	// reuse and revokes the family. Zero means DefaultRefreshGrace; negative turns the
	// window off.
	RefreshGrace time.Duration

	// Store keeps the refresh-token families. Nil means a new NewMemoryStore, which lives
	// and dies with this Server's process. Instances of one backend share a Store (see
	// package redisstore) and must share Key too, or each refuses the others' tokens.
	Store Store

	// ErrorLog receives what a client is not told, such as why the Store failed; nil
	// means the log package's standard logger. Tokens are never logged.
	ErrorLog *log.Logger

	// RefreshCookie sends the refresh token as an HttpOnly cookie instead of in the JSON
	// replies (the client's refreshTokenIn: 'cookie'), so no script on the page can read
	// it: HttpOnly, SameSite=Strict, Secure when the request came over HTTPS, and Path
	// /api/refreshJwt, the one route it is for. Rotation, reuse detection and the grace
	// window are the same.
	RefreshCookie bool

	// Now is the clock for issuing and for validating tokens; nil means time.Now.
	// Tests move it to expire tokens without sleeping.
	Now func() time.Time

	// OnEvent, if not nil, is told of every Event as it happens, for metrics: on the
	// request's goroutine, from many at once, so it must be quick and safe for concurrent
	// use.
	OnEvent func(Event)
}

// withDefaults returns a copy of c with defaults filled in, or an error naming the
// first invalid field.
func (c Config) withDefaults() (Config, error) {
	if c.AccessTTL < 0 {
		return c, fmt.Errorf("%w: Config.AccessTTL = %v", ErrNegativeTTL, c.AccessTTL)
	}
	if c.RefreshTTL < 0 {
		return c, fmt.Errorf("%w: Config.RefreshTTL = %v", ErrNegativeTTL, c.RefreshTTL)
	}
	if c.Key != nil && len(c.Key) < 32 {
		return c, fmt.Errorf("%w: Config.Key has %d bytes", ErrShortKey, len(c.Key))
	}
	if _, ok := c.Users[""]; ok {
		return c, fmt.Errorf("%w in Config.Users", ErrEmptyUsername)
	}
	if c.AccessTTL == 0 {
		c.AccessTTL = DefaultAccessTTL
	}
	if c.RefreshTTL == 0 {
		c.RefreshTTL = DefaultRefreshTTL
	}
	switch {
	case c.RefreshGrace == 0:
		c.RefreshGrace = DefaultRefreshGrace
	case c.RefreshGrace < 0:
		c.RefreshGrace = 0 // off
	}
	// Copied so that the caller changing its map later cannot race with logins.
	if len(c.Users) == 0 {
		c.Users = map[string]string{"demo": "demo"}
	} else {
		c.Users = maps.Clone(c.Users)
	}
	if c.Key != nil {
		c.Key = append([]byte(nil), c.Key...)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Store == nil {
		c.Store = NewMemoryStore()
	}
	if c.ErrorLog == nil {
		c.ErrorLog = log.Default()
	}
	return c, nil
}
