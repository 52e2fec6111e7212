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
	at, ok := dueFrom(c, margin)
	return ok && !serverNow.Before(at)
}

// dueFrom is the server time from which refreshDue reports true, or false when it never
// does.
func dueFrom(c claims, margin time.Duration) (time.Time, bool) {
	if !c.hasExp || margin <= 0 {
		return time.Time{}, false
	}
	if c.hasIat {
		if life := c.exp.Sub(c.iat); life > 0 {
			margin = min(margin, life/4)
		}
	}
	return c.exp.Add(-margin), true
}

// NeverDue is Tokens.SendUntil of an access token that is never refreshed early: the
// largest time a JavaScript Date holds.
const NeverDue = 8_640_000_000_000_000

// expiryJudge decides when to refresh before sending. The device clock may be off by hours,
// so it compares exp with the server's time, estimated from the clock offset measured when
// the pair arrived fresh (iat is the server's "now" at issue). The offset and the verdict
// "the server decides" travel with the pair (Tokens), so a client that adopts a pair
// another client (tab) received judges it the same way. A token that is due already when it
// arrives (no iat, a clock it cannot correct) is left to the server's verdict, so a wrong
// clock costs at most one early refresh per pair, never one per request or per tab.
type expiryJudge struct {
	margin time.Duration

	mu          sync.Mutex
	cachedToken string // guarded by mu: the token claims belongs to, so each is parsed once
	cached      claims // guarded by mu
	failedEarly string // guarded by mu: the token whose early refresh failed, and how often
	failures    int
}

func (j *expiryJudge) claimsOf(token string) claims {
	if token != j.cachedToken {
		j.cachedToken, j.cached = token, readClaims(token)
	}
	return j.cached
}

// serverNow is the server's time at local time now, as t's clock offset estimates it.
func serverNow(t Tokens, now time.Time) time.Time {
	return now.Add(-time.Duration(t.ClockOffset) * time.Millisecond)
}

// arrived returns t, just issued to this client at local time now (a login, or a refresh
// from prev), with its clock offset and verdict set. A token without iat keeps prev's
// offset: the clock is the same.
func (j *expiryJudge) arrived(t, prev Tokens, now time.Time) Tokens {
	j.mu.Lock()
	defer j.mu.Unlock()
	t.ExpiresAt = 0
	if t.Lifetime > 0 {
		t.ExpiresAt = now.UnixMilli() + t.Lifetime
	}
	c := j.claimsOf(t.AccessToken)
	t.ClockOffset = prev.ClockOffset
	if c.hasIat {
		t.ClockOffset = now.Sub(c.iat).Milliseconds()
	}
	// refreshDue's verdict, from one reading of when the token is due.
	at, due := dueFrom(pairClaims(c, t), j.margin)
	t.ServerDecides = due && !serverNow(t, now).Before(at)
	t.SendUntil = NeverDue
	if due && !t.ServerDecides {
		t.SendUntil = unixMilli(at) + t.ClockOffset // floored: never later than due says
	}
	return t
}

// unixMilli is t in Unix milliseconds, within ±NeverDue: a JWT may claim any exp.
func unixMilli(t time.Time) int64 {
	if s := t.Unix(); s > NeverDue/1000 || s < -NeverDue/1000 {
		return max(min(s, 1), -1) * NeverDue
	}
	return t.UnixMilli()
}

// pairClaims is c, the claims of t's access token, or when it has no exp (an opaque token)
// the expiry the server gave with it (expires_in), in server time as c's would be.
func pairClaims(c claims, t Tokens) claims {
	if c.hasExp || t.ExpiresAt == 0 {
		return c
	}
	exp := time.UnixMilli(t.ExpiresAt - t.ClockOffset)
	return claims{exp: exp, hasExp: true, iat: exp.Add(-time.Duration(t.Lifetime) * time.Millisecond), hasIat: true}
}

// due reports whether t's access token should be refreshed before it is sent at local
// time now.
func (j *expiryJudge) due(t Tokens, now time.Time) bool {
	if j.margin <= 0 || t.AccessToken == "" || t.ServerDecides {
		return false
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if t.AccessToken == j.failedEarly && j.failures >= 2 {
		return false // retried once already: the server decides
	}
	return refreshDue(pairClaims(j.claimsOf(t.AccessToken), t), serverNow(t, now), j.margin)
}

// earlyRefreshFailed records that an early refresh of token failed. The first failure is
// retried once (by whichever request comes first, not by each); after the second the token
// is sent until the server says it expired.
func (j *expiryJudge) earlyRefreshFailed(token string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if token != j.failedEarly {
		j.failedEarly, j.failures = token, 0
	}
	j.failures++
}

// expiresAt returns when t's access token expires in server time (its exp, or what
// expires_in said), or the zero Time.
func (j *expiryJudge) expiresAt(t Tokens) time.Time {
	j.mu.Lock()
	defer j.mu.Unlock()
	return pairClaims(j.claimsOf(t.AccessToken), t).exp
}

// expired reports whether t's access token is past its exp by the server's clock as t's
// offset estimates it. A token without exp never is.
func (j *expiryJudge) expired(t Tokens, now time.Time) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	c := pairClaims(j.claimsOf(t.AccessToken), t)
	return c.hasExp && !serverNow(t, now).Before(c.exp)
}
