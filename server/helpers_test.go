package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// clock is a settable Config.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)} }

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

// harness is a Server behind a real HTTP server, with a settable clock and the admin
// routes mounted.
type harness struct {
	t     *testing.T
	s     *Server
	ts    *httptest.Server
	clock *clock

	events eventCounts
}

// eventCounts counts the Events told to Config.OnEvent, by kind.
type eventCounts struct {
	mu sync.Mutex
	n  map[Event]int64
}

func (c *eventCounts) count(e Event) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = make(map[Event]int64)
	}
	c.n[e]++
}

// stats are the counts so far, as package admin's Stats names them.
type stats struct {
	RefreshCalls, Refreshed, Reused, Graced, ReloginAnswers, ExpiredAnswers, InvalidAnswers, Logins, Requests int64
}

func (h *harness) stats() stats {
	c := &h.events
	c.mu.Lock()
	defer c.mu.Unlock()
	return stats{c.n[EventRefreshCall], c.n[EventRefreshed], c.n[EventReused], c.n[EventGraced],
		c.n[EventRelogin], c.n[EventExpired], c.n[EventInvalid], c.n[EventLogin], c.n[EventRequest]}
}

// newHarness starts a server; setup, if not nil, may set test hooks before serving.
func newHarness(t *testing.T, cfg Config, setup func(*Server)) *harness {
	t.Helper()
	h := &harness{t: t, clock: newClock()}
	if cfg.Now == nil {
		cfg.Now = h.clock.Now
	}
	if cfg.OnEvent == nil {
		cfg.OnEvent = h.events.count
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if setup != nil {
		setup(s)
	}
	h.s = s
	h.ts = httptest.NewServer(s.Handler())
	// ts.Close waits for every handler to return, so a leaked handler would hang the test.
	t.Cleanup(h.ts.Close)
	return h
}

// result is a decoded reply.
type result struct {
	Status  int
	Header  http.Header
	Raw     []byte
	Code    int             `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data"`
}

type request struct {
	method, path string
	header       map[string]string
	body         []byte
	ctx          context.Context
}

func (h *harness) do(rq request) (result, error) {
	ctx := rq.ctx
	if ctx == nil {
		ctx = h.t.Context()
	}
	var body io.Reader
	if rq.body != nil {
		body = bytes.NewReader(rq.body)
	}
	req, err := http.NewRequestWithContext(ctx, rq.method, h.ts.URL+rq.path, body)
	if err != nil {
		return result{}, err
	}
	for k, v := range rq.header {
		req.Header.Set(k, v)
	}
	res, err := h.ts.Client().Do(req)
	if err != nil {
		return result{}, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return result{}, err
	}
	r := result{Status: res.StatusCode, Header: res.Header, Raw: raw}
	// Not every reply is JSON (FailMalformed); callers look at Raw then.
	_ = json.Unmarshal(raw, &r)
	return r, nil
}

// must is do for requests that must get an answer.
func (h *harness) must(rq request) result {
	h.t.Helper()
	r, err := h.do(rq)
	if err != nil {
		h.t.Fatalf("%s %s: %v", rq.method, rq.path, err)
	}
	return r
}

func (h *harness) get(path, token string) result {
	h.t.Helper()
	return h.must(request{method: "GET", path: path, header: map[string]string{"X-Token": token}})
}

func (h *harness) post(path string, body string) result {
	h.t.Helper()
	return h.must(request{method: "POST", path: path, body: []byte(body)})
}

func (h *harness) login(user, password string) tokenPair {
	h.t.Helper()
	body, _ := json.Marshal(map[string]string{"username": user, "password": password})
	r := h.post("/api/login", string(body))
	if r.Status != 200 || r.Code != CodeOK {
		h.t.Fatalf("login: HTTP %d, code %d %q", r.Status, r.Code, r.Message)
	}
	return decodeData[tokenPair](h.t, r)
}

func (h *harness) refresh(refreshToken string) result {
	h.t.Helper()
	return h.post("/api/refreshJwt/"+refreshToken, "")
}

func decodeData[T any](t *testing.T, r result) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(r.Data, &v); err != nil {
		t.Fatalf("data %s: %v", r.Data, err)
	}
	return v
}

// wantCode fails unless r is HTTP status with business code.
func wantCode(t *testing.T, r result, status, code int) {
	t.Helper()
	if r.Status != status || r.Code != code {
		t.Fatalf("got HTTP %d code %d (%q), want HTTP %d code %d; body %s",
			r.Status, r.Code, r.Message, status, code, r.Raw)
	}
}

func newTestServer(t *testing.T, handler http.Handler) *httptest.Server {
	ts := httptest.NewServer(handler)
	t.Cleanup(ts.Close)
	return ts
}
