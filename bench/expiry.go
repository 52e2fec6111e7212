package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Scenario: the expiry burst and the multi-tab storm.

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
