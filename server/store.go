package server

import (
	"context"
	"strconv"
	"time"
)

// Store keeps the state of refresh-token families: for each family (one login and all its
// rotations), its one live refresh token and the token spent last, so that each refresh
// token is used once and a reuse ends its family (RFC 9700, section 4.14.2). It is the only
// state a Server keeps about sessions, so Servers that share a Store and a Config.Key act
// as one backend: see NewMemoryStore for one process and package redisstore for several.
//
// A Store keeps IDs (jti) and times, never a token. Its methods are safe for concurrent use,
// and each is one atomic step against every other call, in this process or any other that
// shares the store. Stores may keep times to the millisecond.
type Store interface {
	// Issue records first as the live token of the new family (a login).
	Issue(ctx context.Context, family string, first Token) error

	// Redeem presents the refresh token jti of family at now:
	//   - the family's live token is spent and next becomes the live one: Redeemed,
	//     with next as Successor;
	//   - the token spent last, presented less than grace after it was spent: Graced,
	//     with the live token as Successor (the retry of a refresh whose reply was lost);
	//   - the token spent last, presented again by the same call (same next.ID) after it
	//     spent it: Redeemed again, with no other effect, so a client that retries a call
	//     whose reply was lost does not turn it into reuse;
	//   - any other token of the family (spent before): Reused, and the family is revoked;
	//   - a family that is unknown, revoked or past the live token's ExpiresAt: Dead.
	//
	// The live token's ExpiresAt is the family's: a store may forget the family then.
	Redeem(ctx context.Context, family, jti string, next Token, now time.Time, grace time.Duration) (Redemption, error)

	// Revoke ends the family: every token of it is Dead from now on. An unknown family
	// is not an error.
	Revoke(ctx context.Context, family string) error

	// RevokeAll ends every family issued before it was called.
	RevokeAll(ctx context.Context) error
}

// Token is what a Store knows of a refresh token. With the family and the subject, it is
// enough to sign the identical token again (HS256 over the same claims), which is how a
// grace retry gets the very successor the lost reply carried.
type Token struct {
	ID        string // the jti claim
	IssuedAt  time.Time
	ExpiresAt time.Time
}

// RedeemResult says what presenting a refresh token did.
type RedeemResult int

const (
	Dead     RedeemResult = iota // unknown, expired, or its family was revoked
	Redeemed                     // it was live and is now spent
	Graced                       // it was spent moments ago and its successor is unused: answer that successor again
	Reused                       // it was spent before: its family is now revoked
)

var redeemResultNames = [...]string{"dead", "redeemed", "graced", "reused"}

func (r RedeemResult) String() string {
	if r < 0 || int(r) >= len(redeemResultNames) {
		return "RedeemResult(" + strconv.Itoa(int(r)) + ")"
	}
	return redeemResultNames[r]
}

// Redemption is the answer of Store.Redeem.
type Redemption struct {
	Result RedeemResult
	// Successor is the family's live token after a Redeemed or Graced redeem.
	Successor Token
}
