//go:build js && wasm

package bridge

import "github.com/hack-pad/safejs"

// The browser's constructors and functions the bridge uses, looked up once. A missing one
// is undefined here and fails where it is used, with an error instead of a panic.
var (
	global        = safejs.Global()
	jsObject      = globalValue("Object")
	jsString      = globalValue("String")
	jsPromise     = globalValue("Promise")
	jsAbortCtl    = globalValue("AbortController")
	jsPerformance = globalValue("performance")
	jsReflect     = globalValue("Reflect")
)

func globalValue(name string) safejs.Value {
	v, err := global.Get(name)
	if err != nil {
		return safejs.Undefined()
	}
	return v
}

// newObject returns a new empty JavaScript object.
func newObject() safejs.Value {
	o, err := jsObject.New()
	if err != nil {
		return safejs.Undefined()
	}
	return o
}

// Values that come from outside the bridge (the global object's own getters) are read only
// through calls. syscall/js guards calls, constructors and invocations with
// try/catch, but not property reads or instanceof: a getter or Proxy trap that throws there
// never returns to Go, and the call that made it hangs for good.

// untrustedGet is Reflect.get(v, name): what JavaScript threw comes back as an error.
func untrustedGet(v safejs.Value, name string) (safejs.Value, error) {
	if t := v.Type(); t != safejs.TypeObject && t != safejs.TypeFunction {
		return safejs.Undefined(), nil
	}
	r, err := jsReflect.Call("get", v, name)
	return r, fromJS(err)
}

// prop reads a property of a value the bridge made or the browser returned (never one the
// app passed in: see untrustedGet), giving undefined for anything that fails.
func prop(v safejs.Value, name string) safejs.Value {
	if t := v.Type(); t != safejs.TypeObject && t != safejs.TypeFunction {
		return safejs.Undefined()
	}
	p, err := v.Get(name)
	if err != nil {
		return safejs.Undefined()
	}
	return p
}

// str is a string property, "" when absent or not a string.
func str(v safejs.Value, name string) string {
	p := prop(v, name)
	if p.Type() != safejs.TypeString {
		return ""
	}
	s, _ := p.String()
	return s
}

// num is a number property, or 0 and false.
func num(v safejs.Value, name string) (float64, bool) {
	p := prop(v, name)
	if p.Type() != safejs.TypeNumber {
		return 0, false
	}
	f, err := p.Float()
	return f, err == nil
}

// now is performance.now(), for event timestamps.
func now() float64 {
	v, err := jsPerformance.Call("now")
	if err != nil {
		return 0
	}
	f, _ := v.Float()
	return f
}
