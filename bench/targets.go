package main

import "fmt"

// The targets authfetch is held to in RESULTS.md, apart from how the report renders them:
// each returns the target as the report states it and whether the measurement meets it.
// report() (results.go) only lays them out.

// targetWasmSize: authfetch.wasm at most 5% above the floor of Go plus its dependencies
// (brotli bytes).
func targetWasmSize(wasm, deps int64) (string, bool) {
	return "≤ +5%", float64(wasm) <= 1.05*float64(deps)
}

// targetStartup: import of the module to a ready client, first or repeat visit.
func targetStartup(d dist) (string, bool) { return "< 60 ms", d.med < 60 }

// targetFirstResponse: import to the first authenticated response, within slackMs of
// plain fetch's (60 ms on a first visit, 30 on a repeat one).
func targetFirstResponse(authfetch, plain dist, slackMs float64) (string, bool) {
	return fmt.Sprintf("≤ plain fetch + %.0f ms", slackMs), authfetch.med <= plain.med+slackMs
}

// targetOverhead: per-request overhead at most 5% over plain fetch, and below both axios
// variants.
func targetOverhead(authfetch dist, axios ...dist) (string, bool) {
	met := authfetch.med <= 1.05
	for _, d := range axios {
		if d.ok() && authfetch.med >= d.med {
			met = false
		}
	}
	return "≤ ×1.05 and below both axios variants", met
}

// targetCrossings: Go↔JS calls per request on the happy path.
func targetCrossings(perRequest float64) (string, bool) { return "≤ 4", perRequest <= 4 }

// targetExpiryRatio: the wall time of an expiry burst (tabs == 1) or storm, as a ratio to
// plain fetch's; a single tab must also beat axios-auth-refresh.
func targetExpiryRatio(authfetch, aar dist, tabs int) (string, bool) {
	if tabs > 1 {
		return "≤ ×2.5", authfetch.med <= 2.5
	}
	return "≤ ×2.2 and below axios-auth-refresh", authfetch.med <= 2.2 && (!aar.ok() || authfetch.med < aar.med)
}

// Per run of a burst or storm: exactly one refresh call, no failed request, no relogin
// prompt.
const (
	targetRefreshCalls = "exactly 1"
	targetNoFailures   = "0 failed"
	targetNoPrompts    = "0"
)

func meetsRefreshCalls(o outcome) bool { return o.stats.RefreshCalls == 1 }
func meetsNoFailures(o outcome) bool   { return o.page.Failed == 0 }
func meetsNoPrompts(o outcome) bool    { return o.page.Prompts == 0 }

// targetFlatMemory: between the last two readings (the first interval includes warming
// up: JIT, the Go heap finding its size) the JS heap grows by less than 1 MiB and the
// wasm linear memory not at all.
func targetFlatMemory(points []memResult) (heapTarget string, heapFlat bool, wasmTarget string, wasmFlat bool) {
	if n := len(points); n >= 2 {
		heapFlat = points[n-1].JSHeap-points[n-2].JSHeap < 1<<20
		wasmFlat = points[n-1].WasmMemory == points[n-2].WasmMemory
	}
	last := "between the last two readings"
	return "flat: < 1 MiB growth " + last, heapFlat, "flat: no growth " + last, wasmFlat
}
