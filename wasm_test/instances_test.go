package wasm_test

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/authfetch/authfetch/internal/redisserver"
	"github.com/authfetch/authfetch/server"
	"github.com/authfetch/authfetch/server/admin"
	"github.com/authfetch/authfetch/server/redisstore"
)

// instances are several instances of the reference backend that share one Redis and one
// signing key, as behind a load balancer. Tests drive every instance (access-token
// generations, gates and counters are each instance's own) and read the sums.
type instances []*admin.Server

func (is instances) ExpireAccessTokens() {
	for _, s := range is {
		s.ExpireAccessTokens()
	}
}

func (is instances) ResetStats() {
	for _, s := range is {
		s.ResetStats()
	}
}

func (is instances) GateWaiting(gate string) int {
	n := 0
	for _, s := range is {
		n += s.GateWaiting(gate)
	}
	return n
}

func (is instances) ReleaseGate(gate string) {
	for _, s := range is {
		s.ReleaseGate(gate)
	}
}

func (is instances) Stats() admin.Stats {
	var sum admin.Stats
	for _, s := range is {
		st := s.Stats()
		sum.RefreshCalls += st.RefreshCalls
		sum.Refreshed += st.Refreshed
		sum.Reused += st.Reused
		sum.Graced += st.Graced
		sum.ReloginAnswers += st.ReloginAnswers
		sum.ExpiredAnswers += st.ExpiredAnswers
		sum.InvalidAnswers += st.InvalidAnswers
		sum.Logins += st.Logins
		sum.Requests += st.Requests
	}
	return sum
}

func (is instances) Close() {
	for _, s := range is {
		s.Close()
	}
}

// newInstancesEnv is newEnv with n instances of the backend, each on its own HTTP server,
// sharing a redis-server of their own, behind a round-robin reverse proxy at /api/: each
// request goes to the next instance. e.srv is the first instance; e.be is all of them.
func newInstancesEnv(t *testing.T, n int, proto ...protocol) *env {
	t.Helper()
	client := redis.NewClient(&redis.Options{Addr: redisserver.Start(t).Addr})
	t.Cleanup(func() { client.Close() })
	store := redisstore.New(client)
	key := []byte(strings.Repeat("k", 32))

	var is instances
	var targets []*url.URL
	for range n {
		srv, err := admin.New(server.Config{AccessTTL: time.Hour, Key: key, Store: store})
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(srv.Handler())
		t.Cleanup(ts.Close)
		t.Cleanup(srv.Close)
		u, err := url.Parse(ts.URL)
		if err != nil {
			t.Fatal(err)
		}
		is = append(is, srv)
		targets = append(targets, u)
	}
	var next atomic.Uint64
	transport := &http.Transport{MaxIdleConnsPerHost: 256}
	t.Cleanup(transport.CloseIdleConnections)
	proxy := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(targets[(next.Add(1)-1)%uint64(len(targets))])
			r.Out.Host = r.In.Host // as a load balancer keeps it
		},
		Transport: transport,
	}
	e := &env{t: t, srv: is[0], be: is, deadline: time.Now().Add(testTimeout), refresh: newRefreshGate()}
	e.serve(proxy, is.Close, proto)
	return e
}

// TestFourTabsThreeInstances: the storm of TestFourTabs (four tabs, 50 requests each, at
// expiry) against three instances that share one Redis, each request sent to the next
// instance in turn: still one refresh, no reuse, no relogin prompt, and every instance
// served part of the storm.
func TestFourTabsThreeInstances(t *testing.T) {
	for _, proto := range []protocol{http1, http2} {
		t.Run(proto.String(), func(t *testing.T) {
			e := newInstancesEnv(t, 3, proto)
			fourTabStorm(t, e)
			for i, s := range e.be.(instances) {
				if st := s.Stats(); st.Requests == 0 {
					t.Errorf("instance %d served none of the storm: the proxy did not spread it (%+v)", i+1, st)
				}
			}
		})
	}
}
