package refresh

import (
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// claims are the two times of an access token that matter here.
type claims struct {
	exp, iat       time.Time
	hasExp, hasIat bool
}

// claimsParser reads claims without verifying anything: the client holds no key, and the
// server stays the judge of validity. Its use is only to refresh a little early.
var claimsParser = jwt.NewParser(jwt.WithoutClaimsValidation())

// readClaims returns exp and iat of a JWT. A token that is not a JWT, or has no exp, yields
// no exp and is simply sent.
func readClaims(token string) claims {
	var c claims
	mc := jwt.MapClaims{}
	if _, _, err := claimsParser.ParseUnverified(token, mc); err != nil {
		return c
	}
	if exp, err := mc.GetExpirationTime(); err == nil && exp != nil {
		c.exp, c.hasExp = exp.Time, true
	}
	if iat, err := mc.GetIssuedAt(); err == nil && iat != nil {
		c.iat, c.hasIat = iat.Time, true
	}
	return c
}

// refreshDue reports whether a token should be refreshed before it is sent at serverNow.
// The margin shrinks to a quarter of the token's lifetime, so a short-lived token is not
// refreshed on every request.
func refreshDue(c claims, serverNow time.Time, margin time.Duration) bool {
	if !c.hasExp || margin <= 0 {
		return false
	}
	if c.hasIat {
		if life := c.exp.Sub(c.iat); life > 0 {
			margin = min(margin, life/4)
		}
	}
	return c.exp.Sub(serverNow) <= margin
}

// expiryJudge decides when to refresh before sending. The device clock may be off by hours,
// so it compares exp with the server's time, estimated from the skew measured when a token
// arrives fresh (iat is the server's "now" at issue). A token that is due already when it
// arrives (no iat, a clock it cannot correct) is left to the server's verdict, so a wrong
// clock costs at most one early refresh, never one per request.
type expiryJudge struct {
	margin time.Duration

	mu            sync.Mutex
	cachedToken   string        // guarded by mu: the token claims belongs to, so each is parsed once
	cached        claims        // guarded by mu
	skew          time.Duration // guarded by mu: local clock minus server clock
	serverDecides string        // guarded by mu: a token never refreshed early
}

func (j *expiryJudge) claimsOf(token string) claims {
	if token != j.cachedToken {
		j.cachedToken, j.cached = token, readClaims(token)
	}
	return j.cached
}

// arrived records a token that has just been issued to this client (a login or a refresh).
func (j *expiryJudge) arrived(token string, now time.Time) {
	j.mu.Lock()
	defer j.mu.Unlock()
	c := j.claimsOf(token)
	if c.hasIat {
		j.skew = now.Sub(c.iat)
	}
	if refreshDue(c, now.Add(-j.skew), j.margin) {
		j.serverDecides = token
	}
}

// due reports whether token should be refreshed before it is sent at local time now.
func (j *expiryJudge) due(token string, now time.Time) bool {
	if j.margin <= 0 || token == "" {
		return false
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if token == j.serverDecides {
		return false
	}
	return refreshDue(j.claimsOf(token), now.Add(-j.skew), j.margin)
}

// expiresAt returns token's exp as the server wrote it, or the zero Time.
func (j *expiryJudge) expiresAt(token string) time.Time {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.claimsOf(token).exp
}

// expired reports whether token is past its exp by the corrected clock. A token without
// exp never is.
func (j *expiryJudge) expired(token string, now time.Time) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	c := j.claimsOf(token)
	return c.hasExp && !now.Add(-j.skew).Before(c.exp)
}
