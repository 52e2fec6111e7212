// Package storetest is the conformance suite of server.Store: every store runs the same
// behaviour tests, so that a Server acts the same on any of them (as testing/fstest does
// for fs.FS).
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) server.Store { return mystore.New(...) })
//	}
package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/authfetch/authfetch/server"
)

// t0 is the suite's clock at the start of every test: a whole millisecond, since stores
// may keep milliseconds only.
var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

const (
	ttl   = 10 * time.Minute
	grace = 30 * time.Second
)

// Run runs the suite. newStore returns the store for one subtest; it may return the same
// store every time, since every subtest uses families of its own. The subtest RevokeAll
// revokes every family of its store: no other test may use that store meanwhile.
func Run(t *testing.T, newStore func(t *testing.T) server.Store) {
	tests := []struct {
		name string
		test func(t *testing.T, s server.Store)
	}{
		{"Rotation", testRotation},
		{"ReuseRevokesFamily", testReuseRevokesFamily},
		{"GraceWindow", testGraceWindow},
		{"GraceOff", testGraceOff},
		{"SuccessorUsedEndsGrace", testSuccessorUsedEndsGrace},
		{"RetriedCall", testRetriedCall},
		{"Expiry", testExpiry},
		{"Revoke", testRevoke},
		{"RevokeAll", testRevokeAll},
		{"Unknown", testUnknown},
		{"ConcurrentRedeems", testConcurrentRedeems},
		{"ConcurrentRedeemsGraceOff", testConcurrentRedeemsGraceOff},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.test(t, newStore(t)) })
	}
}

// family is one test family: its ID and the tokens issued to it, by name.
type family struct {
	t      *testing.T
	s      server.Store
	id     string
	tokens map[string]server.Token
}

var (
	familyMu sync.Mutex
	familyN  int // guarded by familyMu
)

// newFamily issues a family whose first token, "1", is issued at t0.
func newFamily(t *testing.T, s server.Store) *family {
	t.Helper()
	familyMu.Lock()
	familyN++
	id := fmt.Sprintf("%s-%d-%d", t.Name(), time.Now().UnixNano(), familyN)
	familyMu.Unlock()
	f := &family{t: t, s: s, id: id, tokens: map[string]server.Token{}}
	if err := s.Issue(t.Context(), id, f.token("1", t0)); err != nil {
		t.Fatalf("Issue: %v", err)
	}
	return f
}

// token returns the token named name, making it, issued at iat, on first use.
func (f *family) token(name string, iat time.Time) server.Token {
	if tok, ok := f.tokens[name]; ok {
		return tok
	}
	tok := server.Token{ID: f.id + "/" + name, IssuedAt: iat, ExpiresAt: iat.Add(ttl)}
	f.tokens[name] = tok
	return tok
}

// redeem presents token name at now with grace, proposing next (issued at now) as its
// successor.
func (f *family) redeem(name, next string, now time.Time, grace time.Duration) server.Redemption {
	f.t.Helper()
	r, err := f.s.Redeem(f.t.Context(), f.id, f.tokens[name].ID, f.token(next, now), now, grace)
	if err != nil {
		f.t.Fatalf("Redeem %s: %v", name, err)
	}
	return r
}

// want presents token name and fails unless the result is want, with successor name
// succ (for Redeemed and Graced).
func (f *family) want(name, next string, now time.Time, grace time.Duration, want server.RedeemResult, succ string) {
	f.t.Helper()
	r := f.redeem(name, next, now, grace)
	if r.Result != want {
		f.t.Fatalf("Redeem %s at t0+%v: %v, want %v", name, now.Sub(t0), r.Result, want)
	}
	if want != server.Redeemed && want != server.Graced {
		if r.Successor != (server.Token{}) {
			f.t.Errorf("Redeem %s: %v with successor %+v, want none", name, r.Result, r.Successor)
		}
		return
	}
	if w := f.tokens[succ]; !sameToken(r.Successor, w) {
		f.t.Fatalf("Redeem %s: %v with successor %+v, want token %s %+v", name, r.Result, r.Successor, succ, w)
	}
}

func sameToken(a, b server.Token) bool {
	return a.ID == b.ID && a.IssuedAt.Equal(b.IssuedAt) && a.ExpiresAt.Equal(b.ExpiresAt)
}

// testRotation: each redeem spends the live token and makes the proposed one live.
func testRotation(t *testing.T, s server.Store) {
	f := newFamily(t, s)
	f.want("1", "2", t0.Add(time.Minute), grace, server.Redeemed, "2")
	f.want("2", "3", t0.Add(2*time.Minute), grace, server.Redeemed, "3")
	f.want("3", "4", t0.Add(3*time.Minute), grace, server.Redeemed, "4")
}

// testReuseRevokesFamily: a token spent before, presented after the grace window, is
// reuse; the family's live token dies with it; another family lives on.
func testReuseRevokesFamily(t *testing.T, s server.Store) {
	a, b := newFamily(t, s), newFamily(t, s)
	a.want("1", "2", t0, grace, server.Redeemed, "2")
	a.want("2", "3", t0.Add(time.Second), grace, server.Redeemed, "3")
	a.want("1", "x", t0.Add(time.Minute), grace, server.Reused, "")
	a.want("3", "4", t0.Add(time.Minute), grace, server.Dead, "")
	a.want("1", "y", t0.Add(time.Minute), grace, server.Dead, "")
	b.want("1", "2", t0.Add(time.Minute), grace, server.Redeemed, "2")
}

// testGraceWindow: the token spent last, presented again within the window, gets the
// live token; the branch lives on. At the window's end it is reuse.
func testGraceWindow(t *testing.T, s server.Store) {
	f := newFamily(t, s)
	f.want("1", "2", t0, grace, server.Redeemed, "2")
	f.want("1", "x", t0.Add(grace-time.Millisecond), grace, server.Graced, "2")
	f.want("1", "y", t0.Add(grace/2), grace, server.Graced, "2")
	f.want("2", "3", t0.Add(grace/2), grace, server.Redeemed, "3")

	g := newFamily(t, s)
	g.want("1", "2", t0, grace, server.Redeemed, "2")
	g.want("1", "x", t0.Add(grace), grace, server.Reused, "")
	g.want("2", "3", t0.Add(grace), grace, server.Dead, "")
}

// testGraceOff: with no window, the token spent last is reuse at once.
func testGraceOff(t *testing.T, s server.Store) {
	f := newFamily(t, s)
	f.want("1", "2", t0, 0, server.Redeemed, "2")
	f.want("1", "x", t0, 0, server.Reused, "")
	f.want("2", "3", t0, 0, server.Dead, "")
}

// testSuccessorUsedEndsGrace: within the window, a token whose successor was spent is
// reuse: the session must never have two live branches.
func testSuccessorUsedEndsGrace(t *testing.T, s server.Store) {
	f := newFamily(t, s)
	f.want("1", "2", t0, grace, server.Redeemed, "2")
	f.want("2", "3", t0.Add(time.Second), grace, server.Redeemed, "3")
	f.want("1", "x", t0.Add(2*time.Second), grace, server.Reused, "")
	f.want("3", "4", t0.Add(2*time.Second), grace, server.Dead, "")
}

// testRetriedCall: the same call (same token, same proposed successor) made again, as a
// client library does when a reply is lost, is Redeemed again, even with no window.
func testRetriedCall(t *testing.T, s server.Store) {
	f := newFamily(t, s)
	f.want("1", "2", t0, 0, server.Redeemed, "2")
	f.want("1", "2", t0.Add(time.Millisecond), 0, server.Redeemed, "2")
	f.want("2", "3", t0.Add(time.Second), 0, server.Redeemed, "3")
}

// testExpiry: a family dies with its live token; each rotation gives it the new token's
// lifetime.
func testExpiry(t *testing.T, s server.Store) {
	f := newFamily(t, s)
	f.want("1", "2", t0.Add(ttl), grace, server.Dead, "")
	f.want("1", "3", t0.Add(ttl/2), grace, server.Dead, "") // forgotten, not revived

	g := newFamily(t, s)
	g.want("1", "2", t0.Add(ttl-time.Millisecond), grace, server.Redeemed, "2")
	// "2" was issued at t0+ttl-1ms: it lives past the first token's end.
	g.want("2", "3", t0.Add(2*ttl-2*time.Millisecond), grace, server.Redeemed, "3")
	g.want("3", "4", g.tokens["3"].ExpiresAt, grace, server.Dead, "")
}

// testRevoke: a revoked family is dead; others live on; unknown families are no error.
func testRevoke(t *testing.T, s server.Store) {
	a, b := newFamily(t, s), newFamily(t, s)
	a.want("1", "2", t0, grace, server.Redeemed, "2")
	if err := s.Revoke(t.Context(), a.id); err != nil {
		t.Fatalf("Revoke: %v", err)
	}
	a.want("2", "3", t0.Add(time.Second), grace, server.Dead, "")
	a.want("1", "x", t0.Add(time.Second), grace, server.Dead, "") // not even graced
	b.want("1", "2", t0.Add(time.Second), grace, server.Redeemed, "2")
	for _, id := range []string{a.id, "never issued"} {
		if err := s.Revoke(t.Context(), id); err != nil {
			t.Errorf("Revoke(%q) again: %v", id, err)
		}
	}
}

// testRevokeAll: every family issued before is dead; one issued after lives.
func testRevokeAll(t *testing.T, s server.Store) {
	a, b := newFamily(t, s), newFamily(t, s)
	a.want("1", "2", t0, grace, server.Redeemed, "2")
	if err := s.RevokeAll(t.Context()); err != nil {
		t.Fatalf("RevokeAll: %v", err)
	}
	a.want("2", "3", t0.Add(time.Second), grace, server.Dead, "")
	b.want("1", "2", t0.Add(time.Second), grace, server.Dead, "")
	c := newFamily(t, s)
	c.want("1", "2", t0.Add(time.Second), grace, server.Redeemed, "2")
}

// testUnknown: a family never issued is dead, and presenting its tokens creates nothing.
func testUnknown(t *testing.T, s server.Store) {
	f := &family{t: t, s: s, id: "never issued " + t.Name(), tokens: map[string]server.Token{}}
	f.token("1", t0)
	f.want("1", "2", t0, grace, server.Dead, "")
	f.want("2", "3", t0, grace, server.Dead, "")
}

// concurrency is how many redeems of one token run at once: enough to race on two cores.
const concurrency = 32

// redeemAtOnce presents the family's token "1" concurrency times at once, each call with
// its own proposed successor.
func redeemAtOnce(f *family, grace time.Duration) []server.Redemption {
	f.t.Helper()
	for i := range concurrency {
		f.token(fmt.Sprint("next", i), t0)
	}
	results := make([]server.Redemption, concurrency)
	errs := make([]error, concurrency)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range concurrency {
		wg.Go(func() {
			<-start
			results[i], errs[i] = f.s.Redeem(f.t.Context(), f.id, f.tokens["1"].ID, f.tokens[fmt.Sprint("next", i)], t0, grace)
		})
	}
	close(start)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			f.t.Fatalf("Redeem: %v", err)
		}
	}
	return results
}

// testConcurrentRedeems: one token presented many times at once within the window yields
// exactly one successor, which every caller gets.
func testConcurrentRedeems(t *testing.T, s server.Store) {
	f := newFamily(t, s)
	count := map[server.RedeemResult]int{}
	successors := map[string]bool{}
	var winner string
	for _, r := range redeemAtOnce(f, grace) {
		count[r.Result]++
		successors[r.Successor.ID] = true
		if r.Result == server.Redeemed {
			winner = r.Successor.ID
		}
	}
	if count[server.Redeemed] != 1 || count[server.Graced] != concurrency-1 || len(successors) != 1 {
		t.Fatalf("results %v with %d different successors; want 1 redeemed, %d graced, 1 successor",
			count, len(successors), concurrency-1)
	}
	for name, tok := range f.tokens {
		if tok.ID == winner {
			f.want(name, "after", t0.Add(time.Second), grace, server.Redeemed, "after")
		}
	}
}

// testConcurrentRedeemsGraceOff: with no window the race has one winner, and the losers'
// reuse revokes the family, the winner's successor with it.
func testConcurrentRedeemsGraceOff(t *testing.T, s server.Store) {
	f := newFamily(t, s)
	count := map[server.RedeemResult]int{}
	var winner string
	for _, r := range redeemAtOnce(f, 0) {
		count[r.Result]++
		if r.Result == server.Redeemed {
			winner = r.Successor.ID
		}
	}
	if count[server.Redeemed] != 1 || count[server.Reused] < 1 || count[server.Graced] != 0 ||
		count[server.Redeemed]+count[server.Reused]+count[server.Dead] != concurrency {
		t.Fatalf("results %v; want 1 redeemed, the rest reused or dead", count)
	}
	for name, tok := range f.tokens {
		if tok.ID == winner {
			f.want(name, "after", t0.Add(time.Second), 0, server.Dead, "")
		}
	}
}
