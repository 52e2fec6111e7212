package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// Scenario: overhead per request.

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
