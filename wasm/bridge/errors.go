//go:build js && wasm

package bridge

import (
	"errors"

	"github.com/authfetch/authfetch/wasm/refresh"
	"github.com/hack-pad/safejs"
)

// errorValue is the JavaScript value a failed call returns or rejects with: the one mapping
// from Go errors to the loader's error classes.
//
//	*refresh.RefreshError        SessionExpiredError or RefreshFailedError, with status,
//	                             bodyCode and the JavaScript cause when there is one
//	*JSError                     what JavaScript threw, as it was
//	invalid option, tokens       TypeError
//	anything else                Error
func errorValue(hooks safejs.Value, err error) safejs.Value {
	if re, ok := find[*refresh.RefreshError](err); ok {
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
		if cause, ok := find[*JSError](re.Cause); ok {
			props["cause"] = cause.Value
		}
		return makeError(hooks, kind, re.Error(), props)
	}
	if je, ok := find[*JSError](err); ok {
		return je.Value
	}
	if errors.Is(err, refresh.ErrInvalidTokens) || errors.Is(err, refresh.ErrInvalidOption) {
		return makeError(hooks, "TypeError", err.Error(), nil)
	}
	return makeError(hooks, "Error", err.Error(), nil)
}

// find is errors.As without reflection: the first error in err's tree (walked as errors.As
// walks it, depth first through Unwrap() error and Unwrap() []error) that is a T. errors.As
// links internal/reflectlite's type comparison, some 25 KB of wasm; the bridge only ever
// asks for concrete types, none of which has an As method.
func find[T error](err error) (T, bool) {
	for err != nil {
		if t, ok := err.(T); ok {
			return t, true
		}
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				if t, ok := find[T](e); ok {
					return t, true
				}
			}
			err = nil
		default:
			err = nil
		}
	}
	var zero T
	return zero, false
}

// makeError asks the loader for an Error of one of its classes. Should the loader fail to
// make one, the message itself is returned: the caller still gets what went wrong.
func makeError(hooks safejs.Value, kind, message string, props map[string]any) safejs.Value {
	var p any
	if props != nil {
		p = props
	}
	v, err := hooks.Call("makeError", kind, message, p)
	if err != nil {
		s, _ := safejs.ValueOf(message)
		return s
	}
	return v
}
