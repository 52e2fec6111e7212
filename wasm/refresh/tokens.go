package refresh

import (
	"context"
	"sync"
)

// Tokens is the pair a session keeps, with what the client learnt when the pair arrived.
// The JSON names are the ones the app passes to setTokens and the browser store writes as
// one localStorage entry, so every tab sharing the store shares all of it.
//
// The client sets Session, ClockOffset, ServerDecides and SendUntil; SetTokens ignores
// what the caller puts there.
type Tokens struct {
	AccessToken  string `json:"accessToken"`
	RefreshToken string `json:"refreshToken"`

	// Session names the login the pair belongs to. A session begins at SetTokens and
	// goes on through its refreshes, in any client sharing the store; a request is sent
	// only with a pair of the session it started in.
	Session string `json:"session,omitempty"`
	// ClockOffset is the device clock minus the server's, in milliseconds, measured from
	// the access token's iat when the pair arrived (0 when it has none).
	ClockOffset int64 `json:"clockOffset,omitempty"`
	// Lifetime is the access token's lifetime in milliseconds as the server gave it
	// (expires_in), for an access token that is not a JWT; SetTokens takes it from the
	// caller. ExpiresAt is when that lifetime ends, by the device clock (Unix ms), set by
	// the client when the pair arrives. A JWT's own exp takes precedence.
	Lifetime  int64 `json:"lifetime,omitempty"`
	ExpiresAt int64 `json:"expiresAt,omitempty"`
	// ServerDecides is set when the access token was due for an early refresh already on
	// arrival (no iat, and a clock the offset cannot correct), or when its early refresh
	// failed twice: it is then sent until the server says it expired.
	ServerDecides bool `json:"serverDecides,omitempty"`
	// SendUntil is the device time (Unix ms) until which the access token is sent as it
	// is, by the judgement of the client that stored the pair; from then on it is due for
	// an early refresh (NeverDue: it never is). It lets the loader send a request while
	// the engine is still loading, and reuse the engine's last answer without asking
	// again; past it, the loader asks.
	SendUntil int64 `json:"sendUntil,omitempty"`
}

// IsZero reports whether t holds no access token, that is, no session.
func (t Tokens) IsZero() bool { return t.AccessToken == "" }

// Store keeps the token pair. It is the source of truth: the client reads it before every
// request and again before every refresh, so a pair written by someone else (another tab,
// the app) is the one used. Save writes both tokens in one write, so no reader ever sees
// half a pair. Implementations must be safe for concurrent use.
type Store interface {
	// Load returns the stored pair, or the zero Tokens when there is none.
	Load() (Tokens, error)
	// Save replaces the stored pair in one write.
	Save(Tokens) error
	// Clear removes the stored pair.
	Clear() error
}

// RotationLog is what a Store adds when its reads can lag behind other clients' writes
// (localStorage across browser tabs). A client records each rotation it makes under the
// cross-client lock, and before it refreshes a pair it asks whether another client rotated
// that pair already: a lagging read then never makes it present a spent refresh token.
// Both methods must return when ctx ends.
type RotationLog interface {
	// Rotated records that the pair with access token from was replaced by to.
	Rotated(ctx context.Context, from string, to Tokens) error
	// Successor returns the newest pair that from was rotated to, following the rotations
	// after it, or false when from was not rotated.
	Successor(ctx context.Context, from string) (Tokens, bool, error)
}

// MemoryStore is a Store held in memory. The zero value is empty and ready to use.
type MemoryStore struct {
	mu     sync.Mutex
	tokens Tokens // guarded by mu
}

// Load implements Store.
func (s *MemoryStore) Load() (Tokens, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokens, nil
}

// Save implements Store.
func (s *MemoryStore) Save(t Tokens) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens = t
	return nil
}

// Clear implements Store.
func (s *MemoryStore) Clear() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens = Tokens{}
	return nil
}
