//go:build js && wasm

package bridge

import (
	"context"

	"github.com/authfetch/authfetch/wasm/refresh"
	"github.com/hack-pad/safejs"
)

// fetchTransport makes the refresh call with the page's fetch, aborted when ctx ends.
type fetchTransport struct{}

func (fetchTransport) Send(ctx context.Context, req *refresh.Request) (*refresh.Response, error) {
	abort, err := jsAbortCtl.New()
	if err != nil {
		return nil, fromJS(err)
	}
	// A goroutine watches ctx rather than context.AfterFunc, which links context's whole
	// cancellation tree into the wasm; the engine's refresh context is not part of one.
	finished := make(chan struct{})
	defer close(finished)
	go func() {
		select {
		case <-ctx.Done():
			_, _ = abort.Call("abort", context.Cause(ctx).Error())
		case <-finished:
		}
	}()

	headers := newObject()
	for k, v := range req.Header {
		_ = headers.Set(k, v)
	}
	init := newObject()
	_ = init.Set("method", req.Method)
	_ = init.Set("headers", headers)
	_ = init.Set("signal", prop(abort, "signal"))
	_ = init.Set("cache", "no-store")
	if req.Cookies {
		_ = init.Set("credentials", "include")
	}
	if req.Body != nil {
		_ = init.Set("body", string(req.Body))
	}
	p, err := global.Call("fetch", req.URL, init)
	if err != nil {
		return nil, fromJS(err)
	}
	resp, err := await(p)
	if err != nil {
		return nil, err
	}
	status, _ := num(resp, "status")
	text, err := callAwait(resp, "text")
	if err != nil {
		return nil, err
	}
	body, _ := text.String()
	return &refresh.Response{Status: int(status), Body: []byte(body)}, nil
}

// callAwait calls a method that returns a Promise and waits for it.
func callAwait(v safejs.Value, method string, args ...any) (safejs.Value, error) {
	p, err := v.Call(method, args...)
	if err != nil {
		return safejs.Undefined(), fromJS(err)
	}
	return await(p)
}
