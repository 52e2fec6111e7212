//go:build js && wasm

package bridge

import (
	"errors"

	"github.com/hack-pad/safejs"
)

// settler settles one Promise made by newPromise, once.
type settler struct {
	resolve, reject safejs.Value
	done            bool
}

func (s *settler) Resolve(v any) {
	if !s.done {
		s.done = true
		_, _ = s.resolve.Invoke(v)
	}
}

func (s *settler) Reject(v any) {
	if !s.done {
		s.done = true
		_, _ = s.reject.Invoke(v)
	}
}

// newPromise returns a pending Promise and what settles it. The executor runs synchronously
// inside the Promise constructor, so its js.Func is released before newPromise returns.
func newPromise() (safejs.Value, *settler, error) {
	s := &settler{}
	exec, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		if len(args) >= 2 {
			s.resolve, s.reject = args[0], args[1]
		}
		return nil
	})
	if err != nil {
		return safejs.Undefined(), nil, err
	}
	defer exec.Release()
	p, err := jsPromise.New(exec)
	if err != nil {
		return safejs.Undefined(), nil, fromJS(err)
	}
	if s.resolve.Type() != safejs.TypeFunction {
		return safejs.Undefined(), nil, errors.New("authfetch: Promise executor was not called")
	}
	return p, s, nil
}

type settled struct {
	value safejs.Value
	err   error
}

// await waits for a Promise (or any thenable; a plain value is its own result) from a
// goroutine: never call it inside a JavaScript callback, which must not block. Its then and
// catch functions are released once it has settled.
func await(p safejs.Value) (safejs.Value, error) {
	if prop(p, "then").Type() != safejs.TypeFunction {
		return p, nil
	}
	ch := make(chan settled, 1)
	onValue, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		ch <- settled{value: arg(args, 0)}
		return nil
	})
	if err != nil {
		return safejs.Undefined(), err
	}
	defer onValue.Release()
	onReason, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		ch <- settled{err: newJSError(arg(args, 0))}
		return nil
	})
	if err != nil {
		return safejs.Undefined(), err
	}
	defer onReason.Release()
	if _, err := p.Call("then", onValue, onReason); err != nil {
		return safejs.Undefined(), fromJS(err)
	}
	r := <-ch
	return r.value, r.err
}

// arg is args[i], or undefined.
func arg(args []safejs.Value, i int) safejs.Value {
	if i < len(args) {
		return args[i]
	}
	return safejs.Undefined()
}
