package redisstore_test

import (
	"bytes"
	"log"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/authfetch/authfetch/internal/redisserver"
	"github.com/authfetch/authfetch/server"
	"github.com/authfetch/authfetch/server/redisstore"
)

// TestThreeInstances: three instances of the backend share one Redis. A token rotated on
// instance 1 and presented again on instance 3 after the grace window is reuse there, and
// the family dies on every instance; within the window another instance answers the
// retry with the same successor; tokens of one instance work on the others.
func TestThreeInstances(t *testing.T) {
	t.Parallel()
	c := newClient(t, redisserver.Start(t).Addr)
	b := newBackend(t, 3, redisstore.New(c, redisstore.WithPrefix(uniquePrefix())))

	a1 := b.login(0)
	a2 := b.wantRotated(0, a1.RefreshToken)
	// Within the window, instance 2 answers a retry of a1 with instance 1's successor.
	b.clock.Advance(server.DefaultRefreshGrace - time.Second)
	if retry := b.wantRotated(1, a1.RefreshToken); retry.RefreshToken != a2.RefreshToken {
		t.Fatalf("instance 2 answered the grace retry with another successor: two live branches")
	}
	// After it, instance 3 sees reuse and revokes the family...
	b.clock.Advance(time.Second)
	b.wantRelogin(2, a1.RefreshToken)
	if st := b.instances[2].Stats(); st.Reused != 1 {
		t.Errorf("instance 3 stats %+v, want Reused 1", st)
	}
	// ...everywhere: the live token is dead on every instance.
	for i := range b.instances {
		b.wantRelogin(i, a2.RefreshToken)
	}
	if st := b.stats(); st.Refreshed != 1 || st.Graced != 1 || st.Reused != 1 || st.ReloginAnswers != 4 {
		t.Errorf("summed stats %+v, want 1 refreshed, 1 graced, 1 reused, 4 relogin answers", st)
	}

	// A token signed by one instance is good on the others (one Key), and a session
	// rotates from instance to instance.
	p := b.login(2)
	for i := range 6 {
		p = b.wantRotated(i%3, p.RefreshToken)
	}
	res, err := b.client.Do(mustRequest(t, b.urls[0]+"/api/user/info", p.Token))
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("instance 1 refused instance 3's access token: %v", err)
	}
	res.Body.Close()

	// RevokeRefreshTokens on one instance revokes the families every instance issued.
	q := b.login(1)
	if err := b.instances[0].RevokeRefreshTokens(); err != nil {
		t.Fatal(err)
	}
	b.wantRelogin(2, p.RefreshToken)
	b.wantRelogin(0, q.RefreshToken)
}

func mustRequest(t *testing.T, url, token string) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), "GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Token", token)
	return req
}

// TestThreeInstancesConcurrent: one refresh token presented 30 times at once through the
// round-robin proxy, so that every instance gets some of the calls: one rotation, every
// caller gets the same successor, no reuse.
func TestThreeInstancesConcurrent(t *testing.T) {
	t.Parallel()
	const n = 30
	c := newClient(t, redisserver.Start(t).Addr)
	b := newBackend(t, 3, redisstore.New(c, redisstore.WithPrefix(uniquePrefix())))
	p := b.login(-1)

	replies := make([]reply, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			replies[i] = b.refresh(-1, p.RefreshToken)
		})
	}
	close(start)
	wg.Wait()
	successors := map[string]bool{}
	for _, r := range replies {
		successors[b.wantPair(r).RefreshToken] = true
	}
	if len(successors) != 1 {
		t.Fatalf("%d different successors, want 1", len(successors))
	}
	if st := b.stats(); st.Refreshed != 1 || st.Graced != n-1 || st.Reused != 0 || st.RefreshCalls != n {
		t.Errorf("summed stats %+v, want 1 refreshed, %d graced, no reuse", st, n-1)
	}
	for i, s := range b.instances {
		if st := s.Stats(); st.RefreshCalls != n/3 {
			t.Errorf("instance %d got %d of the calls, want %d (round robin)", i+1, st.RefreshCalls, n/3)
		}
	}
}

// TestRedisDown: with Redis gone, a refresh answers 503 with a JSON error (the client
// keeps its tokens and tries again), never 10007; a login answers 503; the log says why
// and holds no token.
func TestRedisDown(t *testing.T) {
	t.Parallel()
	rs := redisserver.Start(t)
	c := redis.NewClient(&redis.Options{Addr: rs.Addr, MaxRetries: 1, DialerRetries: 1})
	t.Cleanup(func() { c.Close() })
	var logged lockedBuffer
	b := newBackend(t, 1, redisstore.New(c), func(cfg *server.Config) {
		cfg.ErrorLog = log.New(&logged, "", 0)
	})
	p := b.login(0)
	rs.Stop()

	r := b.refresh(0, p.RefreshToken)
	if r.Status != http.StatusServiceUnavailable || r.Code != server.CodeUnavailable || !strings.Contains(r.Message, "session store unavailable") {
		t.Errorf("refresh with Redis down: HTTP %d code %d %q, want 503, code %d, a clear message", r.Status, r.Code, r.Message, server.CodeUnavailable)
	}
	r = b.post(0, "/api/login", `{"username":"demo","password":"demo"}`)
	if r.Status != http.StatusServiceUnavailable || r.Code != server.CodeUnavailable {
		t.Errorf("login with Redis down: HTTP %d code %d %q, want 503", r.Status, r.Code, r.Message)
	}
	text := logged.String()
	for _, want := range []string{"refresh: answered 503: server: session store: redisstore: redeem: ", "login: answered 503: ", "connect: connection refused"} {
		if !strings.Contains(text, want) {
			t.Errorf("the log does not say %q:\n%s", want, text)
		}
	}
	for _, tok := range []string{p.Token, p.RefreshToken} {
		if strings.Contains(text, tok) {
			t.Errorf("the log holds a token:\n%s", text)
		}
	}
}

// lockedBuffer is a bytes.Buffer for a log that handlers write while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
