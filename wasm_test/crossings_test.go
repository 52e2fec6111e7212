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
	Before  float64 `json:"before"` // calls counted before the batch (start-up, login, warm-up), in all
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
// no refresh) a request costs no Go↔JS call at all. Go decided ahead of time: the stored
// pair says until when its token is sent (sendUntil), and the plan lists which replies may
// mean "expired"; the loader asks Go only past those. The bound was 4 per request;
// 0.1 leaves room for a stray wake-up of the Go runtime (a timer, a finalizer).
func TestCrossingsPerRequest(t *testing.T) {
	e := newEnv(t)
	tb := e.newTab("a")
	tb.open()
	tb.do("count crossings", countCrossings)
	tb.setup("")
	tb.login()
	got := eval[crossings](tb, "requests", measureCrossings)
	t.Logf("per request: %.2f calls into Go, %.2f calls from Go to JavaScript functions, %.2f syscall/js imports in all (before the batch: %.0f calls)", got.Entries, got.Calls, got.Imports, got.Before)
	if got.OK != 200 {
		t.Fatalf("%d of 200 requests succeeded", got.OK)
	}
	if got.Before == 0 {
		t.Fatal("nothing was counted: the counting wrapper did not reach the runtime")
	}
	if sum := got.Entries + got.Calls; sum > 0.1 {
		t.Errorf("%.2f Go↔JS calls per request (%.2f into Go, %.2f out), want none on the happy path", sum, got.Entries, got.Calls)
	}
}
