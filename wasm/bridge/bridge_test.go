//go:build js && wasm

package bridge

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/authfetch/authfetch/wasm/refresh"
	"github.com/hack-pad/safejs"
)

// eval runs JavaScript source in the page and returns its value.
func eval(t *testing.T, src string) safejs.Value {
	t.Helper()
	fn, err := globalValue("Function").New(src)
	if err != nil {
		t.Fatalf("compiling %q: %s", src, safeText(err))
	}
	v, err := fn.Invoke()
	if err != nil {
		t.Fatalf("running %q: %s", src, safeText(err))
	}
	return v
}

// TestThrownValuesAreDescribed: whatever JavaScript throws, the error's text is readable and
// reading it does not panic (safejs's own Error() panics for a thrown string).
func TestThrownValuesAreDescribed(t *testing.T) {
	tests := []struct{ throw, want string }{
		{`throw new TypeError("bad input")`, "TypeError: bad input"},
		{`throw "plain string"`, "JavaScript threw string plain string"},
		{`throw 42`, "JavaScript threw number 42"},
		{`throw null`, "JavaScript threw null null"},
		{`throw undefined`, "JavaScript threw undefined undefined"},
		{`throw Symbol("s")`, "JavaScript threw symbol Symbol(s)"},
		{`throw {code: 7}`, "JavaScript threw object [object Object]"},
	}
	for _, tt := range tests {
		fn, err := globalValue("Function").New(tt.throw)
		if err != nil {
			t.Fatal(safeText(err))
		}
		_, err = fn.Invoke()
		err = fromJS(err)
		var je *JSError
		if !errors.As(err, &je) {
			t.Errorf("%s: got %T, want *JSError", tt.throw, err)
			continue
		}
		if got := je.Error(); got != tt.want {
			t.Errorf("%s: Error() = %q, want %q", tt.throw, got, tt.want)
		}
	}
}

func TestAwait(t *testing.T) {
	v, err := await(eval(t, `return Promise.resolve(7)`))
	if n, _ := v.Int(); err != nil || n != 7 {
		t.Errorf("resolved: %v, %v", n, err)
	}
	_, err = await(eval(t, `return Promise.reject("no")`))
	if err == nil || !strings.Contains(err.Error(), "no") {
		t.Errorf("rejected with a string: %v", err)
	}
	v, err = await(eval(t, `return 5`))
	if n, _ := v.Int(); err != nil || n != 5 {
		t.Errorf("a plain value is its own result: %v, %v", n, err)
	}
}

func TestNewPromiseSettlesOnce(t *testing.T) {
	p, s, err := newPromise()
	if err != nil {
		t.Fatal(err)
	}
	s.Resolve("first")
	s.Reject("second") // ignored
	v, err := await(p)
	if got, _ := v.String(); err != nil || got != "first" {
		t.Errorf("got %q, %v", got, err)
	}
}

// TestStoreFallsBackToMemory: where localStorage throws, the store keeps working in memory
// and warns once.
func TestStoreFallsBackToMemory(t *testing.T) {
	eval(t, `
		globalThis.__savedLS = Object.getOwnPropertyDescriptor(globalThis, 'localStorage')
		Object.defineProperty(globalThis, 'localStorage', { configurable: true,
			get () { throw new DOMException('blocked', 'SecurityError') } })`)
	defer eval(t, `Object.defineProperty(globalThis, 'localStorage', globalThis.__savedLS)`)
	var warnings []string
	s := newLocalStore("fallback-test", func(m string) { warnings = append(warnings, m) })
	want := refresh.Tokens{AccessToken: "a", RefreshToken: "r"}
	if err := s.Save(want); err != nil {
		t.Fatal(err)
	}
	got, err := s.Load()
	if err != nil || got != want {
		t.Errorf("Load = %+v, %v; want %+v", got, err, want)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "SecurityError") {
		t.Errorf("warnings = %q, want one naming the SecurityError", warnings)
	}
}

// TestStoreQuotaFallsBack: setItem throwing (quota) moves the pair to memory.
func TestStoreQuotaFallsBack(t *testing.T) {
	eval(t, `localStorage.removeItem('quota-test')
		globalThis.__setItem = Storage.prototype.setItem
		Storage.prototype.setItem = function () { throw new DOMException('full', 'QuotaExceededError') }`)
	defer eval(t, `Storage.prototype.setItem = globalThis.__setItem`)
	var warnings []string
	s := newLocalStore("quota-test", func(m string) { warnings = append(warnings, m) })
	want := refresh.Tokens{AccessToken: "a2", RefreshToken: "r2"}
	if err := s.Save(want); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Load(); got != want || len(warnings) != 1 {
		t.Errorf("Load = %+v, warnings %q", got, warnings)
	}
}

func TestStoreIsOneJSONEntry(t *testing.T) {
	s := newLocalStore("entry-test", func(m string) { t.Error("unexpected warning:", m) })
	if err := s.Save(refresh.Tokens{AccessToken: "a", RefreshToken: "r"}); err != nil {
		t.Fatal(err)
	}
	raw, _ := eval(t, `return localStorage.getItem('entry-test')`).String()
	if raw != `{"accessToken":"a","refreshToken":"r"}` {
		t.Errorf("entry = %s", raw)
	}
	eval(t, `localStorage.setItem('entry-test', 'not json')`)
	if got, _ := s.Load(); !got.IsZero() {
		t.Errorf("a damaged entry loaded as %+v, want no session", got)
	}
	if err := s.Clear(); err != nil {
		t.Fatal(err)
	}
	if v := eval(t, `return localStorage.getItem('entry-test')`); !v.IsNull() {
		t.Error("Clear left the entry")
	}
}

func TestWebLockIsExclusiveAndHonoursContext(t *testing.T) {
	l := newWebLock("authfetch:lock-test")
	if l == nil {
		t.Fatal("navigator.locks is missing")
	}
	unlock, err := l.Lock(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := l.Lock(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("second Lock while held: %v, want DeadlineExceeded", err)
	}
	unlock()
	unlock2, err := l.Lock(context.Background())
	if err != nil {
		t.Fatalf("Lock after unlock: %v", err)
	}
	unlock2()
}

// TestFindWalksLikeErrorsAs: find reaches a type through %w chains and errors.Join trees,
// in the order errors.As would.
func TestFindWalksLikeErrorsAs(t *testing.T) {
	first, second := &JSError{text: "first"}, &JSError{text: "second"}
	tree := fmt.Errorf("outer: %w", errors.Join(errors.New("plain"), fmt.Errorf("mid: %w", first), second))
	if got, ok := find[*JSError](tree); !ok || got != first {
		t.Errorf("find = %v, %v; want the first JSError", got, ok)
	}
	if _, ok := find[*refresh.RefreshError](tree); ok {
		t.Error("found a RefreshError that is not there")
	}
	re := &refresh.RefreshError{Kind: refresh.ErrRefreshFailed, Cause: first}
	if got, ok := find[*refresh.RefreshError](fmt.Errorf("x: %w", re)); !ok || got != re {
		t.Errorf("find RefreshError = %v, %v", got, ok)
	}
	if got, ok := find[*JSError](re); !ok || got != first {
		t.Errorf("find through RefreshError's Unwrap() []error = %v, %v", got, ok)
	}
	if _, ok := find[*JSError](nil); ok {
		t.Error("found something in nil")
	}
}

// TestClearAfterAFailedWriteRemovesTheEntry: once a write to localStorage failed (quota),
// the pair lives in memory, but the entry written before is still in localStorage; a
// logout must remove it too, or the old session comes back on reload.
func TestClearAfterAFailedWriteRemovesTheEntry(t *testing.T) {
	eval(t, `localStorage.setItem('stale-test', '{"accessToken":"old","refreshToken":"r-old"}')
		globalThis.__setItem2 = Storage.prototype.setItem
		Storage.prototype.setItem = function () { throw new DOMException('full', 'QuotaExceededError') }`)
	defer eval(t, `Storage.prototype.setItem = globalThis.__setItem2; localStorage.removeItem('stale-test')`)
	s := newLocalStore("stale-test", func(string) {})
	if err := s.Save(refresh.Tokens{AccessToken: "new", RefreshToken: "r-new"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Clear(); err != nil {
		t.Fatal(err)
	}
	if v := eval(t, `return localStorage.getItem('stale-test')`); !v.IsNull() {
		s, _ := v.String()
		t.Errorf("after Clear in memory mode localStorage still holds %s", s)
	}
}
