package wasm_test

import (
	_ "embed"
	"testing"
)

// crossings are the Go↔JS crossings the page counted over a batch of requests, per request.
type crossings struct {
	Entries float64 `json:"entries"` // calls from JavaScript into Go (Go._resume: a js.Func called, a Promise callback)
	Calls   float64 `json:"calls"`   // calls from Go to JavaScript functions (syscall/js valueCall, valueInvoke, valueNew)
	Imports float64 `json:"imports"` // every syscall/js import Go called (property reads, string copies, finalizers too)
	OK      int     `json:"ok"`
}

// countCrossings wraps the Go class of wasm_exec.js before the loader uses it, so that the
// runtime the loader starts counts its crossings in window.X. It changes nothing else.
//
//go:embed testdata/page/count-crossings.js
var countCrossings string

// measureCrossings makes n sequential authenticated GETs, after a warm-up, and returns the
// crossings per request.
//
//go:embed testdata/page/measure-crossings.js
var measureCrossings string

// TestCrossingsPerRequest guards the per-request seam: on the happy path (a valid token,
// no refresh) a request costs at most 4 Go↔JS calls: the loader asks Go which token to send
// and what the reply means, and Go reads the stored pair once.
func TestCrossingsPerRequest(t *testing.T) {
	e := newEnv(t)
	tb := e.newTab("a")
	tb.open()
	tb.do("count crossings", countCrossings)
	tb.setup("")
	tb.login()
	got := eval[crossings](tb, "requests", measureCrossings)
	t.Logf("per request: %.2f calls into Go, %.2f calls from Go to JavaScript functions, %.2f syscall/js imports in all", got.Entries, got.Calls, got.Imports)
	if got.OK != 200 {
		t.Fatalf("%d of 200 requests succeeded", got.OK)
	}
	if got.Entries == 0 || got.Calls == 0 {
		t.Fatal("nothing was counted: the counting wrapper did not reach the runtime")
	}
	if sum := got.Entries + got.Calls; sum > 4 {
		t.Errorf("%.2f Go↔JS calls per request (%.2f into Go, %.2f out), want at most 4", sum, got.Entries, got.Calls)
	}
}
