package main

import (
	"cmp"
	"context"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/profiler"
	"github.com/chromedp/chromedp"
)

// The profile section (-only profile; not part of the default run) samples V8's CPU
// profiler while authfetch starts and while it makes the overhead batches, with a copy of
// authfetch.wasm built without -s -w so that its functions keep their Go names.

// profileSampleUs is the sampling interval in microseconds.
const profileSampleUs = 100

type hotspot struct {
	name, where string
	self        int64 // samples with this function on top
}

type cpuProfile struct {
	title     string
	samples   int64
	groups    map[string]int64 // Go (wasm), authfetch.js, wasm_exec.js, harness, browser internals
	top       []hotspot        // by self time
	inclusive []hotspot        // authfetch's own Go functions, by samples with them anywhere on the stack
}

func measureProfile(b *browser, f *files, n, width int) ([]cpuProfile, error) {
	s, err := newSite(f)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	t, err := b.open(s)
	if err != nil {
		return nil, err
	}
	defer t.Close()
	if _, err := chromedp.Call(t.ctx, profiler.Enable, cdp.Empty{}); err != nil {
		return nil, err
	}
	if _, err := chromedp.Call(t.ctx, profiler.SetSamplingInterval, profiler.SetSamplingIntervalParams{Interval: profileSampleUs}); err != nil {
		return nil, err
	}
	a := alt{"authfetch", "authfetch"}
	var out []cpuProfile

	start, err := sample(t, "start-up (import → client ready)", func() error {
		_, err := call[initResult](t, shortTimeout, "init", a.key, a.options(map[string]any{"wasmURL": "/js/authfetch-names.wasm"}))
		return err
	})
	if err != nil {
		return nil, err
	}
	out = append(out, start)

	access, refresh, err := s.api.IssuePair("demo")
	if err != nil {
		return nil, err
	}
	if _, err := call[bool](t, shortTimeout, "login", access, refresh); err != nil {
		return nil, err
	}
	if err := warm(t, a, 500, width); err != nil {
		return nil, err
	}
	steady, err := sample(t, fmt.Sprintf("%d sequential + %d parallel GETs", n, n), func() error {
		if _, err := call[runResult](t, stepTimeout, "seq", n); err != nil {
			return err
		}
		_, err := call[runResult](t, stepTimeout, "par", n, width)
		return err
	})
	if err != nil {
		return nil, err
	}
	return append(out, steady), nil
}

func sample(t *tab, title string, work func() error) (cpuProfile, error) {
	if _, err := chromedp.Call(t.ctx, profiler.Start, cdp.Empty{}); err != nil {
		return cpuProfile{}, err
	}
	werr := work()
	ctx, cancel := context.WithTimeout(t.ctx, time.Minute)
	defer cancel()
	res, err := chromedp.Call(ctx, profiler.Stop, cdp.Empty{})
	if werr != nil {
		return cpuProfile{}, werr
	}
	if err != nil {
		return cpuProfile{}, err
	}
	return summarizeProfile(title, res.Profile), nil
}

func summarizeProfile(title string, p *profiler.Profile) cpuProfile {
	cp := cpuProfile{title: title, groups: map[string]int64{}}
	byName := map[string]*hotspot{}
	for _, n := range p.Nodes {
		if n.HitCount == 0 || n.CallFrame == nil {
			continue
		}
		name, url := n.CallFrame.FunctionName, n.CallFrame.URL
		if name == "" {
			name = "(anonymous)"
		}
		group := "browser built-ins called from JS (fetch, Request, clone, text, TextEncoder…)"
		switch {
		case name == "(program)" || name == "(garbage collector)" || name == "(root)":
			group = "V8 and Blink outside any function (program, GC)"
		case strings.HasPrefix(url, "wasm://") || strings.Contains(url, ".wasm"):
			group = "Go (authfetch.wasm)"
		case strings.Contains(url, "authfetch.js"):
			group = "authfetch.js"
		case strings.Contains(url, "wasm_exec.js"):
			group = "wasm_exec.js"
		case url != "":
			group = "bench page (" + path.Base(url) + ")"
		case name == "(idle)":
			group = "idle"
		}
		cp.groups[group] += n.HitCount
		cp.samples += n.HitCount
		key := name + "\x00" + group
		h := byName[key]
		if h == nil {
			h = &hotspot{name: name, where: group}
			byName[key] = h
		}
		h.self += n.HitCount
	}
	for _, h := range byName {
		if h.name != "(idle)" {
			cp.top = append(cp.top, *h)
		}
	}
	slices.SortFunc(cp.top, func(x, y hotspot) int { return cmp.Compare(y.self, x.self) })
	if len(cp.top) > 25 {
		cp.top = cp.top[:25]
	}

	// Inclusive samples of authfetch's own functions: every sample counts once for each
	// function on its stack.
	parent := map[int64]*profiler.ProfileNode{}
	byID := map[int64]*profiler.ProfileNode{}
	for _, n := range p.Nodes {
		byID[n.ID] = n
		for _, c := range n.Children {
			parent[c] = n
		}
	}
	incl := map[string]int64{}
	for _, id := range p.Samples {
		seen := map[string]bool{}
		for n := byID[id]; n != nil; n = parent[n.ID] {
			if n.CallFrame == nil || !strings.Contains(n.CallFrame.FunctionName, "github.com_authfetch_") {
				continue
			}
			if name := n.CallFrame.FunctionName; !seen[name] {
				seen[name] = true
				incl[name]++
			}
		}
	}
	for name, v := range incl {
		cp.inclusive = append(cp.inclusive, hotspot{name: name, self: v})
	}
	slices.SortFunc(cp.inclusive, func(x, y hotspot) int { return cmp.Compare(y.self, x.self) })
	if len(cp.inclusive) > 15 {
		cp.inclusive = cp.inclusive[:15]
	}
	return cp
}

func profileMarkdown(ps []cpuProfile) string {
	var b strings.Builder
	b.WriteString("## CPU profile of authfetch (V8 sampling profiler, " + fmt.Sprint(profileSampleUs) + " µs, wasm built without -s -w)\n\n")
	for _, p := range ps {
		fmt.Fprintf(&b, "### %s: %d samples\n\n", p.title, p.samples)
		type kv struct {
			k string
			v int64
		}
		var groups []kv
		for k, v := range p.groups {
			groups = append(groups, kv{k, v})
		}
		slices.SortFunc(groups, func(x, y kv) int { return cmp.Compare(y.v, x.v) })
		for _, g := range groups {
			fmt.Fprintf(&b, "- %s: %.1f%%\n", g.k, pct(g.v, p.samples))
		}
		b.WriteString("\n| self | function | where |\n| ---: | --- | --- |\n")
		for _, h := range p.top {
			fmt.Fprintf(&b, "| %.1f%% | `%s` | %s |\n", pct(h.self, p.samples), h.name, h.where)
		}
		if len(p.inclusive) > 0 {
			b.WriteString("\n| on stack | authfetch function |\n| ---: | --- |\n")
			for _, h := range p.inclusive {
				fmt.Fprintf(&b, "| %.1f%% | `%s` |\n", pct(h.self, p.samples), strings.TrimPrefix(h.name, "github.com_authfetch_authfetch_"))
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

func pct(part, whole int64) float64 {
	if whole == 0 {
		return 0
	}
	return 100 * float64(part) / float64(whole)
}
