package refresh

import (
	"errors"
	"math/rand/v2"
	"strconv"
	"sync"
)

// newSession names a new login. Unique is enough: it is no secret.
func newSession() string { return strconv.FormatUint(rand.Uint64(), 36) }

// sessionMemory is how many access tokens a sessionBook remembers.
const sessionMemory = 16

// sessionBook remembers which session each access token handed out belongs to, so that a
// reply to an older token than the stored one can be told apart: its session refreshed
// meanwhile (the request is replayed with the stored pair) or a new login replaced it (the
// request is never replayed with the new user's token). It keeps the last sessionMemory
// tokens; a request in flight across more rotations than that counts as another session's.
type sessionBook struct {
	mu     sync.Mutex
	tokens [sessionMemory]string // guarded by mu: a ring, next is the oldest
	ids    [sessionMemory]string // guarded by mu: the session of tokens[i]
	next   int
}

// note records that t's access token is handed out to a request.
func (b *sessionBook) note(t Tokens) {
	if t.AccessToken == "" {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	last := (b.next + sessionMemory - 1) % sessionMemory
	if b.tokens[last] == t.AccessToken && b.ids[last] == t.Session {
		return // the common case: the same pair as the request before
	}
	for i := range b.tokens {
		if b.tokens[i] == t.AccessToken {
			b.ids[i] = t.Session
			return
		}
	}
	b.tokens[b.next], b.ids[b.next] = t.AccessToken, t.Session
	b.next = (b.next + 1) % sessionMemory
}

// of returns the session of token, or false when it is unknown.
func (b *sessionBook) of(token string) (string, bool) {
	if token == "" {
		return "", false
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for i := range b.tokens {
		if b.tokens[i] == token {
			return b.ids[i], true
		}
	}
	return "", false
}

// errSessionGone is why a request of a session that ended is not sent again: the app
// logged out, or a new login replaced the session.
var errSessionGone = errors.New("the request's session ended while it waited: logged out, or replaced by a new login")

// sessionGone is the error of a request whose session ended: no relogin prompt goes with
// it, since the app (or the user in another tab) ended the session.
func sessionGone() error {
	return &RefreshError{Kind: ErrSessionExpired, Cause: errSessionGone}
}
