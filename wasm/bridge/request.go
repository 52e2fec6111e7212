//go:build js && wasm

package bridge

import (
	"context"
	"runtime"
	"sync/atomic"

	"github.com/authfetch/authfetch/wasm/refresh"
	"github.com/hack-pad/safejs"
)

// The per-request seam. The loader builds the Request, sets the header, calls fetch and
// reads the reply's code; it asks Go two questions, with small values only:
//
//	token(label)                                which access token to send
//	verdict(status, code, used, label, session) what the reply means
//
// Each answers synchronously when it can (a string, then null) and with a Promise when the
// answer needs a refresh. label is a string only when request-level events are wanted, so
// the happy path copies no string into Go. On the happy path the loader asks neither: it
// reuses token's answer while the stored entry is unchanged and its SendUntil lies ahead,
// and hands verdict only the replies the plan's expired rule lists.

// token returns the access token to send ("" for none), or a Promise of it when the request
// must wait for a refresh.
func (c *client) token(args []safejs.Value) any {
	collectNow()
	label := labelArg(args, 0)
	if t, ok := c.core.TokenNow(label); ok {
		return t
	}
	return c.promise(func() (any, error) { return c.core.Token(context.Background(), label) })
}

// verdict judges the reply to a request sent with token used: null to hand it to the
// caller, or a Promise of the token to replay it with (rejected with a SessionExpiredError
// or RefreshFailedError when authentication cannot be restored). code is the reply's body
// code as the loader read it: a number, a string, or undefined. session is given for a
// request the loader sent before Go was up, with the stored pair's token: its session, as
// the stored entry said.
func (c *client) verdict(args []safejs.Value) any {
	status, _ := arg(args, 0).Float()
	reply := refresh.Reply{Status: int(status)}
	switch code := arg(args, 1); code.Type() {
	case safejs.TypeNumber:
		f, _ := code.Float()
		reply.Code, reply.HasCode = refresh.CodeOf(f)
	case safejs.TypeString:
		s, _ := code.String()
		reply.Code, reply.HasCode = refresh.ParseCode(s)
	}
	label := labelArg(args, 3)
	if c.core.Judge(label, reply) == refresh.PassThrough {
		return nil
	}
	used, _ := arg(args, 2).String()
	if s := arg(args, 4); s.Type() == safejs.TypeString {
		session, _ := s.String()
		c.core.Sent(used, session)
	}
	if label != "" { // request events wanted: each request waits on its own, and says so
		return c.promise(func() (any, error) { return c.core.Renew(context.Background(), label, used) })
	}
	token, pending, ok, err := c.core.StartRenew("", used)
	switch {
	case err != nil:
		return errorValue(c.hooks, err)
	case ok:
		return token
	}
	return c.shared(pending)
}

// shared returns the one Promise of the token that pending produces: a burst of a thousand
// requests at expiry waits with one Promise and one goroutine, not a thousand.
func (c *client) shared(pending refresh.Pending) any {
	c.mu.Lock()
	defer c.mu.Unlock()
	if p, ok := c.waits[pending]; ok {
		return p
	}
	if c.waits == nil {
		c.waits = map[refresh.Pending]any{}
	}
	// The entry goes when the refresh ends, before the Promise settles. (Should the
	// Promise itself fail to be made, the Error stands in for it for this refresh's
	// requests, and the entry stays: one per such refresh.)
	c.waits[pending] = c.promise(func() (any, error) {
		token, err := pending.Wait(context.Background())
		c.mu.Lock()
		delete(c.waits, pending)
		c.mu.Unlock()
		return token, err
	})
	return c.waits[pending]
}

// requests counts token calls, for collectNow.
var requests atomic.Uint32

// collectEvery is how many requests pass between two garbage collections that collectNow
// starts.
const collectEvery = 2048

// collectNow starts a garbage collection every collectEvery requests. The JavaScript values
// Go touched (arguments, results, the stored entry) are let go only by finalizers, which
// run after a collection, and a request allocates so little Go memory that collections are
// otherwise rare: memory and the values held would grow for a long while before one came.
// A collection of this small heap takes about a millisecond.
func collectNow() {
	if requests.Add(1)%collectEvery == 0 {
		go runtime.GC()
	}
}

// labelArg is args[i] when it is a string, else "".
func labelArg(args []safejs.Value, i int) string {
	v := arg(args, i)
	if v.Type() != safejs.TypeString {
		return ""
	}
	s, _ := v.String()
	return s
}
