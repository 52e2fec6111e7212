package server

import (
	"crypto/rand"
	"errors"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Token kinds, in the "kind" claim, so that neither kind passes for the other.
const (
	kindAccess  = "access"
	kindRefresh = "refresh"
)

// claims is the payload of both kinds of token.
type claims struct {
	jwt.RegisteredClaims
	Kind string `json:"kind"`
	// SID names the session (token family): one login and all its rotations.
	SID string `json:"sid"`
	// Gen is the access-token generation; ExpireAccessTokens expires older ones. It
	// starts at 1 so that every access token carries it; refresh tokens omit it.
	Gen uint64 `json:"gen,omitempty"`
}

// tokenPair is the "data" of a login or refresh reply.
type tokenPair struct {
	Token        string `json:"token"`
	RefreshToken string `json:"refreshToken,omitempty"` // empty in cookie mode
}

var errTokenKind = errors.New("wrong kind of token")

// newID returns 128 random bits, for jti and sid.
func newID() string { return rand.Text() }

// signPair signs a new access and refresh token for subject in session sid, issued at
// now. The caller records the refresh token (returned as the Store knows it) before
// handing it out.
func (s *Server) signPair(subject, sid string, now time.Time) (pair tokenPair, refresh Token, err error) {
	access := &claims{
		RegisteredClaims: jwt.RegisteredClaims{
			ID:        newID(),
			Subject:   subject,
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(s.cfg.AccessTTL)),
		},
		Kind: kindAccess,
		SID:  sid,
		Gen:  s.generation.Load(),
	}
	refresh = Token{ID: newID(), IssuedAt: now, ExpiresAt: now.Add(s.cfg.RefreshTTL)}
	if pair.Token, err = s.sign(access); err != nil {
		return tokenPair{}, Token{}, err
	}
	if pair.RefreshToken, err = s.sign(refreshClaims(subject, sid, refresh)); err != nil {
		return tokenPair{}, Token{}, err
	}
	return pair, refresh, nil
}

// refreshClaims are the claims of refresh token t. Signing them again gives the
// identical token: NumericDate keeps whole seconds (jwt.TimePrecision), so a Store that keeps milliseconds
// loses nothing.
func refreshClaims(subject, sid string, t Token) *claims {
	return &claims{
		RegisteredClaims: jwt.RegisteredClaims{
			ID:        t.ID,
			Subject:   subject,
			IssuedAt:  jwt.NewNumericDate(t.IssuedAt),
			ExpiresAt: jwt.NewNumericDate(t.ExpiresAt),
		},
		Kind: kindRefresh,
		SID:  sid,
	}
}

func (s *Server) sign(c *claims) (string, error) {
	return jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(s.key)
}

// parse verifies the signature and the expiry of a token of the wanted kind. An
// expired token yields an error matching jwt.ErrTokenExpired, checked only after the
// signature, so a forged token never passes for an expired one.
func (s *Server) parse(token, kind string) (*claims, error) {
	c := new(claims)
	if _, err := s.parser.ParseWithClaims(token, c, s.keyFunc); err != nil {
		return nil, err
	}
	if c.Kind != kind || c.ID == "" || c.SID == "" || c.Subject == "" {
		return nil, errTokenKind
	}
	return c, nil
}

func (s *Server) keyFunc(*jwt.Token) (any, error) { return s.key, nil }
