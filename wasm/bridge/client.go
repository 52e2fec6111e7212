//go:build js && wasm

package bridge

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/authfetch/authfetch/wasm/refresh"
	"github.com/hack-pad/safejs"
)

// client is one createAuthFetch client: the engine, the browser pieces it runs on, and the
// functions js/authfetch.js calls.
type client struct {
	core    *refresh.Client
	hooks   safejs.Value // from the loader: emit(event), makeError(kind, message, props)
	verbose atomic.Bool  // request-level events wanted (a listener or debug is on)

	mu     sync.Mutex
	funcs  []safejs.Func // guarded by mu: released by close
	closed bool          // guarded by mu
}

// newClient makes a client from the loader's checked options. It returns the object of
// functions for the loader, or an error naming a wrong option.
func newClient(options, hooks safejs.Value) (safejs.Value, error) {
	c := &client{hooks: hooks}
	opts := readOptions(options)
	c.verbose.Store(opts.debug)
	store := newLocalStore(opts.storageKey, c.warn)
	engine := append(opts.engine, refresh.WithObserver(c.observe))
	if l := newWebLock("authfetch:" + opts.storageKey); l != nil {
		engine = append(engine, refresh.WithLocker(l))
	}
	core, err := refresh.New(store, fetchTransport{}, engine...)
	if err != nil {
		return safejs.Undefined(), err
	}
	c.core = core

	obj := newObject()
	for name, fn := range map[string]func(args []safejs.Value) any{
		"fetch":       c.fetch,
		"getTokens":   c.getTokens,
		"setTokens":   c.setTokens,
		"clearTokens": c.clearTokens,
		"refresh":     c.refresh,
		"setVerbose":  c.setVerbose,
		"close":       c.close,
	} {
		f, err := safejs.FuncOf(guard(c, fn))
		if err != nil {
			c.close(nil)
			return safejs.Undefined(), err
		}
		c.funcs = append(c.funcs, f)
		_ = obj.Set(name, f)
	}
	return obj, nil
}

// rejectOnPanic, deferred in a goroutine that settles s, turns a panic into a rejection:
// a panic that escaped would end the runtime for the whole page.
func (c *client) rejectOnPanic(s *settler) {
	if p := recover(); p != nil {
		s.Reject(c.internalError(p))
	}
}

func (c *client) internalError(p any) safejs.Value {
	return c.makeError("Error", fmt.Sprintf("authfetch: internal error: %v", p), nil)
}

// guard recovers a panic in a function JavaScript calls and returns it as an Error, so the
// runtime survives whatever arguments arrive.
func guard(c *client, fn func(args []safejs.Value) any) func(safejs.Value, []safejs.Value) any {
	return func(_ safejs.Value, args []safejs.Value) (result any) {
		defer func() {
			if p := recover(); p != nil {
				result = c.internalError(p)
			}
		}()
		return fn(args)
	}
}

// request is one auth.fetch call, prepared.
type request struct {
	req        safejs.Value // the Request sent first
	label      string       // "METHOD url", for events
	replayable bool         // false for a ReadableStream body, which cannot be sent twice
	signalled  bool         // the app may abort it: listen to its signal while it waits
}

// fetch is auth.fetch(input, init), called by the loader as fetch(resolve, reject, ...args)
// inside a Promise executor: it returns at once and settles the Promise from a goroutine. A
// request that may not carry the token (another origin, or skipAuth) is handed to the
// page's fetch untouched.
func (c *client) fetch(args []safejs.Value) any {
	s := &settler{resolve: arg(args, 0), reject: arg(args, 1)}
	if len(args) < 3 {
		s.Reject(c.makeError("TypeError", "authfetch: fetch needs 1 argument, but got none", nil))
		return nil
	}
	r, direct, err := c.prepare(args[2], arg(args, 3))
	switch {
	case err != nil:
		s.Reject(c.errorValue(err))
	case direct:
		fp, err := global.Call("fetch", r.req)
		if err != nil {
			s.Reject(c.errorValue(fromJS(err)))
		} else {
			s.Resolve(fp)
		}
	default:
		go c.send(s, r)
	}
	return nil
}

// prepare builds the Request as fetch would from input and init, joining a relative URL to
// baseURL, and decides whether the engine handles it.
func (c *client) prepare(input, init safejs.Value) (r request, direct bool, err error) {
	v, err := untrustedGet(init, "skipAuth")
	if err != nil {
		return r, false, err
	}
	skip, _ := v.Truthy()
	signal, err := untrustedGet(init, "signal")
	if err != nil {
		return r, false, err
	}
	r.signalled = !signal.IsUndefined() && !signal.IsNull()
	body, err := untrustedGet(init, "body")
	if err != nil {
		return r, false, err
	}
	r.replayable = !untrustedInstanceOf(body, jsReadable)
	var req safejs.Value
	if untrustedInstanceOf(input, jsRequest) {
		r.signalled = true // its own signal, which the app may abort
		req, err = jsRequest.New(input, init)
	} else {
		var u string
		if u, err = urlString(input); err != nil {
			return r, false, err
		}
		req, err = jsRequest.New(c.core.ResolveURL(u), init)
	}
	if err != nil {
		return r, false, fromJS(err)
	}
	r.req = req
	url := str(req, "url")
	r.label = str(req, "method") + " " + url
	return r, skip || !c.core.AllowsOrigin(originOf(url)), nil
}

// urlString converts fetch's input as fetch does: a string as is, anything else by String(),
// except a Symbol, which fetch refuses.
func urlString(input safejs.Value) (string, error) {
	switch input.Type() {
	case safejs.TypeString:
		s, _ := input.String()
		return s, nil
	case safejs.TypeSymbol:
		return "", typeError("authfetch: fetch input must be a string, URL or Request, got a symbol")
	}
	v, err := jsString.Invoke(input)
	if err != nil {
		return "", fromJS(err)
	}
	s, _ := v.String()
	return s, nil
}

// originOf is new URL(url).origin, as the browser computes it, so that what is checked is
// exactly where fetch sends the request.
func originOf(url string) string {
	u, err := jsURL.New(url)
	if err != nil {
		return ""
	}
	return str(u, "origin")
}

// send runs one request through the engine and settles its Promise.
func (c *client) send(s *settler, r request) {
	defer c.rejectOnPanic(s)
	signal := prop(r.req, "signal")
	if aborted(signal) {
		s.Reject(prop(signal, "reason"))
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if r.signalled {
		if onAbort, err := safejs.FuncOf(func(safejs.Value, []safejs.Value) any { cancel(); return nil }); err == nil {
			defer onAbort.Release()
			if _, err := signal.Call("addEventListener", "abort", onAbort); err == nil {
				defer func() { _, _ = signal.Call("removeEventListener", "abort", onAbort) }()
			}
		}
	}
	// The replay needs the body again: keep a copy before the first attempt consumes it.
	keep := r.req
	if r.replayable && !prop(r.req, "body").IsNull() {
		if clone, err := r.req.Call("clone"); err == nil {
			keep = clone
		}
	}
	attempts := 0
	reply, err := c.core.Do(ctx, r.label, func(ctx context.Context, token string) (refresh.Reply, error) {
		attempts++
		req := r.req
		if attempts > 1 {
			if !r.replayable {
				return refresh.Reply{}, typeError("authfetch: the access token expired and the request must be sent again, but its body is a ReadableStream, which cannot be sent twice; send a Blob, string or FormData instead")
			}
			req = keep
		}
		if token != "" {
			name, value := c.core.Header(token)
			if _, err := prop(req, "headers").Call("set", name, value); err != nil {
				return refresh.Reply{}, fromJS(err)
			}
		}
		return c.attempt(req)
	})
	switch {
	case aborted(signal):
		// Aborted before the caller got its Response: fetch rejects then, with the reason.
		s.Reject(prop(signal, "reason"))
	case err == nil:
		s.Resolve(reply.Value)
	default:
		s.Reject(c.errorValue(err))
	}
}

func aborted(signal safejs.Value) bool {
	b, _ := prop(signal, "aborted").Truthy()
	return b
}

// attempt sends req once and reads what the engine needs: the status, and the body's code
// for a small JSON reply, read from a clone so the caller gets the body untouched.
func (c *client) attempt(req safejs.Value) (refresh.Reply, error) {
	resp, err := callAwait(global, "fetch", req)
	if err != nil {
		return refresh.Reply{}, err
	}
	status, _ := num(resp, "status")
	reply := refresh.Reply{Status: int(status), Value: resp}
	if c.core.NeedsBodyCode() && readableJSON(resp) {
		clone, err := resp.Call("clone")
		if err != nil {
			return refresh.Reply{}, fromJS(err)
		}
		// A body that cannot be read (the request was aborted meanwhile, the connection
		// broke) fails the request, as reading it would fail the caller.
		text, err := callAwait(clone, "text")
		if err != nil {
			return refresh.Reply{}, err
		}
		body, _ := text.String()
		reply.Code, reply.HasCode = c.core.BodyCode([]byte(body))
	}
	return reply, nil
}

// readableJSON reports whether a reply is JSON, has a body, and is small enough to read for
// its code: an "expired" reply is tiny, a large one cannot be that.
func readableJSON(resp safejs.Value) bool {
	status, _ := num(resp, "status")
	if status == 0 || status == 204 || status == 304 || prop(resp, "body").IsNull() {
		return false
	}
	headers := prop(resp, "headers")
	ct, err := headers.Call("get", "content-type")
	if err != nil || ct.Type() != safejs.TypeString {
		return false
	}
	s, _ := ct.String()
	if !strings.Contains(strings.ToLower(s), "json") {
		return false
	}
	if cl, err := headers.Call("get", "content-length"); err == nil && cl.Type() == safejs.TypeString {
		n, _ := cl.String()
		if size, err := strconv.Atoi(strings.TrimSpace(n)); err == nil && size > refresh.MaxCodeBody {
			return false
		}
	}
	return true
}

func (c *client) getTokens(_ []safejs.Value) any {
	t, err := c.core.Tokens()
	if err != nil {
		return c.errorValue(err)
	}
	if t.IsZero() {
		return nil
	}
	return map[string]any{"accessToken": t.AccessToken, "refreshToken": t.RefreshToken}
}

// setTokens(accessToken, refreshToken): the loader has checked the types.
func (c *client) setTokens(args []safejs.Value) any {
	access, _ := arg(args, 0).String()
	rt := ""
	if v := arg(args, 1); v.Type() == safejs.TypeString {
		rt, _ = v.String()
	}
	if err := c.core.SetTokens(refresh.Tokens{AccessToken: access, RefreshToken: rt}); err != nil {
		return c.errorValue(err)
	}
	return nil
}

func (c *client) clearTokens(_ []safejs.Value) any {
	if err := c.core.ClearTokens(); err != nil {
		return c.errorValue(err)
	}
	return nil
}

// refresh returns a Promise of the refresh's end.
func (c *client) refresh(_ []safejs.Value) any {
	p, s, err := newPromise()
	if err != nil {
		return c.makeError("Error", "authfetch: cannot make a Promise: "+safeText(err), nil)
	}
	go func() {
		defer c.rejectOnPanic(s)
		if _, err := c.core.Refresh(context.Background()); err != nil {
			s.Reject(c.errorValue(err))
			return
		}
		s.Resolve(nil)
	}()
	return p
}

func (c *client) setVerbose(args []safejs.Value) any {
	on, _ := arg(args, 0).Truthy()
	c.verbose.Store(on)
	return nil
}

// close releases the client's functions. The loader never calls them afterwards.
func (c *client) close(_ []safejs.Value) any {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.closed {
		c.closed = true
		for _, f := range c.funcs {
			f.Release()
		}
		c.funcs = nil
	}
	return nil
}

// observe hands the engine's events to the loader, which dispatches them to the app.
func (c *client) observe(e refresh.Event) {
	switch e.Kind {
	case refresh.EventSend, refresh.EventWait, refresh.EventExpired:
		if !c.verbose.Load() {
			return
		}
	}
	ev := map[string]any{"type": string(e.Kind), "time": now()}
	if e.Label != "" {
		ev["label"] = e.Label
	}
	if e.Replay {
		ev["replay"] = true
	}
	if e.Status != 0 {
		ev["status"] = e.Status
	}
	if e.Kind == refresh.EventExpired || e.Code != 0 {
		ev["code"] = e.Code
	}
	if e.Err != nil {
		ev["message"] = e.Err.Error()
	}
	_, _ = c.hooks.Call("emit", ev)
}

func (c *client) warn(msg string) {
	_, _ = prop(global, "console").Call("warn", msg)
}

// typeError is an error the app made, reported to it as a JavaScript TypeError.
type typeError string

func (e typeError) Error() string { return string(e) }

// makeError asks the loader for an Error of one of its classes.
func (c *client) makeError(kind, message string, props map[string]any) safejs.Value {
	var p any
	if props != nil {
		p = props
	}
	v, err := c.hooks.Call("makeError", kind, message, p)
	if err != nil {
		return safejs.Undefined()
	}
	return v
}

// errorValue is the JavaScript value a failed call rejects or returns with.
func (c *client) errorValue(err error) safejs.Value {
	var re *refresh.RefreshError
	if errors.As(err, &re) {
		kind := "RefreshFailedError"
		if errors.Is(re.Kind, refresh.ErrSessionExpired) {
			kind = "SessionExpiredError"
		}
		props := map[string]any{}
		if re.Status != 0 {
			props["status"] = re.Status
		}
		if re.Code != 0 {
			props["bodyCode"] = re.Code
		}
		var cause *JSError
		if errors.As(re.Cause, &cause) {
			props["cause"] = cause.Value
		}
		return c.makeError(kind, re.Error(), props)
	}
	var je *JSError
	if errors.As(err, &je) {
		return je.Value
	}
	var te typeError
	if errors.As(err, &te) || errors.Is(err, refresh.ErrInvalidTokens) || errors.Is(err, refresh.ErrInvalidOption) {
		return c.makeError("TypeError", err.Error(), nil)
	}
	return c.makeError("Error", err.Error(), nil)
}
