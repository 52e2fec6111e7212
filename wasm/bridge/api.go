//go:build js && wasm

package bridge

import (
	"fmt"

	"github.com/hack-pad/safejs"
)

// Serve hands the loader its entry point: it calls the global function readyName with
// { newClient(settingsJSON, verbose, hooks) }. newClient returns the client object (its
// plan and functions), or an Error (a TypeError for a wrong option value) made by
// hooks.makeError. This function lives as long as the runtime, which never exits.
func Serve(readyName string) error {
	ready := prop(global, readyName)
	if ready.Type() != safejs.TypeFunction {
		return fmt.Errorf("authfetch: no loader waits for this module (global %q is not a function); load it with js/authfetch.js", readyName)
	}
	newClientFunc, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) (result any) {
		hooks := arg(args, 2)
		defer func() {
			if p := recover(); p != nil {
				result = makeError(hooks, "Error", fmt.Sprintf("authfetch: internal error: %v", p), nil)
			}
		}()
		settings, _ := arg(args, 0).String()
		verbose, _ := arg(args, 1).Truthy()
		obj, err := newClient(settings, verbose, hooks)
		if err != nil {
			return errorValue(hooks, err)
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
