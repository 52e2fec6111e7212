package main

import (
	"fmt"
	"maps"
	"time"

	"github.com/authfetch/authfetch/server/admin"
)

// alt is one of the alternatives measured side by side; key names web/alt-<key>.js.
type alt struct{ key, title string }

// altOptions are passed to an alternative's create() (see web/alt-*.js), e.g. -aar-dedupe.
var altOptions = map[string]map[string]any{}

// options returns a's options with extra added.
func (a alt) options(extra map[string]any) map[string]any {
	o := maps.Clone(altOptions[a.key])
	if o == nil {
		o = map[string]any{}
	}
	maps.Copy(o, extra)
	return o
}

var alternatives = []alt{
	{"fetch", "plain fetch"},
	{"seed", "seed interceptor"},
	{"aar", "axios-auth-refresh"},
	{"authfetch", "authfetch"},
	// Diagnostic, only with -alts: plain fetch that also reads a clone of every reply.
	{"fetch-clone", "fetch + body clone"},
}

// What the page returns (see web/harness.js).
type initResult struct {
	TotalMs             float64 `json:"totalMs"`
	FirstMs             float64 `json:"firstMs"` // import to the first authenticated response's body, when a pair was given
	InstantiateMs       float64 `json:"instantiateMs"`
	GoStartMs           float64 `json:"goStartMs"`
	BeforeInstantiateMs float64 `json:"beforeInstantiateMs"`
}

type runResult struct {
	Ms         float64 `json:"ms"`
	OK         int     `json:"ok"`
	Failed     int     `json:"failed"`
	FirstError string  `json:"firstError"`
}

type burstResult struct {
	Ms         float64 `json:"ms"`
	OK         int     `json:"ok"`
	Failed     int     `json:"failed"`
	Prompts    int     `json:"prompts"`
	Start      float64 `json:"start"` // epoch ms
	End        float64 `json:"end"`
	FirstError string  `json:"firstError"`
}

type memResult struct {
	JSHeap     float64 `json:"jsHeap"`
	WasmMemory float64 `json:"wasmMemory"`
	GoValues   float64 `json:"goValues"`
}

// outcome is one expiry burst or storm: what the page saw and what the server counted.
type outcome struct {
	page     burstResult // summed over tabs for a storm; Ms is the wall time
	stats    admin.Stats
	alive    int      // tabs whose request after a second expiry succeeded
	lost     []string // for the others: the first error the page saw ("" if the reply was just not code 0)
	tabs     int
	requests int
}

const (
	stepTimeout  = 2 * time.Minute
	shortTimeout = 30 * time.Second
)

// prepare opens a tab on s, loads alternative a and logs in with a fresh token pair.
func prepare(b *browser, s *site, a alt) (*tab, error) {
	t, err := b.open(s)
	if err != nil {
		return nil, err
	}
	if _, err := call[initResult](t, shortTimeout, "init", a.key, a.options(nil)); err != nil {
		t.Close()
		return nil, err
	}
	access, refresh, err := s.api.IssuePair("demo")
	if err != nil {
		t.Close()
		return nil, err
	}
	if _, err := call[bool](t, shortTimeout, "login", access, refresh); err != nil {
		t.Close()
		return nil, err
	}
	return t, nil
}

// warm makes n requests that must all succeed: the setup works and the JIT, the connection
// pool and the Go heap are warm before anything is measured.
func warm(t *tab, a alt, n, width int) error {
	r, err := call[runResult](t, stepTimeout, "par", n, width)
	if err != nil {
		return err
	}
	if r.Failed > 0 {
		return fmt.Errorf("%s: %d of %d warm-up requests failed with a valid token (first error: %s)", a.key, r.Failed, n, r.FirstError)
	}
	return nil
}
