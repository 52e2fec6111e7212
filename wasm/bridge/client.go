//go:build js && wasm

package bridge

import (
	"context"
	"fmt"
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
	funcs  []safejs.Func           // guarded by mu: released by close
	closed bool                    // guarded by mu
	waits  map[refresh.Pending]any // guarded by mu: the one Promise of each refresh requests wait for
}

// newClient makes a client from the loader's options, sent as one JSON string (see
// refresh.Settings). It returns the object js/authfetch.js wraps: the client's plan (JSON,
// see start.go) and its functions.
func newClient(settingsJSON string, verbose bool, hooks safejs.Value) (safejs.Value, error) {
	settings, err := refresh.DecodeSettings([]byte(settingsJSON))
	if err != nil {
		forgetStart(settingsJSON)
		return safejs.Undefined(), err
	}
	c := &client{hooks: hooks}
	c.verbose.Store(verbose)
	key := settings.Key()
	opts := append(settings.Options(), refresh.WithObserver(c.observe))
	if l := newWebLock("authfetch:" + key); l != nil {
		opts = append(opts, refresh.WithLocker(l))
	}
	store := sharedStore{localStore: newLocalStore(key, c.warn), hooks: hooks}
	core, err := refresh.New(store, fetchTransport{}, opts...)
	if err != nil {
		forgetStart(settingsJSON)
		return safejs.Undefined(), err
	}
	c.core = core

	obj := newObject()
	plan := planJSON(core.Plan(), key)
	keepStart(settingsJSON, plan)
	if err := obj.Set("plan", plan); err != nil {
		return safejs.Undefined(), fromJS(err)
	}
	// A slice, not a map literal: building and ranging over the map cost some KB of wasm.
	for _, m := range []struct {
		name string
		fn   func(args []safejs.Value) any
	}{
		{"token", c.token},
		{"verdict", c.verdict},
		{"getTokens", c.getTokens},
		{"setTokens", c.setTokens},
		{"clearTokens", c.clearTokens},
		{"refresh", c.refresh},
		{"setVerbose", c.setVerbose},
		{"close", c.close},
	} {
		f, err := safejs.FuncOf(c.guard(m.fn))
		if err != nil {
			c.close(nil)
			return safejs.Undefined(), err
		}
		c.funcs = append(c.funcs, f)
		_ = obj.Set(m.name, f)
	}
	return obj, nil
}

// guard recovers a panic in a function JavaScript calls and returns it as an Error, so the
// runtime survives whatever arguments arrive.
func (c *client) guard(fn func(args []safejs.Value) any) func(safejs.Value, []safejs.Value) any {
	return func(_ safejs.Value, args []safejs.Value) (result any) {
		defer func() {
			if p := recover(); p != nil {
				result = c.internalError(p)
			}
		}()
		return fn(args)
	}
}

func (c *client) internalError(p any) safejs.Value {
	return makeError(c.hooks, "Error", fmt.Sprintf("authfetch: internal error: %v", p), nil)
}

// promise runs work in a goroutine and returns a Promise of its result: a function that
// JavaScript calls must never block. A panic in work rejects the Promise.
func (c *client) promise(work func() (any, error)) any {
	p, s, err := newPromise()
	if err != nil {
		return makeError(c.hooks, "Error", "authfetch: cannot make a Promise: "+safeText(err), nil)
	}
	go func() {
		defer func() {
			if p := recover(); p != nil {
				s.Reject(c.internalError(p))
			}
		}()
		v, err := work()
		if err != nil {
			s.Reject(errorValue(c.hooks, err))
			return
		}
		s.Resolve(v)
	}()
	return p
}

func (c *client) getTokens(_ []safejs.Value) any {
	t, err := c.core.Tokens()
	if err != nil {
		return errorValue(c.hooks, err)
	}
	if t.IsZero() {
		return nil
	}
	return map[string]any{"accessToken": t.AccessToken, "refreshToken": t.RefreshToken}
}

// setTokens(accessToken, refreshToken, expiresIn): the loader has checked the types.
func (c *client) setTokens(args []safejs.Value) any {
	access, _ := arg(args, 0).String()
	rt := ""
	if v := arg(args, 1); v.Type() == safejs.TypeString {
		rt, _ = v.String()
	}
	t := refresh.Tokens{AccessToken: access, RefreshToken: rt}
	if s, _ := arg(args, 2).Float(); s > 0 && s < 1e9 { // expiresIn, seconds
		t.Lifetime = int64(s * 1000)
	}
	if err := c.core.SetTokens(t); err != nil {
		return errorValue(c.hooks, err)
	}
	return nil
}

func (c *client) clearTokens(_ []safejs.Value) any {
	if err := c.core.ClearTokens(); err != nil {
		return errorValue(c.hooks, err)
	}
	return nil
}

// refresh returns a Promise of the refresh's end.
func (c *client) refresh(_ []safejs.Value) any {
	return c.promise(func() (any, error) {
		_, err := c.core.Refresh(context.Background())
		return nil, err
	})
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

func (c *client) warn(msg string) {
	_, _ = prop(global, "console").Call("warn", msg)
}
