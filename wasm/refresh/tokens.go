package refresh

import "sync"

// Tokens is the pair a session keeps. The JSON names are the ones the app passes to
// setTokens and the browser store writes as one localStorage entry.
type Tokens struct {
	AccessToken  string `json:"accessToken"`
	RefreshToken string `json:"refreshToken"`
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
