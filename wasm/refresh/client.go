package refresh

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
)

// Attempt sends the request once with header (the zero Header when there is no token) and
// reports the reply. It is called once, or twice when the first reply says the token
// expired.
type Attempt func(ctx context.Context, header Header) (Reply, error)

// Header is the request header that carries an access token, as the headerName and
// headerPrefix options shape it. The zero Header means the request goes without a token.
type Header struct {
	Name, Value string
}

// Client is one authenticated session: it sends requests with the stored access token,
// refreshes it once per expiry and replays what the expiry refused. It is safe for
// concurrent use.
type Client struct {
	cfg       config
	store     Store
	transport Transport
	judge     expiryJudge
	book      sessionBook // the session of each access token handed out

	mu     sync.Mutex // serialises starting a refresh, and the store writes that race with it
	flight *flight    // guarded by mu: the refresh in progress, nil when none

	// sessionOver is set when the relogin event has been sent for the lost session or the
	// app logged out, and cleared when tokens appear again: one relogin event per session.
	sessionOver atomic.Bool
}

// New makes a Client that keeps its tokens in store and refreshes through transport.
func New(store Store, transport Transport, opts ...Option) (*Client, error) {
	cfg := defaultConfig()
	for _, opt := range opts {
		opt(&cfg)
	}
	if store == nil {
		cfg.fail("store", "must not be nil")
	}
	if transport == nil {
		cfg.fail("transport", "must not be nil")
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &Client{cfg: cfg, store: store, transport: transport, judge: expiryJudge{margin: cfg.refreshMargin}}, nil
}

// Do sends a request through the session: with the stored token, after any refresh in
// flight, refreshed first when the token is about to expire, and replayed once with a new
// token when the reply says the token expired. label names the request in events.
//
// It returns the reply to the last attempt, whatever it says, or send's error, or an error
// wrapping ErrSessionExpired or ErrRefreshFailed when authentication could not be restored,
// or ctx's error when ctx ends while the request waits for a refresh.
//
// Do is TokenNow (or Token), one attempt, Judge and, when the verdict is Expired, Renew and
// the replay: the steps the browser's loader takes one by one.
func (c *Client) Do(ctx context.Context, label string, send Attempt) (Reply, error) {
	token, ok := c.TokenNow(label)
	if !ok {
		var err error
		if token, err = c.Token(ctx, label); err != nil {
			return Reply{}, err
		}
	}
	reply, err := send(ctx, c.Header(token))
	if err != nil || c.Judge(label, reply) != Expired {
		return reply, err
	}
	fresh, err := c.Renew(ctx, label, token)
	if err != nil {
		return Reply{}, err
	}
	return send(ctx, c.Header(fresh))
}

// TokenNow returns the access token to send a new request with when it needs no waiting:
// no refresh is in flight and the stored token is not about to expire. It returns "" when no
// token is stored (the request goes without one). ok is false when the request must ask
// Token instead, which may wait; it never blocks and never calls the Transport or Locker.
func (c *Client) TokenNow(label string) (token string, ok bool) {
	c.mu.Lock()
	busy := c.flight != nil
	c.mu.Unlock()
	if busy {
		return "", false
	}
	t, err := c.load()
	if err != nil || (c.canRefresh(t) && c.judge.due(t, c.cfg.now())) {
		return "", false
	}
	c.book.note(t)
	c.emit(Event{Kind: EventSend, Label: label})
	return t.AccessToken, true
}

// Sent records that token, of session, went out with a request that the client did not
// hand it to (the browser's loader sends requests with the stored token while the engine
// is loading), so that the reply to it is judged as one to a token of that session.
func (c *Client) Sent(token, session string) {
	if _, known := c.book.of(token); !known {
		c.book.note(Tokens{AccessToken: token, Session: session})
	}
}

// Token returns the access token to send a new request with: after the refresh in flight if
// there is one, and after a refresh of its own if the stored token is about to expire. It
// returns "" when no token is stored.
func (c *Client) Token(ctx context.Context, label string) (string, error) {
	t, err := c.tokensToSend(ctx, label)
	if err != nil {
		return "", err
	}
	c.book.note(t)
	c.emit(Event{Kind: EventSend, Label: label})
	return t.AccessToken, nil
}

// Renew returns the token to replay a request with, after its reply to token used said
// "expired": the stored one if it is newer already (another request or tab refreshed it),
// else the result of the one refresh in flight, started here if there is none. A request
// is replayed only with a pair of the session it was sent in: when the app logged out or
// a new login replaced that session, Renew returns an error wrapping ErrSessionExpired
// (and the app gets no relogin prompt: it ended the session itself).
func (c *Client) Renew(ctx context.Context, label, used string) (string, error) {
	fresh, err := c.renew(ctx, label, used, false)
	if err != nil {
		return "", err
	}
	c.emit(Event{Kind: EventSend, Label: label, Replay: true})
	return fresh.AccessToken, nil
}

// tokensToSend returns the pair to send a new request with: after the refresh in flight if
// there is one, and after a refresh of its own if the stored token is about to expire.
func (c *Client) tokensToSend(ctx context.Context, label string) (Tokens, error) {
	for look := 0; ; look++ {
		t, err := c.load()
		if err != nil {
			return t, err
		}
		c.mu.Lock()
		f := c.flight
		c.mu.Unlock()
		if f != nil {
			c.emit(Event{Kind: EventWait, Label: label})
			fresh, err := f.wait(ctx)
			if look == 0 && !t.IsZero() && f.from.Session != t.Session {
				continue // the refresh of a session the app replaced: its outcome is not ours
			}
			// A failed early refresh leaves a token that the server may still accept.
			if err == nil || !f.proactive || !errors.Is(err, ErrRefreshFailed) {
				return fresh, err
			}
			if t, err = c.load(); err != nil {
				return t, err
			}
		}
		if !c.canRefresh(t) || !c.judge.due(t, c.cfg.now()) {
			return t, nil
		}
		fresh, err := c.renew(ctx, label, t.AccessToken, true)
		if err != nil && errors.Is(err, ErrRefreshFailed) && !c.judge.expired(t, c.cfg.now()) {
			return t, nil // the server decides
		}
		return fresh, err
	}
}

// renew returns a pair newer than stale, of stale's session: the stored one if it already
// is (another request or tab refreshed it), else the result of the one refresh in flight,
// started here if there is none.
func (c *Client) renew(ctx context.Context, label, stale string, proactive bool) (Tokens, error) {
	t, f, err := c.startRenew(label, stale, proactive)
	if f == nil {
		return t, err
	}
	return c.await(ctx, label, f, stale, proactive)
}

// await returns what refresh f gives the request whose reply to stale said "expired": f's
// pair when f refreshed stale's session and that session is still the stored one. When f
// refreshed another session (a new login came while the request was out), it looks once
// more, as renew does.
func (c *Client) await(ctx context.Context, label string, f *flight, stale string, proactive bool) (Tokens, error) {
	for look := 0; ; look++ {
		t, err := f.wait(ctx)
		if !c.refreshes(f, stale) {
			if look > 0 || ctx.Err() != nil {
				return Tokens{}, sessionGone()
			}
			var next *flight
			if t, next, err = c.startRenew(label, stale, proactive); next == nil {
				return t, err
			}
			f = next
			continue
		}
		if err != nil {
			return t, err
		}
		// The app may have logged out, or in, after the refresh saved the pair.
		now, err := c.load()
		switch {
		case err != nil:
			return Tokens{}, err
		case now.IsZero() || now.Session != t.Session:
			return Tokens{}, sessionGone()
		case now.AccessToken == stale: // a view of the store that lags: the refresh's pair
			return t, nil
		}
		return now, nil // the session's newest pair
	}
}

// refreshes reports whether f refreshes the session of a request sent with token stale.
func (c *Client) refreshes(f *flight, stale string) bool {
	if f.from.AccessToken == stale {
		return true
	}
	session, known := c.book.of(stale)
	return known && session == f.from.Session
}

// startRenew is renew without the wait: the newer pair or the error at once, or the
// refresh in flight to wait for.
func (c *Client) startRenew(label, stale string, proactive bool) (Tokens, *flight, error) {
	const (
		joined = iota
		started
		newer
		failedRead
		noRefreshToken
		otherSession
	)
	var (
		t     Tokens
		f     *flight
		err   error
		first bool // noRefreshToken: the first news of the loss
	)
	outcome := func() int {
		c.mu.Lock()
		defer c.mu.Unlock() // also when the Store panics: later requests must not hang
		if c.flight != nil {
			f = c.flight
			return joined
		}
		// Under mu, so no refresh can start or finish between this read and the decision.
		// Tokens stored mean a session whose loss is news (load's rule): the loader may
		// have sent with them without asking Token.
		t, err = c.store.Load()
		if err == nil && !t.IsZero() {
			c.sessionOver.Store(false)
		}
		switch {
		case err != nil:
			return failedRead
		case !t.IsZero() && t.AccessToken != stale:
			if session, known := c.book.of(stale); !known || session != t.Session {
				return otherSession
			}
			return newer
		case !c.canRefresh(t):
			first = c.endSessionLocked()
			return noRefreshToken
		}
		c.book.note(t)
		f = newFlight(proactive, t)
		c.flight = f
		return started
	}()
	switch outcome {
	case joined:
		c.emit(Event{Kind: EventWait, Label: label})
	case started:
		go c.run(f, t)
	case newer:
		c.emit(Event{Kind: EventNewer, Label: label})
		return t, nil, nil
	case failedRead:
		return Tokens{}, nil, refreshFailed(fmt.Errorf("reading the tokens: %w", err))
	case noRefreshToken:
		return Tokens{}, nil, c.sessionLost(first, errors.New("no refresh token is stored"), 0, 0)
	case otherSession:
		return Tokens{}, nil, sessionGone()
	}
	return Tokens{}, f, nil
}

// Pending is a refresh in flight that requests wait for. Every request that needs the same
// refresh after a reply to the same token gets an equal Pending (it is comparable), so a
// caller can share one wait among them, as the browser bridge shares one Promise.
type Pending struct {
	c     *Client
	f     *flight
	stale string
}

// Wait returns the access token to replay with, as Renew does, or ctx's error when ctx ends
// first. Leaving early does not stop the refresh.
func (p Pending) Wait(ctx context.Context) (string, error) {
	t, err := p.c.await(ctx, "", p.f, p.stale, false)
	return t.AccessToken, err
}

// StartRenew is Renew without waiting: it returns the token to replay with at once when the
// stored one is newer than used, or the error, or (ok false) the Pending refresh to wait
// for, started here if none was in flight. It never blocks.
func (c *Client) StartRenew(label, used string) (token string, p Pending, ok bool, err error) {
	t, f, err := c.startRenew(label, used, false)
	if f != nil {
		return "", Pending{c, f, used}, false, nil
	}
	return t.AccessToken, Pending{}, true, err
}

// run performs the refresh of f and publishes its result to every waiter, whatever happens:
// it emits EventRefresh, then exactly one event that ends it, a panic included.
func (c *Client) run(f *flight, from Tokens) {
	var end Event
	defer func() {
		if p := recover(); p != nil {
			f.tokens, f.err, end = c.failure(&panicError{value: p}, 0, 0)
		}
		if f.proactive && errors.Is(f.err, ErrRefreshFailed) {
			c.judge.earlyRefreshFailed(from.AccessToken)
		}
		end.Ends = true
		c.emitRecovering(end)
		c.mu.Lock()
		c.flight = nil
		c.mu.Unlock()
		close(f.done)
	}()
	c.emit(Event{Kind: EventRefresh})
	f.tokens, f.err, end = c.refresh(from)
}

// emitRecovering emits e where a panicking observer must not stop what follows.
func (c *Client) emitRecovering(e Event) {
	defer func() { _ = recover() }()
	c.emit(e)
}

// refresh exchanges from's refresh token for a new pair, under the cross-client lock, and
// saves it. The whole of it is bounded by the refreshTimeout option. It returns the event
// that ends the refresh beside its result.
func (c *Client) refresh(from Tokens) (Tokens, error, Event) {
	ctx := newDeadline(c.cfg.refreshTimeout)
	defer ctx.cancel()

	var unlock func()
	err := within(ctx, func() (err error) {
		unlock, err = c.cfg.locker.Lock(ctx)
		return err
	}, func() { unlock() })
	if err != nil {
		return c.failure(fmt.Errorf("waiting for the refresh lock: %w", err), 0, 0)
	}
	defer unlock()

	// Whoever held the lock before may have refreshed already, or ended the session.
	cur, err := c.store.Load()
	switch {
	case err != nil:
		return c.failure(fmt.Errorf("reading the tokens: %w", err), 0, 0)
	case cur.IsZero():
		return c.ended(true)
	case cur.Session != from.Session:
		return c.ended(false) // a new login replaced the session
	case cur.AccessToken != from.AccessToken:
		return c.adopted(cur)
	}
	// The store may not show yet what the last holder wrote; its rotation log does.
	log, logged := c.store.(RotationLog)
	if logged {
		var next Tokens
		var found bool
		err := within(ctx, func() (err error) {
			next, found, err = log.Successor(ctx, cur.AccessToken)
			return err
		}, nil)
		if err == nil && found && !next.IsZero() {
			return c.replace(cur, next, func() (Tokens, error, Event) { return c.adopted(next) })
		}
	}

	var resp *Response
	err = within(ctx, func() (err error) {
		resp, err = c.transport.Send(ctx, c.refreshRequest(cur))
		return err
	}, nil)
	if err == nil && resp == nil {
		err = errors.New("the transport returned no response")
	}
	if err != nil {
		return c.failure(err, 0, 0)
	}
	r := c.readRefreshReply(resp, cur)
	switch r.outcome {
	case relogin:
		// Only the session refreshed is over: if the app logged out or in meanwhile, what
		// it did stays, and there is nothing to prompt for.
		c.mu.Lock()
		now, err := c.store.Load()
		changed := err == nil && now != cur
		first := !changed && c.endSessionLocked()
		c.mu.Unlock()
		if changed {
			return c.ended(now.IsZero())
		}
		return c.lost(first, r.cause, r.status, r.code)
	case failed:
		return c.failure(r.cause, r.status, r.code)
	}

	next := c.judge.arrived(r.tokens, cur, c.cfg.now())
	next.Session = cur.Session
	if logged {
		// Recorded before the pair is stored and the lock released: the next holder must
		// find it, and a logout from now on forgets it.
		_ = within(ctx, func() error { return log.Rotated(ctx, cur.AccessToken, next) }, nil)
	}
	return c.replace(cur, next, func() (Tokens, error, Event) {
		return next, nil, Event{Kind: EventRefreshed, ExpiresAt: c.judge.expiresAt(next)}
	})
}

// replace stores next in place of cur, unless the app logged out or in meanwhile: then
// what it did is kept and is the answer. saved gives the answer once next is stored.
func (c *Client) replace(cur, next Tokens, saved func() (Tokens, error, Event)) (Tokens, error, Event) {
	c.mu.Lock()
	now, err := c.store.Load()
	switch {
	case err != nil:
	case now == cur:
		if err = c.store.Save(next); err == nil {
			c.sessionOver.Store(false)
		}
	case now.IsZero():
		// Logged out first: forget the rotation just recorded too (Store.Clear does, for a
		// store with a RotationLog), so no token of the session outlives the logout.
		_ = c.store.Clear()
	}
	c.mu.Unlock()
	switch {
	case err != nil:
		return c.failure(fmt.Errorf("saving the new tokens: %w", err), 0, 0)
	case now != cur && now.IsZero():
		return c.ended(true)
	case now != cur && now.Session != cur.Session:
		return c.ended(false)
	case now != cur:
		return c.adopted(now)
	}
	return saved()
}

// failure is a refresh that could not complete: the tokens stay. Not inlined: refresh
// returns it from six places.
//
//go:noinline
func (c *Client) failure(cause error, status, code int) (Tokens, error, Event) {
	return Tokens{}, &RefreshError{Kind: ErrRefreshFailed, Status: status, Code: code, Cause: cause},
		Event{Kind: EventRefreshFailed, Status: status, Code: code, Err: cause}
}

// adopted is a refresh that found a newer pair stored by someone else: no call needed.
func (c *Client) adopted(t Tokens) (Tokens, error, Event) {
	return t, nil, Event{Kind: EventAdopted, ExpiresAt: c.judge.expiresAt(t)}
}

// ended is the answer when the session refreshed was over before the refresh ended: the
// tokens were cleared (cleared: the app or another tab logged out, or another tab lost the
// session) or replaced by a new login. Logging out is not losing the session, and a tab
// that lost it prompts itself: there is no relogin prompt here.
func (c *Client) ended(cleared bool) (Tokens, error, Event) {
	if cleared {
		c.sessionOver.Store(true)
	}
	return c.lost(false, errors.New("the session ended while the refresh ran: logged out, or replaced by a new login"), 0, 0)
}

// lost is a refresh that found the session over. Its end event is the relogin event when
// this is the first news of the loss (once per session), EventSessionEnded otherwise.
func (c *Client) lost(first bool, cause error, status, code int) (Tokens, error, Event) {
	kind := EventSessionEnded
	if first {
		kind = EventRelogin
	}
	return Tokens{}, &RefreshError{Kind: ErrSessionExpired, Status: status, Code: code, Cause: cause},
		Event{Kind: kind, Status: status, Code: code, Err: cause}
}

// endSessionLocked clears the tokens and reports whether this is the first news of the
// session's loss. c.mu must be held, so that clearing cannot undo a SetTokens.
func (c *Client) endSessionLocked() bool {
	_ = c.store.Clear() // best effort: a store that cannot clear will answer the same way next time
	return c.sessionOver.CompareAndSwap(false, true)
}

// sessionLost reports the loss (once per session: first says whether this is the first
// news of it) and returns the error every waiter gets.
func (c *Client) sessionLost(first bool, cause error, status, code int) error {
	if first {
		c.emit(Event{Kind: EventRelogin, Status: status, Code: code, Err: cause})
	}
	return &RefreshError{Kind: ErrSessionExpired, Status: status, Code: code, Cause: cause}
}

// canRefresh reports whether t can be refreshed: it has a refresh token, or the protocol
// needs none (an HttpOnly cookie, or sliding refresh with the access token).
func (c *Client) canRefresh(t Tokens) bool {
	if !c.cfg.keepsRefreshToken() {
		return !t.IsZero()
	}
	return t.RefreshToken != ""
}

// load reads the store; tokens there mean a session, whose loss will be news again.
func (c *Client) load() (Tokens, error) {
	t, err := c.store.Load()
	if err != nil {
		return Tokens{}, fmt.Errorf("authfetch: reading the tokens: %w", err)
	}
	if !t.IsZero() && c.sessionOver.Load() {
		c.sessionOver.Store(false)
	}
	return t, nil
}

// checkTokens refuses a pair that cannot be stored and sent: no access token, or a token
// with a line break or NUL, which no header can carry.
func checkTokens(t Tokens) error {
	if t.AccessToken == "" {
		return fmt.Errorf("%w: accessToken must be a non-empty string", ErrInvalidTokens)
	}
	for name, v := range map[string]string{"accessToken": t.AccessToken, "refreshToken": t.RefreshToken} {
		if strings.ContainsAny(v, "\x00\r\n") {
			return fmt.Errorf("%w: %s must not contain line breaks or NUL, which no header can carry", ErrInvalidTokens, name)
		}
	}
	return nil
}

// SetTokens stores a new pair, after the app's own login. The refresh token may be empty
// for a backend that has none; an expiry then ends the session.
//
// It begins a new session: a request sent before it is never replayed with this pair.
func (c *Client) SetTokens(t Tokens) error {
	if err := checkTokens(t); err != nil {
		return err
	}
	if !c.cfg.keepsRefreshToken() {
		t.RefreshToken = ""
	}
	t = c.judge.arrived(Tokens{AccessToken: t.AccessToken, RefreshToken: t.RefreshToken, Lifetime: t.Lifetime}, Tokens{}, c.cfg.now())
	t.Session = newSession()
	c.book.note(t)
	c.mu.Lock()
	err := c.store.Save(t)
	if err == nil {
		c.sessionOver.Store(false)
	}
	c.mu.Unlock()
	if err != nil {
		return fmt.Errorf("authfetch: saving the tokens: %w", err)
	}
	return nil
}

// Tokens returns the stored pair, or the zero Tokens when there is none.
func (c *Client) Tokens() (Tokens, error) { return c.store.Load() }

// ClearTokens ends the session, as a logout does. It sends no relogin event: the app knows.
//
// A refresh of the session may be running in another client sharing the store (a tab)
// whose reads lag behind this write. So, once the cross-client lock is free, that is once
// such a refresh has saved its pair, ClearTokens clears again what that session stored; a
// new login stays.
func (c *Client) ClearTokens() error {
	c.mu.Lock()
	old, _ := c.store.Load()
	err := c.store.Clear()
	c.sessionOver.Store(true)
	c.mu.Unlock()
	if !old.IsZero() {
		go c.settleLogout(old)
	}
	return err
}

// settleLogout clears the pair of the session logged out if a refresh wrote it back, as
// the store shows or, for a store whose reads lag, as its rotation log does.
func (c *Client) settleLogout(old Tokens) {
	defer func() { _ = recover() }() // a Store or Locker that panics must not end the program
	ctx := newDeadline(c.cfg.refreshTimeout)
	defer ctx.cancel()
	var unlock func()
	if within(ctx, func() (err error) {
		unlock, err = c.cfg.locker.Lock(ctx)
		return err
	}, func() { unlock() }) != nil {
		return
	}
	defer unlock()
	rotated := false
	if log, ok := c.store.(RotationLog); ok {
		_ = within(ctx, func() (err error) {
			_, rotated, err = log.Successor(ctx, old.AccessToken)
			return err
		}, nil)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	now, err := c.store.Load()
	written := err == nil && !now.IsZero() && now.Session == old.Session
	lagging := rotated && (err != nil || now.IsZero()) // a new login stays
	if written || lagging {
		_ = c.store.Clear()
	}
}

// Refresh refreshes now, sharing any refresh in flight, and returns the new pair.
func (c *Client) Refresh(ctx context.Context) (Tokens, error) {
	t, err := c.load()
	if err != nil {
		return Tokens{}, err
	}
	return c.renew(ctx, "", t.AccessToken, false)
}

// Header returns the header that carries accessToken, or the zero Header for "".
func (c *Client) Header(accessToken string) Header {
	if accessToken == "" {
		return Header{}
	}
	return Header{Name: c.cfg.headerName, Value: c.cfg.headerPrefix + accessToken}
}

// AllowsOrigin reports whether a request to origin (as the browser serialises it, e.g.
// "https://api.example.com") may carry the token: baseURL's origin and allowedOrigins only.
func (c *Client) AllowsOrigin(origin string) bool { return c.cfg.origins[origin] }
