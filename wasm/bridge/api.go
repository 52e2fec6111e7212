//go:build js && wasm

package bridge

import (
	"errors"
	"fmt"

	"github.com/authfetch/authfetch/wasm/refresh"
	"github.com/hack-pad/safejs"
)

// Serve hands the loader its entry point: it calls the global function readyName with
// { newClient(options, hooks) }. newClient returns the client's functions, or an Error (a
// TypeError for a wrong option value) made by hooks.makeError. This function lives as long
// as the runtime, which never exits.
func Serve(readyName string) error {
	ready := prop(global, readyName)
	if ready.Type() != safejs.TypeFunction {
		return fmt.Errorf("authfetch: no loader waits for this module (global %q is not a function); load it with js/authfetch.js", readyName)
	}
	newClientFunc, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) (result any) {
		hooks := arg(args, 1)
		fail := func(kind, msg string) any {
			v, err := hooks.Call("makeError", kind, msg, nil)
			if err != nil {
				return msg
			}
			return v
		}
		defer func() {
			if p := recover(); p != nil {
				result = fail("Error", fmt.Sprintf("authfetch: internal error: %v", p))
			}
		}()
		obj, err := newClient(arg(args, 0), hooks)
		if err != nil {
			kind := "Error"
			var te typeError
			if errors.As(err, &te) || errors.Is(err, refresh.ErrInvalidOption) {
				kind = "TypeError"
			}
			return fail(kind, err.Error())
		}
		return obj
	})
	if err != nil {
		return err
	}
	api := newObject()
	if err := api.Set("newClient", newClientFunc); err != nil {
		return fromJS(err)
	}
	if _, err := ready.Invoke(api); err != nil {
		return fromJS(err)
	}
	return nil
}
