package refresh

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// jwtBackend issues JWTs by a server clock that may differ from the client's.
type jwtBackend struct {
	fakeBackend
	life time.Duration

	mu        sync.Mutex
	serverNow time.Time // guarded by mu
	access    string    // guarded by mu: the valid access token
	refresh   string    // guarded by mu
	iat       bool      // put iat in tokens
	seq       int
}

func (b *jwtBackend) issue(t testing.TB) Tokens {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.seq++
	claims := jwt.MapClaims{"exp": b.serverNow.Add(b.life).Unix(), "n": b.seq}
	if b.iat {
		claims["iat"] = b.serverNow.Unix()
	}
	b.access, b.refresh = signed(t, claims), fmt.Sprintf("refresh-%d", b.seq)
	return Tokens{AccessToken: b.access, RefreshToken: b.refresh}
}

func (b *jwtBackend) advance(d time.Duration) {
	b.mu.Lock()
	b.serverNow = b.serverNow.Add(d)
	b.mu.Unlock()
}

// attempt answers 50014 for anything but the valid token, and for it once it is past exp.
func (b *jwtBackend) attempt(_ context.Context, h Header) (Reply, error) {
	token := h.Value
	b.attempts.Add(1)
	b.mu.Lock()
	defer b.mu.Unlock()
	if token != b.access || !b.serverNow.Before(readClaims(token).exp) {
		return Reply{Status: 200, Code: 50014, HasCode: true}, nil
	}
	return Reply{Status: 200, HasCode: true}, nil
}

func (b *jwtBackend) transport(t testing.TB) Transport {
	return TransportFunc(func(ctx context.Context, req *Request) (*Response, error) {
		b.refreshCalls.Add(1)
		b.mu.Lock()
		valid := strings.HasSuffix(req.URL, "/"+b.refresh)
		b.mu.Unlock()
		if !valid {
			return &Response{Status: 200, Body: []byte(`{"code":10007}`)}, nil
		}
		tok := b.issue(t)
		return &Response{Status: 200, Body: fmt.Appendf(nil, `{"code":0,"data":{"token":%q,"refreshToken":%q}}`, tok.AccessToken, tok.RefreshToken)}, nil
	})
}

// TestProactiveAndSkew runs 100 requests across a token's life, with the device clock off
// by skew, and counts refresh calls and "expired" replies.
func TestProactiveAndSkew(t *testing.T) {
	tests := []struct {
		name        string
		life        time.Duration
		skew        time.Duration // device clock minus server clock
		iat         bool
		wantRefresh int
		wantExpired int
	}{
		{"right clock: refreshed early, never refused", time.Minute, 0, true, 1, 0},
		{"20 s token: margin shrinks, one refresh", 20 * time.Second, 0, true, 1, 0},
		{"clock 3 h ahead: skew measured at arrival", time.Minute, 3 * time.Hour, true, 1, 0},
		{"clock 3 h behind: skew measured at arrival", time.Minute, -3 * time.Hour, true, 1, 0},
		{"no iat, clock 3 h ahead: the server decides", time.Minute, 3 * time.Hour, false, 1, 1},
		{"no iat, right clock: full 30 s margin, due every 30 s", time.Minute, 0, false, 2, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t0 := time.Unix(1_800_000_000, 0)
			b := &jwtBackend{life: tt.life, serverNow: t0, iat: tt.iat}
			clock := func() time.Time { b.mu.Lock(); defer b.mu.Unlock(); return b.serverNow.Add(tt.skew) }
			c, err := New(&MemoryStore{}, b.transport(t), WithClock(clock))
			if err != nil {
				t.Fatal(err)
			}
			if err := c.SetTokens(b.issue(t)); err != nil {
				t.Fatal(err)
			}
			acrossLifetime(t, b, []*Client{c}, tt.wantRefresh, tt.wantExpired)
		})
	}
}

// acrossLifetime sends 100 requests spread over 1.25 lifetimes of the first token, through
// the clients in turn, and checks how many refresh calls and "expired" replies they made.
func acrossLifetime(t *testing.T, b *jwtBackend, clients []*Client, wantRefresh, wantExpired int) {
	t.Helper()
	step := b.life * 5 / 4 / 100
	expiredReplies := 0
	for i := range 100 {
		reply, err := clients[i%len(clients)].Do(context.Background(), fmt.Sprint(i), func(ctx context.Context, tok Header) (Reply, error) {
			r, err := b.attempt(ctx, tok)
			if r.Code == 50014 {
				expiredReplies++
			}
			return r, err
		})
		if err != nil || reply.Code != 0 {
			t.Fatalf("request %d: %+v, %v", i, reply, err)
		}
		b.advance(step)
	}
	if got := int(b.refreshCalls.Load()); got != wantRefresh {
		t.Errorf("refresh calls = %d, want %d", got, wantRefresh)
	}
	if expiredReplies != wantExpired {
		t.Errorf("expired replies = %d, want %d", expiredReplies, wantExpired)
	}
}

// TestProactiveFailureSendsValidToken: an early refresh that fails does not fail a request
// whose token is still valid.
func TestProactiveFailureSendsValidToken(t *testing.T) {
	t0 := time.Unix(1_800_000_000, 0)
	b := &jwtBackend{life: time.Minute, serverNow: t0, iat: true}
	down := TransportFunc(func(context.Context, *Request) (*Response, error) {
		b.refreshCalls.Add(1)
		return nil, errors.New("connection refused")
	})
	c, err := New(&MemoryStore{}, down, WithClock(func() time.Time { b.mu.Lock(); defer b.mu.Unlock(); return b.serverNow }))
	if err != nil {
		t.Fatal(err)
	}
	c.SetTokens(b.issue(t))
	b.advance(50 * time.Second) // 10 s left: due, still valid
	if r, err := c.Do(context.Background(), "x", b.attempt); err != nil || r.Code != 0 {
		t.Errorf("request with a valid token after a failed early refresh: %+v, %v", r, err)
	}
	b.advance(time.Minute) // past exp: the failure is the answer
	if _, err := c.Do(context.Background(), "y", b.attempt); !errors.Is(err, ErrRefreshFailed) {
		t.Errorf("request with an expired token and the refresh down: %v", err)
	}
}

// TestTabsShareTheClockVerdict: four clients (tabs) share a store and a lock, with the device
// clock hours ahead, and take turns sending 100 requests across 1.25 lifetimes of a token.
// The clock offset, and the verdict "the server decides" for a token without iat, travel
// with the pair, so an adopting tab judges the pair as the tab that received it did: the
// same refresh count as one tab, not tabs taking turns refreshing.
func TestTabsShareTheClockVerdict(t *testing.T) {
	tests := []struct {
		name        string
		iat         bool
		wantRefresh int
		wantExpired int
	}{
		{"iat: the offset measured by one tab serves all", true, 1, 0},
		{"no iat: the server decides, in every tab", false, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t0 := time.Unix(1_800_000_000, 0)
			b := &jwtBackend{life: time.Minute, serverNow: t0, iat: tt.iat}
			clock := func() time.Time { b.mu.Lock(); defer b.mu.Unlock(); return b.serverNow.Add(3 * time.Hour) }
			store, lock := &MemoryStore{}, newMutexLocker()
			tabs := make([]*Client, 4)
			for i := range tabs {
				c, err := New(store, b.transport(t), WithClock(clock), WithLocker(lock))
				if err != nil {
					t.Fatal(err)
				}
				tabs[i] = c
			}
			if err := tabs[0].SetTokens(b.issue(t)); err != nil {
				t.Fatal(err)
			}
			acrossLifetime(t, b, tabs, tt.wantRefresh, tt.wantExpired)
		})
	}
}

// TestFailedEarlyRefreshIsRetriedOnce: the refresh endpoint is down while the token is due
// for an early refresh but still valid. A burst of requests makes one early refresh and one
// retry, not one per waiter, and later requests send the valid token without trying again.
func TestFailedEarlyRefreshIsRetriedOnce(t *testing.T) {
	t0 := time.Unix(1_800_000_000, 0)
	b := &jwtBackend{life: time.Minute, serverNow: t0, iat: true}
	down := TransportFunc(func(context.Context, *Request) (*Response, error) {
		b.refreshCalls.Add(1)
		return &Response{Status: 503, Body: []byte(`{"error":"down"}`)}, nil
	})
	c, err := New(&MemoryStore{}, down, WithClock(func() time.Time { b.mu.Lock(); defer b.mu.Unlock(); return b.serverNow }))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SetTokens(b.issue(t)); err != nil {
		t.Fatal(err)
	}
	b.advance(50 * time.Second) // 10 s left: due, still valid
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() {
			if r, err := c.Do(context.Background(), fmt.Sprint(i), b.attempt); err != nil || r.Code != 0 {
				t.Errorf("request %d: %+v, %v", i, r, err)
			}
		})
	}
	wg.Wait()
	for i := range 20 {
		if r, err := c.Do(context.Background(), fmt.Sprint("later", i), b.attempt); err != nil || r.Code != 0 {
			t.Errorf("later request %d: %+v, %v", i, r, err)
		}
	}
	if got := b.refreshCalls.Load(); got != 2 {
		t.Errorf("refresh calls = %d, want 2: the early refresh and one retry", got)
	}
}
