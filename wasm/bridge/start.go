//go:build js && wasm

package bridge

import (
	"encoding/json"

	"github.com/authfetch/authfetch/wasm/refresh"
	"github.com/hack-pad/safejs"
)

// The start plan: what the loader needs to send requests on the next page load before this
// module is up. Go writes it to localStorage when it accepts a client's options, under a key
// made of those options exactly (startPrefix + the settings JSON the loader sent), and
// removes it when it refuses them. So the loader uses a plan only for options that Go
// accepted before; with a plan it resolves createAuthFetch at once and sends a request with
// the stored token while its SendUntil lies ahead (see send in js/src/authfetch.js).
// The plan holds no token.

// startPrefix begins the localStorage key of a start plan.
const startPrefix = "authfetch:start:"

// startFormat is the plan's format; the loader uses only the format it knows.
const startFormat = 1

// startPlan is the client's Plan as the loader reads it, now and on the next load.
type startPlan struct {
	refresh.Plan
	StorageKey string `json:"storageKey"`
	Format     int    `json:"format"`
}

// planJSON is p as the loader reads it.
func planJSON(p refresh.Plan, storageKey string) string {
	b, _ := json.Marshal(startPlan{Plan: p, StorageKey: storageKey, Format: startFormat})
	return string(b)
}

// keepStart stores plan for settingsJSON, unless it is stored already (a write would
// send every other tab a storage event).
func keepStart(settingsJSON, plan string) {
	ls, _ := openLocalStorage()
	if ls.IsUndefined() {
		return
	}
	if old, err := ls.Call("getItem", startPrefix+settingsJSON); err == nil && old.Type() == safejs.TypeString {
		if s, _ := old.String(); s == plan {
			return
		}
	}
	_, _ = ls.Call("setItem", startPrefix+settingsJSON, plan)
}

// forgetStart removes the plan of settings Go refused, so the next load waits for Go and
// createAuthFetch rejects with the reason.
func forgetStart(settingsJSON string) {
	if ls, _ := openLocalStorage(); !ls.IsUndefined() {
		_, _ = ls.Call("removeItem", startPrefix+settingsJSON)
	}
}
