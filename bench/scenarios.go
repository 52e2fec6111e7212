package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"os"
	"sync"
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

// ---- start-up ----

type startup struct {
	total       map[string][]float64 // per alternative: import of its module to client ready
	first       map[string][]float64 // per alternative: import of its module to the first authenticated response
	warmFirst   []float64            // authfetch, repeat visit: import to the first authenticated response
	instantiate []float64            // authfetch: WebAssembly.instantiateStreaming (download, compile, instantiate)
	goStart     []float64            // authfetch: go.run to createAuthFetch resolved
	before      []float64            // authfetch: loader + wasm_exec.js imports, wasm response headers
	compileOnly []float64            // authfetch.wasm: WebAssembly.compileStreaming alone
	warmTotal   []float64            // authfetch, repeat visit (HTTP and code caches allowed)
	warmInst    []float64
}

// measureStartup loads each alternative in a fresh document n times. authfetch loads an
// uncacheable copy of its wasm each time (a first visit); then, separately, a cacheable one
// (a repeat visit, the first load excluded), and compileStreaming of the wasm alone.
func measureStartup(b *browser, f *files, alts []alt, n int) (*startup, error) {
	st := &startup{total: map[string][]float64{}, first: map[string][]float64{}}
	for _, a := range alts {
		s, err := newSite(f)
		if err != nil {
			return nil, err
		}
		t, err := b.open(s)
		if err != nil {
			s.Close()
			return nil, err
		}
		err = func() error {
			for i := range n {
				if err := t.navigate(fmt.Sprintf("%s/?startup=%d", s.url, i)); err != nil {
					return err
				}
				opts := a.options(nil)
				if a.key == "authfetch" {
					opts["wasmURL"] = "/js/authfetch.wasm?n=" + nonce()
				}
				pair, err := newPair(s)
				if err != nil {
					return err
				}
				r, err := call[initResult](t, shortTimeout, "init", a.key, opts, pair)
				if err != nil {
					return err
				}
				st.total[a.key] = append(st.total[a.key], r.TotalMs)
				st.first[a.key] = append(st.first[a.key], r.FirstMs)
				if a.key == "authfetch" {
					st.instantiate = append(st.instantiate, r.InstantiateMs)
					st.goStart = append(st.goStart, r.GoStartMs)
					st.before = append(st.before, r.BeforeInstantiateMs)
				}
			}
			if a.key != "authfetch" {
				return nil
			}
			for i := range n {
				if err := t.navigate(fmt.Sprintf("%s/?compile=%d", s.url, i)); err != nil {
					return err
				}
				ms, err := call[float64](t, shortTimeout, "compileOnly", "/js/authfetch.wasm?n="+nonce())
				if err != nil {
					return err
				}
				st.compileOnly = append(st.compileOnly, ms)
			}
			for i := range n + 1 {
				if err := t.navigate(fmt.Sprintf("%s/?repeat=%d", s.url, i)); err != nil {
					return err
				}
				pair, err := newPair(s)
				if err != nil {
					return err
				}
				r, err := call[initResult](t, shortTimeout, "init", a.key, a.options(map[string]any{"loader": "/jsc/authfetch.js"}), pair)
				if err != nil {
					return err
				}
				if i > 0 { // the first visit fills the caches
					st.warmTotal = append(st.warmTotal, r.TotalMs)
					st.warmInst = append(st.warmInst, r.InstantiateMs)
					st.warmFirst = append(st.warmFirst, r.FirstMs)
				}
			}
			return nil
		}()
		t.Close()
		s.Close()
		if err != nil {
			return nil, fmt.Errorf("start-up of %s: %w", a.key, err)
		}
	}
	return st, nil
}

// newPair is a fresh token pair from s's backend, as [access, refresh].
func newPair(s *site) ([]string, error) {
	access, refresh, err := s.api.IssuePair("demo")
	return []string{access, refresh}, err
}

// ---- Go↔JS crossings per request ----

// crossings is what the page counted per authenticated request on the happy path.
type crossings struct {
	Entries float64 `json:"entries"` // calls into Go
	Calls   float64 `json:"calls"`   // calls from Go to JavaScript functions
	Imports float64 `json:"imports"` // every syscall/js import Go called
}

// measureCrossings opens authfetch in a page that counts its Go↔JS crossings (?count, see
// web/harness.js), warms it up and counts over n sequential requests.
func measureCrossings(b *browser, f *files, n int) (crossings, error) {
	s, err := newSite(f)
	if err != nil {
		return crossings{}, err
	}
	defer s.Close()
	t, err := b.open(s)
	if err != nil {
		return crossings{}, err
	}
	defer t.Close()
	if err := t.navigate(s.url + "/?count"); err != nil {
		return crossings{}, err
	}
	a := alt{"authfetch", "authfetch"}
	pair, err := newPair(s)
	if err != nil {
		return crossings{}, err
	}
	if _, err := call[initResult](t, shortTimeout, "init", a.key, a.options(nil), pair); err != nil {
		return crossings{}, err
	}
	if err := warm(t, a, 100, 10); err != nil {
		return crossings{}, err
	}
	return call[crossings](t, stepTimeout, "crossings", n)
}

// ---- overhead per request ----

type overhead struct {
	backend            []float64            // ms for the sequential batch from Go's HTTP client
	blob               []float64            // ms for as many sequential fetches of a blob: URL
	seq, par           map[string][]float64 // ms for the whole batch, per run
	crossings          *crossings           // authfetch's Go↔JS crossings per request
	seqRatio, parRatio map[string][]float64 // to plain fetch in the same run
	failed             map[string]int       // requests that did not succeed (all had a valid token)
}

// measureOverhead keeps one warm tab per alternative and, in each run, makes the same
// batches in every tab, taking turns (the order rotates), so each ratio compares requests
// made moments apart.
func measureOverhead(b *browser, f *files, alts []alt, runs, n, width int) (*overhead, error) {
	o := &overhead{
		seq: map[string][]float64{}, par: map[string][]float64{},
		seqRatio: map[string][]float64{}, parRatio: map[string][]float64{},
		failed: map[string]int{},
	}
	tabs := map[string]*tab{}
	defer func() {
		for _, t := range tabs {
			t.Close()
		}
	}()
	for _, a := range alts {
		s, err := newSite(f)
		if err != nil {
			return nil, err
		}
		defer s.Close()
		t, err := prepare(b, s, a)
		if err != nil {
			return nil, fmt.Errorf("overhead of %s: %w", a.key, err)
		}
		tabs[a.key] = t
		if err := warm(t, a, 300, width); err != nil {
			return nil, err
		}
		if _, err := call[runResult](t, stepTimeout, "seq", 100); err != nil {
			return nil, err
		}
	}
	var err error
	if o.backend, err = measureBackend(f, runs, n); err != nil {
		return nil, err
	}
	if _, ok := tabs["authfetch"]; ok {
		c, err := measureCrossings(b, f, 200)
		if err != nil {
			return nil, fmt.Errorf("crossings: %w", err)
		}
		o.crossings = &c
	}
	// A batch is made in slices, the alternatives taking turns slice by slice, so that a
	// change in the machine's load (other jobs) falls on all of them alike.
	parts := batchSlices(n)
	for r := range runs {
		seq, par := map[string]float64{}, map[string]float64{}
		for c, size := range parts {
			for i := range alts {
				a := alts[(i+r+c)%len(alts)]
				t := tabs[a.key]
				rs, err := call[runResult](t, stepTimeout, "seq", size)
				if err != nil {
					return nil, err
				}
				rp, err := call[runResult](t, stepTimeout, "par", size, width)
				if err != nil {
					return nil, err
				}
				o.failed[a.key] += rs.Failed + rp.Failed
				seq[a.key] += rs.Ms
				par[a.key] += rp.Ms
			}
		}
		if t, ok := tabs["fetch"]; ok {
			rb, err := call[runResult](t, stepTimeout, "seqBlob", n)
			if err != nil {
				return nil, err
			}
			o.blob = append(o.blob, rb.Ms)
		}
		for _, a := range alts {
			o.seq[a.key] = append(o.seq[a.key], seq[a.key])
			o.par[a.key] = append(o.par[a.key], par[a.key])
			if fs, ok := seq["fetch"]; ok {
				o.seqRatio[a.key] = append(o.seqRatio[a.key], seq[a.key]/fs)
				o.parRatio[a.key] = append(o.parRatio[a.key], par[a.key]/par["fetch"])
			}
		}
	}
	return o, nil
}

// measureBackend makes the sequential batch with Go's net/http client instead of a
// browser: what the backend and loopback alone cost, for scale.
func measureBackend(f *files, runs, n int) ([]float64, error) {
	s, err := newSite(f)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	access, _, err := s.api.IssuePair("demo")
	if err != nil {
		return nil, err
	}
	client := s.ts.Client()
	var out []float64
	for range runs {
		start := time.Now()
		for range n {
			req, err := http.NewRequest("GET", s.url+"/api/user/info", nil)
			if err != nil {
				return nil, err
			}
			req.Header.Set("X-Token", access)
			resp, err := client.Do(req)
			if err != nil {
				return nil, err
			}
			var body struct{ Code int }
			err = json.NewDecoder(resp.Body).Decode(&body)
			resp.Body.Close()
			if err != nil || body.Code != 0 {
				return nil, fmt.Errorf("backend alone: code %d, %v", body.Code, err)
			}
		}
		out = append(out, float64(time.Since(start).Microseconds())/1000)
	}
	return out, nil
}

// batchSlices cuts a batch of n requests into slices of about 250: long enough that the
// parallel batch spends little of its time ramping down at the end of a slice.
func batchSlices(n int) []int {
	k := max(1, (n+125)/250)
	out := make([]int, k)
	for i := range out {
		out[i] = n / k
		if i < n%k {
			out[i]++
		}
	}
	return out
}

// ---- the expiry burst and the multi-tab storm ----

// expiryRuns holds, per alternative, one outcome per run, and the wall time's ratio to
// plain fetch's in the same run.
type expiryRuns struct {
	runs  map[string][]outcome
	ratio map[string][]float64
}

// measureExpiry repeats, for every alternative, tabs tabs of one origin making perTab
// requests each the moment the access token has expired (with one tab: the burst).
func measureExpiry(b *browser, f *files, alts []alt, runs, tabs, perTab int) (*expiryRuns, error) {
	e := &expiryRuns{runs: map[string][]outcome{}, ratio: map[string][]float64{}}
	for range runs {
		wall := map[string]float64{}
		for _, a := range alts {
			out, err := expiryOnce(b, f, a, tabs, perTab)
			if err != nil {
				return nil, fmt.Errorf("%s, %d tab(s) × %d requests at expiry: %w", a.key, tabs, perTab, err)
			}
			e.runs[a.key] = append(e.runs[a.key], out)
			wall[a.key] = out.page.Ms
		}
		if fw, ok := wall["fetch"]; ok {
			for _, a := range alts {
				e.ratio[a.key] = append(e.ratio[a.key], wall[a.key]/fw)
			}
		}
	}
	return e, nil
}

func expiryOnce(b *browser, f *files, a alt, nTabs, perTab int) (outcome, error) {
	out := outcome{tabs: nTabs, requests: nTabs * perTab}
	s, err := newSite(f)
	if err != nil {
		return out, err
	}
	defer s.Close()
	tabs := make([]*tab, 0, nTabs)
	defer func() {
		for _, t := range tabs {
			t.Close()
		}
	}()
	for i := range nTabs {
		var t *tab
		if i == 0 {
			t, err = prepare(b, s, a) // logs in: the pair lands in the origin's localStorage
		} else {
			t, err = b.open(s)
			if err == nil {
				_, err = call[initResult](t, shortTimeout, "init", a.key, a.options(nil))
			}
		}
		if err != nil {
			return out, err
		}
		tabs = append(tabs, t)
	}
	for _, t := range tabs { // every tab works with the shared pair
		if err := warm(t, a, 20, 5); err != nil {
			return out, err
		}
	}

	s.api.ExpireAccessTokens()
	s.api.ResetStats()
	startAt := time.Now().Add(time.Duration(300+100*nTabs) * time.Millisecond).UnixMilli()
	results := make([]burstResult, nTabs)
	errs := make([]error, nTabs)
	var wg sync.WaitGroup
	for i, t := range tabs {
		wg.Go(func() {
			results[i], errs[i] = call[burstResult](t, stepTimeout, "burst", perTab, startAt)
			if errors.Is(errs[i], context.DeadlineExceeded) {
				// Requests that never settle are a finding, not a reason to stop the run.
				results[i] = burstResult{
					Ms:         float64(stepTimeout.Milliseconds()),
					Failed:     perTab,
					FirstError: fmt.Sprintf("the requests had not all settled after %v", stepTimeout),
					Start:      float64(startAt),
					End:        float64(startAt + stepTimeout.Milliseconds()),
				}
				errs[i] = nil
			}
		})
	}
	wg.Wait()
	out.stats = s.api.Stats()
	var first, last float64
	for i, r := range results {
		if errs[i] != nil {
			return out, errs[i]
		}
		out.page.OK += r.OK
		out.page.Failed += r.Failed
		out.page.Prompts += r.Prompts
		if out.page.FirstError == "" {
			out.page.FirstError = r.FirstError
		}
		if i == 0 || r.Start < first {
			first = r.Start
		}
		last = max(last, r.End)
	}
	out.page.Ms = last - first
	if nTabs == 1 {
		out.page.Ms = results[0].Ms
	}
	// Did the session survive? The access token expires once more and every tab makes one
	// request: it succeeds only if the client can still refresh (the family was not revoked,
	// the client is not stuck).
	s.api.ExpireAccessTokens()
	for _, t := range tabs {
		r, err := call[runResult](t, shortTimeout, "seq", 1)
		if errors.Is(err, context.DeadlineExceeded) {
			r, err = runResult{Failed: 1, FirstError: fmt.Sprintf("no answer within %v", shortTimeout)}, nil
		}
		if err != nil {
			return out, err
		}
		out.alive += r.OK
		if r.OK == 0 && a.key != "fetch" {
			out.lost = append(out.lost, r.FirstError)
		}
	}
	return out, nil
}

// ---- memory ----

type memory struct {
	points map[string][]memResult // after warm-up, then after every n more requests
}

func measureMemory(b *browser, f *files, alts []alt, n, width, points int) (*memory, error) {
	m := &memory{points: map[string][]memResult{}}
	for _, a := range alts {
		err := func() error {
			s, err := newSite(f)
			if err != nil {
				return err
			}
			defer s.Close()
			t, err := prepare(b, s, a)
			if err != nil {
				return err
			}
			defer t.Close()
			if err := warm(t, a, 1000, width); err != nil {
				return err
			}
			for i := range points {
				if i > 0 {
					r, err := call[runResult](t, stepTimeout, "par", n, width)
					if err != nil {
						return err
					}
					if r.Failed > 0 {
						fmt.Fprintf(os.Stderr, "bench: memory, %s: %d requests failed (%s)\n", a.key, r.Failed, r.FirstError)
					}
				}
				p, err := call[memResult](t, shortTimeout, "memory")
				if err != nil {
					return err
				}
				m.points[a.key] = append(m.points[a.key], p)
			}
			return nil
		}()
		if err != nil {
			return nil, fmt.Errorf("memory of %s: %w", a.key, err)
		}
	}
	return m, nil
}
