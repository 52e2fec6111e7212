package main

import "fmt"

// Scenario: start-up.

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
