package redisstore_test

import (
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/authfetch/authfetch/internal/redisserver"
	"github.com/authfetch/authfetch/server"
	"github.com/authfetch/authfetch/server/redisstore"
	"github.com/authfetch/authfetch/server/storetest"
)

// prefixes numbers the key prefixes of the tests: tests that share a redis-server never
// see (or revoke) each other's families.
var prefixes atomic.Int64

func uniquePrefix() string {
	return fmt.Sprintf("test%d:", prefixes.Add(1))
}

func newClient(t testing.TB, addr string) *redis.Client {
	c := redis.NewClient(&redis.Options{Addr: addr})
	t.Cleanup(func() { c.Close() })
	return c
}

// TestConformance runs the store suite against a real redis-server.
func TestConformance(t *testing.T) {
	t.Parallel()
	c := newClient(t, redisserver.Start(t).Addr)
	storetest.Run(t, func(*testing.T) server.Store {
		return redisstore.New(c, redisstore.WithPrefix(uniquePrefix()))
	})
}

// TestConformanceCluster runs the suite against Redis Cluster (one node serving every
// slot) through a ClusterClient, which routes the script by its key's slot, and through
// RevokeAll's walk over every master.
func TestConformanceCluster(t *testing.T) {
	t.Parallel()
	c := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{redisserver.StartCluster(t).Addr}})
	t.Cleanup(func() { c.Close() })
	storetest.Run(t, func(*testing.T) server.Store {
		return redisstore.New(c, redisstore.WithPrefix(uniquePrefix()))
	})
}

// TestPrefixEscaped: RevokeAll deletes the families of its own prefix only, even when
// the prefix holds characters that SCAN's MATCH treats as a pattern.
func TestPrefixEscaped(t *testing.T) {
	t.Parallel()
	c := newClient(t, redisserver.Start(t).Addr)
	mine := redisstore.New(c, redisstore.WithPrefix("a*[b]?:"))
	other := redisstore.New(c, redisstore.WithPrefix("axbx:"))
	tok := server.Token{ID: "1", IssuedAt: t0, ExpiresAt: t0.Add(ttl)}
	for _, s := range []*redisstore.Store{mine, other} {
		if err := s.Issue(t.Context(), "f", tok); err != nil {
			t.Fatal(err)
		}
	}
	if err := mine.RevokeAll(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := c.Exists(t.Context(), "a*[b]?:{f}").Val(); n != 0 {
		t.Errorf("own family still there")
	}
	if n := c.Exists(t.Context(), "axbx:{f}").Val(); n != 1 {
		t.Errorf("RevokeAll deleted another prefix's family")
	}
}

// TestKeys looks at what a backend leaves in Redis after logins, rotations, a grace retry
// and a reuse: one hash per live family, named after it in a hash tag, with the fields of
// redeem.lua, expiring with its live token, and no token or part of one anywhere.
func TestKeys(t *testing.T) {
	t.Parallel()
	c := newClient(t, redisserver.Start(t).Addr)
	prefix := uniquePrefix()
	b := newBackend(t, 1, redisstore.New(c, redisstore.WithPrefix(prefix)))
	var handedOut []string
	keep := func(p pair) pair { handedOut = append(handedOut, p.Token, p.RefreshToken); return p }

	a1 := keep(b.login(0))
	a2 := keep(b.wantRotated(0, a1.RefreshToken))
	keep(b.wantRotated(0, a1.RefreshToken)) // a grace retry
	keep(b.wantRotated(0, a2.RefreshToken))
	d1 := keep(b.login(0))
	d2 := keep(b.wantRotated(0, d1.RefreshToken))
	b.clock.Advance(server.DefaultRefreshGrace)
	b.wantRelogin(0, d1.RefreshToken) // reuse: family d is gone
	b.wantRelogin(0, d2.RefreshToken)

	keys, err := c.Keys(t.Context(), "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	if want := prefix + "{" + subjectFamily(t, a2.RefreshToken) + "}"; len(keys) != 1 || keys[0] != want {
		t.Fatalf("keys %q, want only %q (family a; d was revoked)", keys, want)
	}
	fields := c.HGetAll(t.Context(), keys[0]).Val()
	if got := strings.Join(sortedKeys(fields), " "); got != "exp iat live spent spentAt" {
		t.Errorf("fields %q", got)
	}
	pttl := c.PTTL(t.Context(), keys[0]).Val()
	if pttl <= 0 || pttl > server.DefaultRefreshTTL {
		t.Errorf("PTTL %v, want the live token's lifetime, at most %v", pttl, server.DefaultRefreshTTL)
	}
	for _, tok := range handedOut {
		parts := strings.Split(tok, ".")
		for f, v := range fields {
			if strings.Contains(v, tok) || strings.Contains(v, parts[1]) || strings.Contains(v, parts[2]) {
				t.Errorf("field %s holds a token or part of one", f)
			}
		}
	}
}
