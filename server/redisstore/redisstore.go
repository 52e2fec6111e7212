// Package redisstore keeps the refresh-token families of package server in Redis, so that
// several instances of a backend act as one: a token rotated on one instance is spent on
// all of them, a grace retry is answered by any, and a reuse seen by any revokes the
// family everywhere.
//
//	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
//	s, err := server.New(server.Config{Key: sharedKey, Store: redisstore.New(client)})
//
// Every instance needs the same Config.Key, or each refuses the tokens the others sign.
//
// Each family is one hash, "authfetch:{<family ID>}": the jti, issue and expiry times of
// its live refresh token, and the jti of the token spent last with when it was spent. No
// token is stored, nothing that could be presented as one. The key expires with the live
// token (PEXPIRE), which is what it guards, so nothing needs sweeping. Redeem is one Lua
// script, atomic on the Redis server; its only key carries the family in a hash tag, so
// it runs on Redis Cluster as well (pass a redis.ClusterClient).
//
// Without persistence, a Redis restart forgets every family: every user logs in again.
package redisstore

import (
	"context"
	_ "embed"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/authfetch/authfetch/server"
)

// DefaultPrefix starts every key the Store writes.
const DefaultPrefix = "authfetch:"

// Store is a server.Store in Redis. Its methods are safe for concurrent use.
type Store struct {
	client redis.UniversalClient
	prefix string
}

var _ server.Store = (*Store)(nil)

// Option configures a Store.
type Option func(*Store)

// WithPrefix starts the Store's keys with prefix instead of DefaultPrefix, for backends
// that share one Redis. It must not contain "{", which would move the hash tag.
func WithPrefix(prefix string) Option {
	return func(s *Store) { s.prefix = prefix }
}

// New returns a Store that keeps its families through client: a *redis.Client, or a
// *redis.ClusterClient for Redis Cluster. The caller closes client when done.
func New(client redis.UniversalClient, opts ...Option) *Store {
	s := &Store{client: client, prefix: DefaultPrefix}
	for _, o := range opts {
		o(s)
	}
	return s
}

// key is the hash of a family. The family in braces is the hash tag: every key of a
// family, now and later, lands in one Cluster slot.
func (s *Store) key(family string) string {
	return s.prefix + "{" + family + "}"
}

// Issue writes the family's hash and its expiry in one MULTI/EXEC.
func (s *Store) Issue(ctx context.Context, family string, first server.Token) error {
	ttl := first.ExpiresAt.Sub(first.IssuedAt)
	if ttl < time.Millisecond {
		return nil // dead on arrival: nothing to keep
	}
	key := s.key(family)
	_, err := s.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Del(ctx, key) // family IDs are random; a stale hash would mislead Redeem
		p.HSet(ctx, key, "live", first.ID, "iat", ms(first.IssuedAt), "exp", ms(first.ExpiresAt))
		p.PExpire(ctx, key, ttl)
		return nil
	})
	if err != nil {
		return fmt.Errorf("redisstore: issue: %w", err)
	}
	return nil
}

//go:embed redeem.lua
var redeemSource string

var redeemScript = redis.NewScript(redeemSource)

// Redeem runs redeem.lua (EVALSHA, loading it on first use).
func (s *Store) Redeem(ctx context.Context, family, jti string, next server.Token, now time.Time, grace time.Duration) (server.Redemption, error) {
	reply, err := redeemScript.Run(ctx, s.client, []string{s.key(family)},
		jti, ms(now), grace.Milliseconds(), next.ID, ms(next.IssuedAt), ms(next.ExpiresAt)).StringSlice()
	if err != nil {
		return server.Redemption{}, fmt.Errorf("redisstore: redeem: %w", err)
	}
	r, err := parseRedemption(reply)
	if err != nil {
		return server.Redemption{}, fmt.Errorf("redisstore: redeem: %w", err)
	}
	return r, nil
}

func parseRedemption(reply []string) (server.Redemption, error) {
	switch {
	case len(reply) == 1 && reply[0] == "dead":
		return server.Redemption{Result: server.Dead}, nil
	case len(reply) == 1 && reply[0] == "reused":
		return server.Redemption{Result: server.Reused}, nil
	case len(reply) == 4 && (reply[0] == "redeemed" || reply[0] == "graced"):
		iat, err1 := strconv.ParseInt(reply[2], 10, 64)
		exp, err2 := strconv.ParseInt(reply[3], 10, 64)
		if err1 != nil || err2 != nil {
			break
		}
		r := server.Redemption{Result: server.Redeemed, Successor: server.Token{
			ID: reply[1], IssuedAt: time.UnixMilli(iat), ExpiresAt: time.UnixMilli(exp),
		}}
		if reply[0] == "graced" {
			r.Result = server.Graced
		}
		return r, nil
	}
	return server.Redemption{}, fmt.Errorf("unexpected reply %q", reply)
}

// Revoke deletes the family's hash: its tokens are unknown, hence dead.
func (s *Store) Revoke(ctx context.Context, family string) error {
	if err := s.client.Del(ctx, s.key(family)).Err(); err != nil {
		return fmt.Errorf("redisstore: revoke: %w", err)
	}
	return nil
}

// RevokeAll deletes every family hash of the Store's prefix, on every master of a
// cluster. SCAN returns every key that exists from its start to its end, so every family
// issued before the call is deleted. It takes time in proportion to the database; it is
// for demos and tests (the admin route revoke-refresh).
func (s *Store) RevokeAll(ctx context.Context) error {
	var err error
	if c, ok := s.client.(*redis.ClusterClient); ok {
		err = c.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error {
			return s.deleteFamilies(ctx, node)
		})
	} else {
		err = s.deleteFamilies(ctx, s.client)
	}
	if err != nil {
		return fmt.Errorf("redisstore: revoke all: %w", err)
	}
	return nil
}

func (s *Store) deleteFamilies(ctx context.Context, c redis.Cmdable) error {
	pattern := globEscape(s.prefix) + "{*}"
	var cursor uint64
	for {
		keys, next, err := c.Scan(ctx, cursor, pattern, 1000).Result()
		if err != nil {
			return err
		}
		// One command per key, pipelined: on a cluster, keys of several slots cannot
		// share a command.
		_, err = c.Pipelined(ctx, func(p redis.Pipeliner) error {
			for _, k := range keys {
				p.Unlink(ctx, k)
			}
			return nil
		})
		if err != nil {
			return err
		}
		if cursor = next; cursor == 0 {
			return nil
		}
	}
}

// globEscape escapes the characters SCAN's MATCH pattern treats as special.
func globEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `*`, `\*`, `?`, `\?`, `[`, `\[`, `]`, `\]`).Replace(s)
}

// ms is t as Unix milliseconds, how the hash keeps times.
func ms(t time.Time) int64 { return t.UnixMilli() }
