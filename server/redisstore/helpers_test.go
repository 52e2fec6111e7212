package redisstore_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/authfetch/authfetch/server"
	"github.com/authfetch/authfetch/server/admin"
)

// The pool's own log lines (its dial failures in TestRedisDown) are noise here: the
// server's ErrorLog, which TestRedisDown reads, says the same.
func init() { redis.SetLogger(discardLogger{}) }

type discardLogger struct{}

func (discardLogger) Printf(context.Context, string, ...any) {}

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

const ttl = 10 * time.Minute

// clock is a settable Config.Now, shared by the instances of a backend.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// backend is n instances of the reference backend sharing one Store, one key and one
// clock, each behind its own HTTP server, and a round-robin reverse proxy in front of
// them, as a load balancer would be.
type backend struct {
	t         testing.TB
	clock     *clock
	instances []*admin.Server
	urls      []string // of each instance
	proxy     string   // URL of the round-robin proxy
	client    *http.Client
}

// sharedKey is the HS256 key every instance signs with (-key of the binary).
var sharedKey = []byte(strings.Repeat("k", 32))

// newBackend starts n instances on store, with a clock at t0.
func newBackend(t testing.TB, n int, store server.Store, configure ...func(*server.Config)) *backend {
	b := &backend{t: t, clock: &clock{t: t0}, client: &http.Client{
		Transport: &http.Transport{MaxIdleConnsPerHost: 64},
	}}
	t.Cleanup(b.client.CloseIdleConnections)
	var targets []*url.URL
	for range n {
		cfg := server.Config{Key: sharedKey, Store: store, Now: b.clock.Now}
		for _, c := range configure {
			c(&cfg)
		}
		s, err := admin.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(s.Handler())
		t.Cleanup(ts.Close)
		t.Cleanup(s.Close)
		u, _ := url.Parse(ts.URL)
		b.instances = append(b.instances, s)
		b.urls = append(b.urls, ts.URL)
		targets = append(targets, u)
	}
	var next atomic.Uint64
	transport := &http.Transport{MaxIdleConnsPerHost: 64}
	t.Cleanup(transport.CloseIdleConnections)
	proxy := httptest.NewServer(&httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(targets[(next.Add(1)-1)%uint64(len(targets))])
		},
		Transport: transport,
	})
	t.Cleanup(proxy.Close)
	b.proxy = proxy.URL
	return b
}

// pair is the data of a login or refresh reply.
type pair struct {
	Token        string `json:"token"`
	RefreshToken string `json:"refreshToken"`
}

// reply is a decoded JSON reply with its HTTP status.
type reply struct {
	Status  int
	Code    int             `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data"`
}

// post POSTs body to path of instance i, or of the proxy when i is -1.
func (b *backend) post(i int, path, body string) reply {
	b.t.Helper()
	r, err := b.tryPost(i, path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	return r
}

// tryPost is post for any goroutine: it returns the error instead of failing.
func (b *backend) tryPost(i int, path, body string) (reply, error) {
	base := b.proxy
	if i >= 0 {
		base = b.urls[i]
	}
	res, err := b.client.Post(base+path, "application/json", strings.NewReader(body))
	if err != nil {
		return reply{}, fmt.Errorf("POST %s: %w", path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return reply{}, fmt.Errorf("POST %s: %w", path, err)
	}
	r := reply{Status: res.StatusCode}
	if err := json.Unmarshal(raw, &r); err != nil {
		return reply{}, fmt.Errorf("POST %s: HTTP %d, not JSON: %q", path, res.StatusCode, raw)
	}
	return r, nil
}

func (b *backend) login(i int) pair {
	b.t.Helper()
	return b.wantPair(b.post(i, "/api/login", `{"username":"demo","password":"demo"}`))
}

func (b *backend) refresh(i int, refreshToken string) reply {
	b.t.Helper()
	return b.post(i, "/api/refreshJwt/"+refreshToken, "")
}

// wantRotated refreshes on instance i and returns the new pair.
func (b *backend) wantRotated(i int, refreshToken string) pair {
	b.t.Helper()
	return b.wantPair(b.refresh(i, refreshToken))
}

// wantRelogin fails unless a refresh on instance i answers 10007.
func (b *backend) wantRelogin(i int, refreshToken string) {
	b.t.Helper()
	if r := b.refresh(i, refreshToken); r.Status != 200 || r.Code != server.CodeRelogin {
		b.t.Fatalf("refresh on instance %d: HTTP %d code %d %q, want 10007", i+1, r.Status, r.Code, r.Message)
	}
}

func (b *backend) wantPair(r reply) pair {
	b.t.Helper()
	p, err := b.tryPair(r, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return p
}

// tryPair is wantPair for any goroutine, taking tryPost's results.
func (b *backend) tryPair(r reply, err error) (pair, error) {
	if err != nil {
		return pair{}, err
	}
	var p pair
	if r.Status != 200 || r.Code != 0 || json.Unmarshal(r.Data, &p) != nil || p.RefreshToken == "" {
		return pair{}, fmt.Errorf("HTTP %d code %d %q %s, want a token pair", r.Status, r.Code, r.Message, r.Data)
	}
	return p, nil
}

// stats sums the counters of every instance: each counts what it answered.
func (b *backend) stats() admin.Stats {
	var sum admin.Stats
	for _, s := range b.instances {
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

// subjectFamily reads the sid claim of a token, without checking it.
func subjectFamily(t testing.TB, token string) string {
	t.Helper()
	parts := strings.Split(token, ".")
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	var c struct {
		SID string `json:"sid"`
	}
	if err != nil || json.Unmarshal(raw, &c) != nil || c.SID == "" {
		t.Fatalf("token without sid: %v", err)
	}
	return c.SID
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
