//go:build js && wasm

package bridge

import (
	"testing"

	"github.com/hack-pad/safejs"
)

// What the per-request path is made of, measured in the browser:
// GOOS=js GOARCH=wasm go test -run - -bench . -exec bin/wasmbrowsertest ./wasm/bridge/

func BenchmarkPropGet(b *testing.B) {
	o := newObject()
	_ = o.Set("x", 1)
	for b.Loop() {
		_ = prop(o, "x")
	}
}

func BenchmarkUntrustedGet(b *testing.B) {
	o := newObject()
	_ = o.Set("x", 1)
	for b.Loop() {
		_, _ = untrustedGet(o, "x")
	}
}

func BenchmarkFuncOfRelease(b *testing.B) {
	for b.Loop() {
		f, _ := safejs.FuncOf(func(safejs.Value, []safejs.Value) any { return nil })
		f.Release()
	}
}

func BenchmarkNewPromise(b *testing.B) {
	for b.Loop() {
		_, _, _ = newPromise()
	}
}

func BenchmarkAwaitResolved(b *testing.B) {
	p, _ := jsPromise.Call("resolve", 1)
	for b.Loop() {
		_, _ = await(p)
	}
}
