package wasm_test

import (
	"testing"
)

// startup is what the page measured, in milliseconds.
type startup struct {
	ImportMs       float64 `json:"importMs"`       // import('/js/authfetch.js')
	CreateMs       float64 `json:"createMs"`       // the first createAuthFetch (loads the wasm)
	TotalMs        float64 `json:"totalMs"`        // both
	SecondClientMs float64 `json:"secondClientMs"` // another createAuthFetch on the same page
	WasmBytes      float64 `json:"wasmBytes"`      // authfetch.wasm as transferred (0 from the cache)
	WasmBodyBytes  float64 `json:"wasmBodyBytes"`  // its body as served
	WasmFetchMs    float64 `json:"wasmFetchMs"`    // its download
}

const measureStartup = `
const t0 = performance.now();
const m = await import('/js/authfetch.js');
const t1 = performance.now();
const a = await m.createAuthFetch({ baseURL: '/api' });
const t2 = performance.now();
const b = await m.createAuthFetch({ baseURL: '/api' });
const t3 = performance.now();
a.close(); b.close();
const w = performance.getEntriesByType('resource').find(r => r.name.endsWith('/authfetch.wasm')) || {};
return { importMs: t1 - t0, createMs: t2 - t1, totalMs: t2 - t0, secondClientMs: t3 - t2,
  wasmBytes: w.transferSize || 0, wasmBodyBytes: w.encodedBodySize || 0, wasmFetchMs: w.duration || 0 };`

// TestStartupTiming reports (it asserts nothing but that loading works) how long a fresh
// page takes from import('/js/authfetch.js') to a resolved createAuthFetch, with an empty
// HTTP cache (a new origin) and again after a reload (cached).
func TestStartupTiming(t *testing.T) {
	e := newEnv(t)
	tb := e.newTab("a")
	tb.open()
	cold := eval[startup](tb, "measure start-up (cold)", measureStartup)
	tb.reload()
	warm := eval[startup](tb, "measure start-up (cached)", measureStartup)
	for _, m := range []struct {
		name string
		s    startup
	}{{"cold", cold}, {"cached", warm}} {
		t.Logf("start-up %s: import %.1f ms + createAuthFetch %.1f ms = %.1f ms; a second client %.1f ms; authfetch.wasm %.0f bytes transferred (%.0f body) in %.1f ms",
			m.name, m.s.ImportMs, m.s.CreateMs, m.s.TotalMs, m.s.SecondClientMs, m.s.WasmBytes, m.s.WasmBodyBytes, m.s.WasmFetchMs)
	}
}
