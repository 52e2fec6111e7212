package server

import (
	"sync"
	"time"
)

// sessions records every refresh token issued, so that each is used once, grouped by
// family (sid), so that reuse of one revokes all of them (RFC 9700, section 4.14.2).
type sessions struct {
	mu       sync.Mutex
	tokens   map[string]*refreshRecord // by jti; guarded by mu
	families map[string]*family        // by sid; guarded by mu
	sweepAt  int                       // len(tokens) that triggers the next sweep; guarded by mu
}

type refreshRecord struct {
	sid  string
	iat  time.Time // with exp, what re-signs the identical token for a grace retry
	exp  time.Time
	used bool
	// Once used: when, and the successor issued for it (its jti), for the grace window.
	usedAt time.Time
	next   string
}

type family struct {
	revoked bool
	exp     time.Time // of its newest refresh token: after it the family is dead anyway
}

// redeemResult says what presenting a refresh token did.
type redeemResult int

const (
	redeemed redeemResult = iota // it was live and is now used
	dead                         // unknown, or its family was revoked
	reused                       // it was used before: its family is (now) revoked
	graced                       // it was used moments ago and its successor is unused: answer that successor again
)

const minSweep = 1024

func newSessions() *sessions {
	return &sessions{
		tokens:   make(map[string]*refreshRecord),
		families: make(map[string]*family),
		sweepAt:  minSweep,
	}
}

// add records a refresh token handed out in family sid at now, creating the family for a
// login. The caller holds mu.
func (ss *sessions) add(jti, sid string, exp, now time.Time) {
	if len(ss.tokens) >= ss.sweepAt {
		ss.sweep(now)
	}
	ss.tokens[jti] = &refreshRecord{sid: sid, iat: now, exp: exp}
	f := ss.families[sid]
	if f == nil {
		f = new(family)
		ss.families[sid] = f
	}
	f.exp = exp
}

// sweep forgets expired tokens and families: their expiry alone already rejects them.
// Sweeping only when the map has doubled keeps add amortised O(1). The caller holds mu.
func (ss *sessions) sweep(now time.Time) {
	for jti, r := range ss.tokens {
		if !now.Before(r.exp) {
			delete(ss.tokens, jti)
		}
	}
	for sid, f := range ss.families {
		if !now.Before(f.exp) {
			delete(ss.families, sid)
		}
	}
	ss.sweepAt = max(2*len(ss.tokens), minSweep)
}

// redeem spends the refresh token jti at now. A token used within grace before, whose
// successor is still unused, is graced: the answer is that successor again (its record is
// returned). The caller holds mu, and on redeemed records the family's next token (see
// spent) under the same hold, so no reuse can slip in between.
func (ss *sessions) redeem(jti string, now time.Time, grace time.Duration) (redeemResult, *refreshRecord) {
	r := ss.tokens[jti]
	if r == nil {
		return dead, nil
	}
	f := ss.families[r.sid]
	if f == nil || f.revoked {
		return dead, nil
	}
	if r.used {
		if next := ss.tokens[r.next]; next != nil && !next.used && now.Sub(r.usedAt) < grace {
			return graced, next
		}
		f.revoked = true
		return reused, nil
	}
	r.used, r.usedAt = true, now
	return redeemed, r
}

// revokeAll revokes every family, hence every refresh token issued so far.
func (ss *sessions) revokeAll() {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	for _, f := range ss.families {
		f.revoked = true
	}
}
