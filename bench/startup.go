package main

import "fmt"

// Scenario: start-up.

type startup struct {
	total       map[string][]float64 // per alternative, first visit ever: import of its module to client ready
	first       map[string][]float64 // per alternative, a later visit with nothing cached: import to the first authenticated response
	warmFirst   []float64            // authfetch, repeat visit: import to the first authenticated response
	planned     []float64            // authfetch, a later visit with nothing cached: import to client ready (with its start plan)
	instantiate []float64            // authfetch: WebAssembly.instantiateStreaming (download, compile, instantiate)
	goStart     []float64            // authfetch: go.run to createAuthFetch resolved
	before      []float64            // authfetch: loader + wasm_exec.js imports, wasm response headers
	compileOnly []float64            // authfetch.wasm: WebAssembly.compileStreaming alone
	warmTotal   []float64            // authfetch, repeat visit (HTTP and code caches allowed), nothing stored
	warmInst    []float64
}

// measureStartup loads each alternative in fresh documents, n times two: a first visit ever
// (localStorage emptied) that logs in, then a later visit that finds the pair stored and makes
// one request, as a returning user's page does. authfetch loads an uncacheable copy of its
// wasm each time (nothing cached); then, separately, a cacheable one (a repeat visit, the
// first pair of loads excluded), and compileStreaming of the wasm alone.
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
		// visit loads the page twice, the first visit ever and a later one, with the
		// options extra gives; it returns both results.
		visit := func(tag string, i int, extra func() map[string]any) (initResult, initResult, error) {
			var first, later initResult
			if err := t.navigate(fmt.Sprintf("%s/?%s=%d", s.url, tag, i)); err != nil {
				return first, later, err
			}
			pair, err := newPair(s)
			if err != nil {
				return first, later, err
			}
			if first, err = call[initResult](t, shortTimeout, "init", a.key, a.options(extra()), pair, true); err != nil {
				return first, later, err
			}
			if err := t.navigate(fmt.Sprintf("%s/?%s=%d&later", s.url, tag, i)); err != nil {
				return first, later, err
			}
			later, err = call[initResult](t, shortTimeout, "init", a.key, a.options(extra()), "stored", false)
			return first, later, err
		}
		err = func() error {
			for i := range n {
				first, later, err := visit("startup", i, func() map[string]any {
					if a.key == "authfetch" {
						return map[string]any{"wasmURL": "/js/authfetch.wasm?n=" + nonce()}
					}
					return nil
				})
				if err != nil {
					return err
				}
				st.total[a.key] = append(st.total[a.key], first.TotalMs)
				st.first[a.key] = append(st.first[a.key], later.FirstMs)
				if a.key == "authfetch" {
					st.planned = append(st.planned, later.TotalMs)
					st.instantiate = append(st.instantiate, first.InstantiateMs)
					st.goStart = append(st.goStart, first.GoStartMs)
					st.before = append(st.before, first.BeforeInstantiateMs)
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
				first, later, err := visit("repeat", i, func() map[string]any { return map[string]any{"loader": "/jsc/authfetch.js"} })
				if err != nil {
					return err
				}
				if i > 0 { // the first visit fills the caches
					st.warmTotal = append(st.warmTotal, first.TotalMs)
					st.warmInst = append(st.warmInst, first.InstantiateMs)
					st.warmFirst = append(st.warmFirst, later.FirstMs)
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
