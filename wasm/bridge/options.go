//go:build js && wasm

package bridge

import (
	"time"

	"github.com/authfetch/authfetch/wasm/refresh"
	"github.com/hack-pad/safejs"
)

// clientOptions are what js/authfetch.js hands over: the app's options with their types
// already checked there, so that here only values are judged (by package refresh).
type clientOptions struct {
	storageKey string
	debug      bool
	engine     []refresh.Option
}

// readOptions turns the checked options object into engine options. An absent (undefined)
// option keeps the engine's default.
func readOptions(o safejs.Value) clientOptions {
	co := clientOptions{storageKey: "authfetch"}
	has := func(name string) bool {
		t := prop(o, name).Type()
		return t != safejs.TypeUndefined && t != safejs.TypeNull
	}
	add := func(opt refresh.Option) { co.engine = append(co.engine, opt) }

	if has("storageKey") {
		co.storageKey = str(o, "storageKey")
	}
	if has("baseURL") {
		add(refresh.WithBaseURL(str(o, "baseURL")))
	}
	// The loader resolves baseURL against the page as fetch will, and passes its origin.
	add(refresh.WithBaseOrigin(str(o, "baseOrigin")))
	if has("allowedOrigins") {
		add(refresh.WithAllowedOrigins(stringList(prop(o, "allowedOrigins"))...))
	}
	if has("headerName") || has("headerPrefix") {
		name := refresh.DefaultHeaderName
		if has("headerName") {
			name = str(o, "headerName")
		}
		add(refresh.WithHeader(name, str(o, "headerPrefix")))
	}
	if has("expiredCodes") {
		add(refresh.WithExpiredCodes(ints(prop(o, "expiredCodes"))...))
	}
	if has("expiredStatuses") {
		add(refresh.WithExpiredStatuses(ints(prop(o, "expiredStatuses"))...))
	}
	if has("reloginCodes") {
		add(refresh.WithReloginCodes(ints(prop(o, "reloginCodes"))...))
	}
	if has("reloginStatuses") {
		add(refresh.WithReloginStatuses(ints(prop(o, "reloginStatuses"))...))
	}
	if has("codePath") {
		add(refresh.WithCodePath(str(o, "codePath")))
	}
	if has("refreshURL") {
		add(refresh.WithRefreshURL(str(o, "refreshURL")))
	}
	if has("refreshMethod") {
		add(refresh.WithRefreshMethod(str(o, "refreshMethod")))
	}
	if has("refreshTokenIn") || has("refreshTokenName") {
		in := refresh.InPath
		if has("refreshTokenIn") {
			in = refresh.TokenPlacement(str(o, "refreshTokenIn"))
		}
		add(refresh.WithRefreshToken(in, str(o, "refreshTokenName")))
	}
	if has("accessTokenPath") || has("refreshTokenPath") {
		access, rt := refresh.DefaultAccessTokenPath, refresh.DefaultRefreshTokenPath
		if has("accessTokenPath") {
			access = str(o, "accessTokenPath")
		}
		if has("refreshTokenPath") {
			rt = str(o, "refreshTokenPath")
		}
		add(refresh.WithTokenPaths(access, rt))
	}
	if ms, ok := num(o, "refreshTimeout"); ok {
		add(refresh.WithRefreshTimeout(millis(ms)))
	}
	if ms, ok := num(o, "refreshMargin"); ok {
		add(refresh.WithRefreshMargin(millis(ms)))
	}
	if d := prop(o, "debug"); d.Type() == safejs.TypeBoolean {
		co.debug, _ = d.Bool()
	}
	return co
}

func millis(ms float64) time.Duration { return time.Duration(ms * float64(time.Millisecond)) }

// stringList reads an array of strings; anything else in it becomes "" and is refused later.
func stringList(a safejs.Value) []string {
	n, err := a.Length()
	if err != nil {
		return nil
	}
	out := make([]string, 0, n)
	for i := range n {
		v, err := a.Index(i)
		s := ""
		if err == nil && v.Type() == safejs.TypeString {
			s, _ = v.String()
		}
		out = append(out, s)
	}
	return out
}

// ints reads an array of integers (checked by the loader).
func ints(a safejs.Value) []int {
	n, err := a.Length()
	if err != nil {
		return nil
	}
	out := make([]int, 0, n)
	for i := range n {
		if v, err := a.Index(i); err == nil && v.Type() == safejs.TypeNumber {
			f, _ := v.Float()
			out = append(out, int(f))
		}
	}
	return out
}
