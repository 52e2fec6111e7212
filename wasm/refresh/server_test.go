package refresh_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authfetch/authfetch/server"
	"github.com/authfetch/authfetch/server/admin"
	"github.com/authfetch/authfetch/wasm/refresh"
)

// backend is the reference server over real HTTP, with a settable clock.
type backend struct {
	s   *admin.Server
	ts  *httptest.Server
	now atomic.Pointer[time.Time]
}

func newBackend(t testing.TB) *backend {
	t.Helper()
	b := &backend{}
	start := time.Now()
	b.now.Store(&start)
	s, err := admin.New(server.Config{AccessTTL: time.Minute, Now: b.clock})
	if err != nil {
		t.Fatal(err)
	}
	b.s, b.ts = s, httptest.NewServer(s.Handler())
	b.ts.Client().Transport.(*http.Transport).MaxIdleConnsPerHost = 256
	t.Cleanup(func() { s.Close(); b.ts.Close() })
	return b
}

func (b *backend) clock() time.Time        { return *b.now.Load() }
func (b *backend) advance(d time.Duration) { t := b.clock().Add(d); b.now.Store(&t) }

// transport makes the refresh call with net/http, as the browser bridge does with fetch.
func (b *backend) transport() refresh.Transport {
	return refresh.TransportFunc(func(ctx context.Context, req *refresh.Request) (*refresh.Response, error) {
		hr, err := http.NewRequestWithContext(ctx, req.Method, b.ts.URL+req.URL, bytes.NewReader(req.Body))
		if err != nil {
			return nil, err
		}
		for k, v := range req.Header {
			hr.Header.Set(k, v)
		}
		resp, err := b.ts.Client().Do(hr)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		return &refresh.Response{Status: resp.StatusCode, Body: body}, err
	})
}

// get returns an attempt that requests path with the token in the client's header and
// reads the reply's body code.
func (b *backend) get(c *refresh.Client, path string) refresh.Attempt {
	return func(ctx context.Context, h refresh.Header) (refresh.Reply, error) {
		hr, err := http.NewRequestWithContext(ctx, "GET", b.ts.URL+"/api"+path, nil)
		if err != nil {
			return refresh.Reply{}, err
		}
		if h.Name != "" {
			hr.Header.Set(h.Name, h.Value)
		}
		resp, err := b.ts.Client().Do(hr)
		if err != nil {
			return refresh.Reply{}, err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		code, ok := c.BodyCode(body)
		return refresh.Reply{Status: resp.StatusCode, Code: code, HasCode: ok, Value: body}, err
	}
}

func (b *backend) login(t testing.TB, c *refresh.Client) {
	t.Helper()
	access, rt, err := b.s.IssuePair("demo")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SetTokens(refresh.Tokens{AccessToken: access, RefreshToken: rt}); err != nil {
		t.Fatal(err)
	}
}

type events struct {
	mu      sync.Mutex
	n       map[refresh.EventKind]int
	expired chan struct{} // closed when every request of a burst has been told "expired"
	burst   int
}

func (e *events) observe(ev refresh.Event) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.n == nil {
		e.n = map[refresh.EventKind]int{}
	}
	e.n[ev.Kind]++
	if ev.Kind == refresh.EventExpired && e.n[ev.Kind] == e.burst {
		close(e.expired)
	}
}

// holdRefreshUntilAllExpired makes the refresh call wait until n requests have been told
// "expired", so that all of them wait for that one refresh.
func (e *events) holdRefreshUntilAllExpired(n int, inner refresh.Transport) refresh.Transport {
	e.mu.Lock()
	e.burst, e.expired = n, make(chan struct{})
	e.mu.Unlock()
	return refresh.TransportFunc(func(ctx context.Context, req *refresh.Request) (*refresh.Response, error) {
		select {
		case <-e.expired:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		return inner.Send(ctx, req)
	})
}

func (e *events) count(k refresh.EventKind) int { e.mu.Lock(); defer e.mu.Unlock(); return e.n[k] }

func (b *backend) client(t testing.TB, store refresh.Store, opts ...refresh.Option) (*refresh.Client, *events) {
	return b.burstClient(t, store, 0, opts...)
}

// burstClient is a client whose first refresh waits until burst requests were told
// "expired" (none when burst is 0).
func (b *backend) burstClient(t testing.TB, store refresh.Store, burst int, opts ...refresh.Option) (*refresh.Client, *events) {
	t.Helper()
	ev := &events{}
	transport := b.transport()
	if burst > 0 {
		transport = ev.holdRefreshUntilAllExpired(burst, transport)
	}
	c, err := refresh.New(store, transport, append([]refresh.Option{
		refresh.WithBaseURL("/api"), refresh.WithObserver(ev.observe), refresh.WithClock(b.clock),
	}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c, ev
}

// together wraps send so that the first n calls all have their reply before any returns:
// n requests in flight at once with one token, the way a page's burst is.
func together(n int, send func(*refresh.Client) refresh.Attempt) func(*refresh.Client) refresh.Attempt {
	var arrived atomic.Int32
	all := make(chan struct{})
	return func(c *refresh.Client) refresh.Attempt {
		inner := send(c)
		return func(ctx context.Context, h refresh.Header) (refresh.Reply, error) {
			r, err := inner(ctx, h)
			if k := arrived.Add(1); k <= int32(n) {
				if k == int32(n) {
					close(all)
				}
				<-all
			}
			return r, err
		}
	}
}

// run sends n requests at once through c and returns their replies and errors.
func run(c *refresh.Client, n int, send refresh.Attempt) ([]refresh.Reply, []error) {
	replies, errs := make([]refresh.Reply, n), make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { replies[i], errs[i] = c.Do(context.Background(), fmt.Sprint("req", i), send) })
	}
	wg.Wait()
	return replies, errs
}

func tally(replies []refresh.Reply, errs []error) (ok int, byErr map[string]int) {
	byErr = map[string]int{}
	for i, err := range errs {
		switch {
		case err == nil && replies[i].HasCode && replies[i].Code == 0:
			ok++
		case errors.Is(err, refresh.ErrSessionExpired):
			byErr["session expired"]++
		case errors.Is(err, refresh.ErrRefreshFailed):
			byErr["refresh failed"]++
		case err != nil:
			byErr[err.Error()]++
		default:
			byErr[fmt.Sprintf("code %d", replies[i].Code)]++
		}
	}
	return ok, byErr
}

func TestServerBurstAtExpiry(t *testing.T) {
	const n = 200
	b := newBackend(t)
	store := &refresh.MemoryStore{}
	c, ev := b.burstClient(t, store, n)
	b.login(t, c)
	b.s.ExpireAccessTokens()
	send := together(n, func(c *refresh.Client) refresh.Attempt { return b.get(c, "/user/info") })(c)
	ok, other := tally(run(c, n, send))
	st := b.s.Stats()
	t.Logf("burst of %d at expiry: %d ok, refresh calls %d, expired answers %d, relogin events %d",
		n, ok, st.RefreshCalls, st.ExpiredAnswers, ev.count(refresh.EventRelogin))
	if ok != n || st.RefreshCalls != 1 || ev.count(refresh.EventRelogin) != 0 {
		t.Errorf("%d ok (others %v), %d refresh calls, %d relogin events; want %d, 1, 0", ok, other, st.RefreshCalls, ev.count(refresh.EventRelogin), n)
	}
	if st.ExpiredAnswers != n {
		t.Errorf("server answered 50014 %d times, want %d (every request once, no replay refused)", st.ExpiredAnswers, n)
	}
}

func TestServerLateReplyReplayedWithoutSecondRefresh(t *testing.T) {
	b := newBackend(t)
	c, ev := b.client(t, &refresh.MemoryStore{})
	b.login(t, c)
	b.s.ExpireAccessTokens()
	late := make(chan refresh.Reply, 1)
	go func() {
		r, err := c.Do(context.Background(), "held", b.get(c, "/hold?gate=late"))
		if err != nil {
			t.Error(err)
		}
		late <- r
	}()
	if r, err := c.Do(context.Background(), "trigger", b.get(c, "/user/info")); err != nil || r.Code != 0 {
		t.Fatalf("trigger: %+v %v", r, err)
	}
	b.s.ReleaseGate("late") // the held request's 50014 now arrives, after the refresh
	if r := <-late; r.Code != 0 {
		t.Errorf("late request ended with code %d", r.Code)
	}
	if st := b.s.Stats(); st.RefreshCalls != 1 || st.ExpiredAnswers != 2 {
		t.Errorf("refresh calls %d, expired answers %d; want 1, 2", st.RefreshCalls, st.ExpiredAnswers)
	}
	if ev.count(refresh.EventNewer) != 1 {
		t.Errorf("newer %d, want 1", ev.count(refresh.EventNewer))
	}
}

func TestServerRefreshTokenDead(t *testing.T) {
	const n = 200
	b := newBackend(t)
	store := &refresh.MemoryStore{}
	c, ev := b.burstClient(t, store, n)
	b.login(t, c)
	b.s.ExpireAccessTokens()
	b.s.RevokeRefreshTokens()
	send := together(n, func(c *refresh.Client) refresh.Attempt { return b.get(c, "/user/info") })(c)
	ok, other := tally(run(c, n, send))
	if ok != 0 || other["session expired"] != n {
		t.Errorf("%d ok, others %v; want %d session expired", ok, other, n)
	}
	if got := ev.count(refresh.EventRelogin); got != 1 {
		t.Errorf("relogin events = %d, want 1", got)
	}
	if tok, _ := store.Load(); !tok.IsZero() {
		t.Error("tokens kept after the session was lost")
	}
	if st := b.s.Stats(); st.RefreshCalls != 1 {
		t.Errorf("refresh calls %d, want 1", st.RefreshCalls)
	}
}

func TestServerRefreshFailures(t *testing.T) {
	for _, mode := range []admin.FailMode{admin.FailStatus500, admin.FailHang, admin.FailMalformed} {
		t.Run(string(mode), func(t *testing.T) {
			const n = 50
			b := newBackend(t)
			store := &refresh.MemoryStore{}
			c, ev := b.burstClient(t, store, n, refresh.WithRefreshTimeout(300*time.Millisecond))
			b.login(t, c)
			kept, _ := store.Load()
			b.s.ExpireAccessTokens()
			// Every refresh fails, including the retry of a request told "expired" only
			// after the first refresh had failed.
			if err := b.s.FailRefresh(mode, 1000); err != nil {
				t.Fatal(err)
			}
			send := together(n, func(c *refresh.Client) refresh.Attempt { return b.get(c, "/user/info") })(c)
			ok, other := tally(run(c, n, send))
			if ok != 0 || other["refresh failed"] != n {
				t.Errorf("%d ok, others %v; want %d refresh failed", ok, other, n)
			}
			if now, _ := store.Load(); now != kept {
				t.Error("tokens changed by a failed refresh")
			}
			if ev.count(refresh.EventRelogin) != 0 {
				t.Error("relogin event for a failed refresh")
			}
			// The next request, once the backend is well, recovers.
			b.s.Reset()
			if r, err := c.Do(context.Background(), "next", b.get(c, "/user/info")); err != nil || r.Code != 0 {
				t.Errorf("next request: %+v, %v", r, err)
			}
			if st := b.s.Stats(); st.RefreshCalls != 1 || st.Refreshed != 1 {
				t.Errorf("refresh calls %d, refreshed %d; want 1, 1", st.RefreshCalls, st.Refreshed)
			}
		})
	}
}

func TestServerProactiveRefreshAvoids50014(t *testing.T) {
	b := newBackend(t)
	c, _ := b.client(t, &refresh.MemoryStore{})
	b.login(t, c)
	for range 10 { // 10 requests over 2 minutes of one-minute tokens
		if r, err := c.Do(context.Background(), "x", b.get(c, "/user/info")); err != nil || r.Code != 0 {
			t.Fatalf("%+v %v", r, err)
		}
		b.advance(12 * time.Second)
	}
	b.advance(2 * time.Minute) // well past exp: still refreshed before sending
	if r, err := c.Do(context.Background(), "x", b.get(c, "/user/info")); err != nil || r.Code != 0 {
		t.Fatalf("%+v %v", r, err)
	}
	st := b.s.Stats()
	if st.ExpiredAnswers != 0 || st.Refreshed < 2 {
		t.Errorf("expired answers %d, refreshed %d; want 0 and at least 2", st.ExpiredAnswers, st.Refreshed)
	}
}

func TestServerReuseRevokesFamily(t *testing.T) {
	b := newBackend(t)
	store := &refresh.MemoryStore{}
	c, ev := b.client(t, store)
	b.login(t, c)
	stolen, _ := store.Load()
	if _, err := c.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Someone replays the rotated refresh token after the grace window: the server
	// revokes the whole family.
	b.advance(server.DefaultRefreshGrace)
	resp, err := b.ts.Client().Post(b.ts.URL+"/api/refreshJwt/"+stolen.RefreshToken, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	var body struct{ Code int }
	json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if body.Code != 10007 {
		t.Fatalf("reuse answered code %d, want 10007", body.Code)
	}
	b.s.ExpireAccessTokens()
	if _, err := c.Do(context.Background(), "x", b.get(c, "/user/info")); !errors.Is(err, refresh.ErrSessionExpired) {
		t.Errorf("after reuse: %v, want ErrSessionExpired", err)
	}
	if st := b.s.Stats(); st.Reused != 1 || ev.count(refresh.EventRelogin) != 1 {
		t.Errorf("reused %d, relogin events %d; want 1, 1", st.Reused, ev.count(refresh.EventRelogin))
	}
}

// lock stands for navigator.locks.
type lock chan struct{}

func (l lock) Lock(ctx context.Context) (func(), error) {
	select {
	case l <- struct{}{}:
		return func() { <-l }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func TestServerTabsShareOneRefresh(t *testing.T) {
	const tabs, n = 4, 100
	b := newBackend(t)
	store, l := &refresh.MemoryStore{}, make(lock, 1)
	var clients []*refresh.Client
	for range tabs {
		c, _ := b.client(t, store, refresh.WithLocker(l))
		clients = append(clients, c)
	}
	b.login(t, clients[0])
	b.s.ExpireAccessTokens()
	wrap := together(tabs*n, func(c *refresh.Client) refresh.Attempt { return b.get(c, "/user/info") })
	var okAll atomic.Int32
	var wg sync.WaitGroup
	for _, c := range clients {
		wg.Go(func() {
			ok, other := tally(run(c, n, wrap(c)))
			okAll.Add(int32(ok))
			if len(other) > 0 {
				t.Errorf("tab failures: %v", other)
			}
		})
	}
	wg.Wait()
	st := b.s.Stats()
	t.Logf("%d tabs x %d requests at expiry: %d ok, refresh calls %d, reused %d", tabs, n, okAll.Load(), st.RefreshCalls, st.Reused)
	if okAll.Load() != tabs*n || st.RefreshCalls != 1 || st.Reused != 0 {
		t.Errorf("ok %d, refresh calls %d, reused %d; want %d, 1, 0", okAll.Load(), st.RefreshCalls, st.Reused, tabs*n)
	}
}

func TestServerRefreshTokenPlacements(t *testing.T) {
	for _, opts := range [][]refresh.Option{
		{refresh.WithRefreshURL("{baseURL}/refreshJwt"), refresh.WithRefreshToken(refresh.InBody, "")},
		{refresh.WithRefreshURL("{baseURL}/refreshJwt"), refresh.WithRefreshToken(refresh.InHeader, "")},
		{refresh.WithHeader("Authorization", "Bearer ")},
	} {
		b := newBackend(t)
		c, _ := b.client(t, &refresh.MemoryStore{}, opts...)
		b.login(t, c)
		b.s.ExpireAccessTokens()
		if r, err := c.Do(context.Background(), "x", b.get(c, "/user/info")); err != nil || r.Code != 0 {
			t.Errorf("%+v %v", r, err)
		}
		if st := b.s.Stats(); st.Refreshed != 1 {
			t.Errorf("refreshed %d, want 1", st.Refreshed)
		}
	}
}

// ExampleClient_Do shows the engine against the reference backend: a request whose token
// expired is refreshed and replayed, and the caller sees only the good reply.
func ExampleClient_Do() {
	s, _ := admin.New(server.Config{})
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	defer s.Close()

	transport := refresh.TransportFunc(func(ctx context.Context, req *refresh.Request) (*refresh.Response, error) {
		hr, _ := http.NewRequestWithContext(ctx, req.Method, ts.URL+req.URL, nil)
		resp, err := http.DefaultClient.Do(hr)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		return &refresh.Response{Status: resp.StatusCode, Body: body}, err
	})
	client, _ := refresh.New(&refresh.MemoryStore{}, transport, refresh.WithBaseURL("/api"),
		refresh.WithObserver(func(e refresh.Event) {
			if e.Kind != refresh.EventSend {
				fmt.Println("event:", e.Kind)
			}
		}))
	access, refreshToken, _ := s.IssuePair("demo")
	client.SetTokens(refresh.Tokens{AccessToken: access, RefreshToken: refreshToken})
	s.ExpireAccessTokens()

	reply, err := client.Do(context.Background(), "GET /user/info", func(ctx context.Context, h refresh.Header) (refresh.Reply, error) {
		hr, _ := http.NewRequestWithContext(ctx, "GET", ts.URL+"/api/user/info", nil)
		hr.Header.Set(h.Name, h.Value)
		resp, err := http.DefaultClient.Do(hr)
		if err != nil {
			return refresh.Reply{}, err
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		code, ok := client.BodyCode(body)
		return refresh.Reply{Status: resp.StatusCode, Code: code, HasCode: ok, Value: strings.TrimSpace(string(body))}, nil
	})
	fmt.Println("error:", err)
	fmt.Println("reply:", reply.Value)
	fmt.Println("refresh calls:", s.Stats().RefreshCalls)
	// Output:
	// event: expired
	// event: refresh
	// event: refreshed
	// error: <nil>
	// reply: {"code":0,"message":"ok","data":{"name":"demo","roles":["admin"]}}
	// refresh calls: 1
}
