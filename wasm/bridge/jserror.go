//go:build js && wasm

package bridge

import (
	"errors"
	"fmt"
	"syscall/js"

	"github.com/hack-pad/safejs"
)

// JSError is a value JavaScript threw or a Promise rejected with. The value is kept, so that
// a failed fetch rejects the caller with the browser's own error, as fetch would.
type JSError struct {
	Value safejs.Value
	text  string // computed once, safely: see describe
}

func (e *JSError) Error() string { return e.text }

// newJSError wraps a thrown or rejected value.
func newJSError(v safejs.Value) *JSError { return &JSError{Value: v, text: describe(v)} }

// fromJS turns an error returned by safejs into a *JSError holding what JavaScript threw.
// safejs returns syscall/js's js.Error, whose Error method panics when the thrown value is
// not an object (`throw "x"`), so its value is taken out and described here instead.
func fromJS(err error) error {
	if err == nil {
		return nil
	}
	if je, ok := find[js.Error](err); ok {
		return newJSError(safejs.Safe(je.Value))
	}
	if ve, ok := find[*js.ValueError](err); ok {
		return fmt.Errorf("authfetch: unexpected JavaScript value: %s", safeText(ve))
	}
	return errors.New(safeText(err))
}

// safeText is err.Error(), which cannot panic the runtime.
func safeText(err error) (s string) {
	defer func() {
		if recover() != nil {
			s = "JavaScript error"
		}
	}()
	return err.Error()
}

// describe says what a thrown value is, as "Name: message" for an Error and by String() for
// anything else (a string, a number, a Symbol, null).
func describe(v safejs.Value) string {
	if t := v.Type(); t == safejs.TypeObject || t == safejs.TypeFunction {
		if msg, err := v.Get("message"); err == nil && msg.Type() == safejs.TypeString {
			name := "Error"
			if n, err := v.Get("name"); err == nil && n.Type() == safejs.TypeString {
				name, _ = n.String()
			}
			m, _ := msg.String()
			return name + ": " + m
		}
	}
	if s, err := jsString.Invoke(v); err == nil {
		if text, err := s.String(); err == nil {
			return "JavaScript threw " + v.Type().String() + " " + text
		}
	}
	return "JavaScript threw a " + v.Type().String()
}
