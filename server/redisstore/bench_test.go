package redisstore_test

import (
	"fmt"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authfetch/authfetch/internal/redisserver"
	"github.com/authfetch/authfetch/server"
	"github.com/authfetch/authfetch/server/redisstore"
)

// The benchmarks compare the memory store with Redis (a redis-server on loopback that
// they start), on the store alone and through the backend's refresh route with one
// instance and with three behind a round-robin proxy (`make bench-redis`). ns/op of the
// sequential ones is the latency of one redeem or one refresh; the parallel ones report
// redeems/s or refreshes/s.

// stores are the stores to compare: the memory store, and a Redis store on a
// redis-server of the benchmark's own.
var stores = []struct {
	name string
	make func(b *testing.B) server.Store
}{
	{"memory", func(*testing.B) server.Store { return server.NewMemoryStore() }},
	{"redis", func(b *testing.B) server.Store {
		return redisstore.New(newClient(b, redisserver.Start(b).Addr), redisstore.WithPrefix(uniquePrefix()))
	}},
}

// chain is one family that a benchmark keeps rotating.
type chain struct {
	b      *testing.B
	s      server.Store
	family string
	live   string
	n      int
}

var chains atomic.Int64

// newChain issues a family; it may run on any goroutine, so errors are b.Error.
func newChain(b *testing.B, s server.Store) *chain {
	c := &chain{b: b, s: s, family: "bench" + strconv.FormatInt(chains.Add(1), 10), live: "0"}
	now := time.Now()
	if err := s.Issue(b.Context(), c.family, server.Token{ID: c.live, IssuedAt: now, ExpiresAt: now.Add(ttl)}); err != nil {
		b.Error(err)
	}
	return c
}

// redeem spends the live token and makes its successor live.
func (c *chain) redeem() error {
	c.n++
	now := time.Now()
	next := server.Token{ID: strconv.Itoa(c.n), IssuedAt: now, ExpiresAt: now.Add(ttl)}
	r, err := c.s.Redeem(c.b.Context(), c.family, c.live, next, now, server.DefaultRefreshGrace)
	if err != nil || r.Result != server.Redeemed {
		return fmt.Errorf("Redeem: %v, %v", r.Result, err)
	}
	c.live = next.ID
	return nil
}

// BenchmarkRedeem: one Store.Redeem after another, on one family.
func BenchmarkRedeem(b *testing.B) {
	for _, st := range stores {
		b.Run(st.name, func(b *testing.B) {
			c := newChain(b, st.make(b))
			for b.Loop() {
				if err := c.redeem(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRedeemParallel: redeems at once, each goroutine on a family of its own.
func BenchmarkRedeemParallel(b *testing.B) {
	for _, st := range stores {
		b.Run(st.name, func(b *testing.B) {
			s := st.make(b)
			b.SetParallelism(4)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				c := newChain(b, s)
				for pb.Next() {
					if err := c.redeem(); err != nil {
						b.Error(err) // not Fatal: this is not the benchmark's goroutine
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "redeems/s")
		})
	}
}

// refresher rotates one session through the backend's refresh route: on instance 1 when
// the backend has one, else through the round-robin proxy.
type refresher struct {
	be    *backend
	via   int
	token string
}

func newRefresher(be *backend) (*refresher, error) {
	r := &refresher{be: be, via: 0}
	if len(be.instances) > 1 {
		r.via = -1
	}
	p, err := be.tryPair(be.tryPost(r.via, "/api/login", `{"username":"demo","password":"demo"}`))
	r.token = p.RefreshToken
	return r, err
}

func (r *refresher) refresh() error {
	p, err := r.be.tryPair(r.be.tryPost(r.via, "/api/refreshJwt/"+r.token, ""))
	r.token = p.RefreshToken
	return err
}

var instanceCounts = []int{1, 3}

// BenchmarkRefresh: one refresh call after another (POST /api/refreshJwt/{token} over
// loopback HTTP: parse, sign, redeem, answer), the latency a client sees.
func BenchmarkRefresh(b *testing.B) {
	for _, st := range stores {
		for _, n := range instanceCounts {
			b.Run(st.name+"/instances="+strconv.Itoa(n), func(b *testing.B) {
				r, err := newRefresher(newBackend(b, n, st.make(b)))
				if err != nil {
					b.Fatal(err)
				}
				for b.Loop() {
					if err := r.refresh(); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkRefreshParallel: refresh calls at once, each goroutine a session of its own.
func BenchmarkRefreshParallel(b *testing.B) {
	for _, st := range stores {
		for _, n := range instanceCounts {
			b.Run(st.name+"/instances="+strconv.Itoa(n), func(b *testing.B) {
				be := newBackend(b, n, st.make(b))
				b.SetParallelism(4)
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					r, err := newRefresher(be)
					for err == nil && pb.Next() {
						err = r.refresh()
					}
					if err != nil {
						b.Error(err) // not Fatal: this is not the benchmark's goroutine
					}
				})
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "refreshes/s")
			})
		}
	}
}
