package main

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"
)

// The results document: the header (machine, browser, load), the one table, the misses
// and how everything was measured.

// cpuModel is the first "model name" of /proc/cpuinfo.
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

// report renders the results as markdown: printed to stdout and written to -out.
func report(cfg *config, art *artifacts, b *browser, r *results, info *runInfo) string {
	t := &table{alts: cfg.alts}
	all := func(f func(a alt) string) func(a alt) string { return f } // a value in every column, for reading
	// only puts v in key's column.
	only := func(key string, v string) func(a alt) string {
		return func(a alt) string {
			if a.key == key {
				return v
			}
			return ""
		}
	}

	if s := r.sizes; s != nil {
		t.section("Module size (raw / gzip -9 / brotli -q 11)")
		t.row("JS the alternative loads", all(func(a alt) string {
			js, _ := loaded(s, a.key)
			return fmtSize(js)
		}), "")
		t.row("↳ of which (brotli)", func(a alt) string {
			br := func(label, name string) string { return label + " " + fmtBytes(s[name].Brotli) }
			switch a.key {
			case "seed":
				return br("axios", szAxios) + " + seed code " + fmtBytes(s[szSeed].Brotli)
			case "aar":
				return br("axios", szAxios) + " + plugin " + fmtBytes(s[szAAR].Brotli) + " + its configuration " + fmtBytes(s[szAARConf].Brotli)
			case "authfetch":
				return br("authfetch.js", szLoader) + " + " + br("wasm_exec.js", szWasmExec)
			}
			return ""
		}, "")
		t.row("wasm it loads", only("authfetch", fmtSize(s[szWasm])), "")
		t.row("total over the wire", all(func(a alt) string {
			js, w := loaded(s, a.key)
			return fmtSize(js.add(w))
		}), "")
		t.row("floor: empty Go wasm (`func main(){select{}}`)", only("authfetch", fmtSize(s[szEmpty])), "")
		t.row("floor: Go + golang-jwt/jwt/v5 + hack-pad/safejs", only("authfetch", fmtSize(s[szDeps])), "")
		t.row("authfetch.wasm over the empty floor (brotli)", only("authfetch", fmtPercent(s[szWasm].Brotli, s[szEmpty].Brotli)), "")
		over := fmtPercent(s[szWasm].Brotli, s[szDeps].Brotli)
		target, met := targetWasmSize(s[szWasm].Brotli, s[szDeps].Brotli)
		t.row("authfetch.wasm over the Go+deps floor (brotli)", only("authfetch", over), verdict(target, met, over))
	}

	if st := r.startup; st != nil {
		t.section(fmt.Sprintf("Start-up, fresh page, %d loads: import of the module → client ready", cfg.startupRuns))
		af := summarize(st.total["authfetch"])
		t.row("first visit ever (nothing cached, nothing stored)", all(func(a alt) string { return fmtMs(summarize(st.total[a.key])) }),
			verdictOf(af.ok(), fmtMs(af))(targetStartup(af)))
		t.row("↳ loader + wasm_exec.js imports, wasm response", only("authfetch", fmtMs(summarize(st.before))), "")
		t.row("↳ instantiateStreaming (download + compile + instantiate)", only("authfetch", fmtMs(summarize(st.instantiate))), "")
		t.row("↳ go.run → client ready (Go start, bridge, client)", only("authfetch", fmtMs(summarize(st.goStart))), "")
		t.row("compileStreaming of authfetch.wasm alone", only("authfetch", fmtMs(summarize(st.compileOnly))), "")
		p := summarize(st.planned)
		t.row("a later visit, nothing cached (the start plan of an earlier visit stored)", only("authfetch", fmtMs(p)),
			verdictOf(p.ok(), fmtMs(p))(targetStartup(p)))
		w := summarize(st.warmTotal)
		t.row("repeat visit (HTTP + V8 code cache), nothing stored", only("authfetch", fmtMs(w)),
			verdictOf(w.ok(), fmtMs(w))(targetStartup(w)))
		t.row("↳ instantiateStreaming on a repeat visit", only("authfetch", fmtMs(summarize(st.warmInst))), "")
		plain := summarize(st.first["fetch"])
		af1, af2 := summarize(st.first["authfetch"]), summarize(st.warmFirst)
		t.row("import → first authenticated response, a later visit with nothing cached (the pair stored by a login on the visit before)",
			all(func(a alt) string { return fmtMs(summarize(st.first[a.key])) }),
			verdictOf(af1.ok() && plain.ok(), fmt.Sprintf("%s (plain fetch %+.1f ms)", fmtMs(af1), af1.med-plain.med))(targetFirstResponse(af1, plain, 60)))
		t.row("import → first authenticated response, repeat visit (cached)", only("authfetch", fmtMs(af2)),
			verdictOf(af2.ok() && plain.ok(), fmt.Sprintf("%s (plain fetch %+.1f ms)", fmtMs(af2), af2.med-plain.med))(targetFirstResponse(af2, plain, 30)))
	}

	if o := r.overhead; o != nil {
		for _, batch := range []struct {
			title        string
			ms, ratio    map[string][]float64
			perRequestMs float64
		}{
			{fmt.Sprintf("%d sequential GETs, valid token (%d runs)", cfg.requests, cfg.runs), o.seq, o.seqRatio, float64(cfg.requests)},
			{fmt.Sprintf("%d GETs, %d at a time, valid token (%d runs)", cfg.requests, cfg.width, cfg.runs), o.par, o.parRatio, float64(cfg.requests)},
		} {
			t.section(batch.title)
			t.row("total", all(func(a alt) string { return fmtMs(summarize(batch.ms[a.key])) }), "")
			perReq := func(key string) dist {
				d := summarize(batch.ms[key])
				return dist{d.med / batch.perRequestMs, d.min / batch.perRequestMs, d.max / batch.perRequestMs, d.n}
			}
			t.row("per request", all(func(a alt) string { return fmtDist(perReq(a.key), "%.3f") + " ms" }), "")
			ar := summarize(batch.ratio["authfetch"])
			t.row("ratio to plain fetch (same run)", all(func(a alt) string { return fmtRatio(summarize(batch.ratio[a.key])) }),
				verdictOf(ar.ok(), fmtRatio(ar))(targetOverhead(ar, summarize(batch.ratio["seed"]), summarize(batch.ratio["aar"]))))
		}
		t.row("requests that failed (of all runs)", all(func(a alt) string { return fmt.Sprint(o.failed[a.key]) }), "")
		if c := o.crossings; c != nil {
			t.row("Go↔JS calls per request: into Go + from Go to JS functions (all syscall/js imports)",
				only("authfetch", fmt.Sprintf("%.2f + %.2f (%.1f)", c.Entries, c.Calls, c.Imports)),
				verdictOf(true, fmt.Sprintf("%.2f", c.Entries+c.Calls))(targetCrossings(c.Entries+c.Calls)))
		}
		scale := func(ms []float64) string {
			d := summarize(ms)
			if !d.ok() {
				return ""
			}
			n := float64(cfg.requests)
			return fmtMs(d) + " = " + fmtDist(dist{d.med / n, d.min / n, d.max / n, d.n}, "%.3f") + " ms/request"
		}
		t.row(fmt.Sprintf("for scale: the same %d sequential GETs from Go's net/http client (no browser)", cfg.requests),
			only("fetch", scale(o.backend)), "")
		t.row(fmt.Sprintf("for scale: %d sequential fetches of a blob: URL (browser, no network at all)", cfg.requests),
			only("fetch", scale(o.blob)), "")
	}

	if e := r.burst; e != nil {
		t.section(fmt.Sprintf("Expiry burst: %d concurrent requests right after ExpireAccessTokens (%d runs)", cfg.burst, cfg.burstRuns))
		expiryRows(t, e, 1)
	}
	if e := r.storm; e != nil {
		t.section(fmt.Sprintf("%d-tab storm: %d tabs of one profile × %d requests at expiry, reuse detection on (%d runs)",
			cfg.stormTabs, cfg.stormTabs, cfg.stormReqs, cfg.stormRuns))
		expiryRows(t, e, cfg.stormTabs)
	}

	if m := r.memory; m != nil {
		t.section(fmt.Sprintf("Memory after a warm-up of 1000 requests, then after every %d more (%d at a time), after gc()", cfg.memRequests, cfg.width))
		pts := func(key string, f func(memResult) float64, unit func(float64) string) string {
			p := m.points[key]
			if len(p) < 2 || f(p[0]) < 0 {
				return ""
			}
			var parts []string
			for _, x := range p {
				parts = append(parts, unit(f(x)))
			}
			return strings.Join(parts, " → ")
		}
		mib := func(v float64) string { return fmt.Sprintf("%.2f MiB", v/(1<<20)) }
		num := func(v float64) string { return fmt.Sprintf("%.0f", v) }
		heap := func(p memResult) float64 { return p.JSHeap }
		wasm := func(p memResult) float64 { return p.WasmMemory }
		vals := func(p memResult) float64 { return p.GoValues }
		ap := m.points["authfetch"]
		heapTarget, heapFlat, wasmTarget, wasmFlat := targetFlatMemory(ap)
		has := len(ap) >= 2
		t.row("JS heap (usedJSHeapSize)", all(func(a alt) string { return pts(a.key, heap, mib) }),
			verdictIf(has, heapTarget, heapFlat, pts("authfetch", heap, mib)))
		t.row("wasm linear memory", only("authfetch", pts("authfetch", wasm, mib)),
			verdictIf(has, wasmTarget, wasmFlat, pts("authfetch", wasm, mib)))
		t.row("JS values the Go side holds (wasm_exec.js refs; freed by Go finalizers, so they swing with Go's GC)", only("authfetch", pts("authfetch", vals, num)), "")
	}

	var doc strings.Builder
	fmt.Fprintf(&doc, "# authfetch benchmark\n\n")
	fmt.Fprintf(&doc, "Generated by `go run ./bench` on %s in %s (%s).\n\n", time.Now().UTC().Format("2006-01-02 15:04 MST"),
		info.took.Round(time.Second), strings.Join(info.sections, ", "))
	fmt.Fprintf(&doc, "- Machine: %d CPUs (nproc), %s, %s/%s\n", runtime.NumCPU(), cpuModel(), runtime.GOOS, runtime.GOARCH)
	quiet := fmt.Sprintf("load average %s at the start, %s at the end", info.loadStart, info.loadEnd)
	if info.others >= 0 {
		quiet = fmt.Sprintf("other processes used %.0f%% of the machine's CPU during the run (%s)", 100*info.others, quiet)
		if info.others > 0.2 {
			quiet += ": **a busy machine; absolute times are inflated and noisy, trust the same-run ratios and the counts**"
		}
	}
	fmt.Fprintf(&doc, "- Load: %s\n", quiet)
	if b.version != "" {
		fmt.Fprintf(&doc, "- Browser: %s, headless: `%s`\n", b.version, b.commandLine)
	}
	fmt.Fprintf(&doc, "- Go: %s; authfetch.wasm built with `GOOS=js GOARCH=wasm go build -trimpath -ldflags='-s -w' ./wasm`\n", art.goVersion)
	fmt.Fprintf(&doc, "- Backend: `admin.New(server.Config{AccessTTL: %v, RefreshGrace: -1})` (strict reuse detection: no grace window) on 127.0.0.1, a fresh one (fresh port, so fresh origin and localStorage) per page or scenario; HTTP/1.1, no compression\n", accessTTL)
	if cfg.aarDedupe {
		fmt.Fprintf(&doc, "- axios-auth-refresh ran with its default `deduplicateRefresh: true` (-aar-dedupe)\n")
	}
	fmt.Fprintf(&doc, "- Cells: median (min–max) over the runs; ratios are to plain fetch measured in the same run.\n\n")
	doc.WriteString(t.markdown())
	doc.WriteString("\n")
	if lost := lostSessions(r); lost != "" {
		doc.WriteString(lost)
	}
	if len(t.misses) > 0 {
		doc.WriteString("## Targets missed\n\n")
		for _, m := range t.misses {
			doc.WriteString("- " + m + "\n")
		}
		doc.WriteString("\n")
	}
	doc.WriteString(notes)
	if r.profile != nil {
		doc.WriteString("\n" + profileMarkdown(r.profile))
	}
	return doc.String()
}

func verdictIf(measured bool, target string, met bool, value string) string {
	if !measured {
		return target
	}
	return verdict(target, met, value)
}

// verdictOf is verdictIf for a target function's (target, met) pair:
// verdictOf(measured, value)(targetX(...)).
func verdictOf(measured bool, value string) func(target string, met bool) string {
	return func(target string, met bool) string { return verdictIf(measured, target, met, value) }
}

// expiryRows adds the rows of a burst or a storm.
func expiryRows(t *table, e *expiryRuns, tabs int) {
	col := func(key string, f func(o outcome) float64) dist {
		var xs []float64
		for _, o := range e.runs[key] {
			xs = append(xs, f(o))
		}
		return summarize(xs)
	}
	all := func(f func(o outcome) float64, format func(dist) string) func(a alt) string {
		return func(a alt) string { return format(col(a.key, f)) }
	}
	every := func(f func(o outcome) bool) (bool, bool) {
		runs := e.runs["authfetch"]
		for _, o := range runs {
			if !f(o) {
				return len(runs) > 0, false
			}
		}
		return len(runs) > 0, true
	}
	refresh := func(o outcome) float64 { return float64(o.stats.RefreshCalls) }
	failed := func(o outcome) float64 { return float64(o.page.Failed) }
	prompts := func(o outcome) float64 { return float64(o.page.Prompts) }

	has, met := every(meetsRefreshCalls)
	t.row("refresh calls (server)", all(refresh, fmtCount), verdictIf(has, targetRefreshCalls, met, fmtCount(col("authfetch", refresh))))
	t.rows = append(t.rows, rotationRow(t, e))
	has, met = every(meetsNoFailures)
	t.row("requests that succeeded / failed", func(a alt) string {
		ok := col(a.key, func(o outcome) float64 { return float64(o.page.OK) })
		if !ok.ok() {
			return ""
		}
		return fmtCount(ok) + " / " + fmtCount(col(a.key, failed))
	}, verdictIf(has, targetNoFailures, met, fmtCount(col("authfetch", failed))+" failed"))
	t.row("what a failed request gave the caller (first seen)", func(a alt) string {
		for _, o := range e.runs[a.key] {
			if msg := o.page.FirstError; msg != "" {
				msg, _, _ = strings.Cut(msg, "\n")
				if len(msg) > 70 {
					msg = msg[:70] + "…"
				}
				return strings.ReplaceAll(msg, "|", "\\|")
			}
		}
		return ""
	}, "")
	has, met = every(meetsNoPrompts)
	t.row("relogin prompts", all(prompts, fmtCount), verdictIf(has, targetNoPrompts, met, fmtCount(col("authfetch", prompts))))
	t.row("wall time, first request → last settled", all(func(o outcome) float64 { return o.page.Ms }, fmtMs), "")
	ar, aar := summarize(e.ratio["authfetch"]), summarize(e.ratio["aar"])
	target, met := targetExpiryRatio(ar, aar, tabs)
	t.row("↳ ratio to plain fetch (which refreshes nothing)", func(a alt) string { return fmtRatio(summarize(e.ratio[a.key])) },
		verdictIf(ar.ok(), target, met, fmtRatio(ar)))
	t.row("session survives: after a 2nd expiry, 1 request per tab OK (tabs × runs)", func(a alt) string {
		runs := e.runs[a.key]
		if len(runs) == 0 {
			return ""
		}
		n := 0
		for _, o := range runs {
			n += o.alive
		}
		return fmt.Sprintf("%d / %d", n, tabs*len(runs))
	}, "")
}

// lostSessions lists, for authfetch, every tab whose request after the second expiry
// failed, with the first error the page saw: a lost session is a finding to chase.
func lostSessions(r *results) string {
	var b strings.Builder
	for _, part := range []struct {
		name string
		e    *expiryRuns
	}{{"burst", r.burst}, {"storm", r.storm}} {
		if part.e == nil {
			continue
		}
		for i, o := range part.e.runs["authfetch"] {
			for _, msg := range o.lost {
				if msg == "" {
					msg = "the reply's code was not 0 (no exception)"
				}
				fmt.Fprintf(&b, "- %s, run %d: a tab's request after the second expiry failed: %s\n", part.name, i+1, strings.ReplaceAll(msg, "\n", " ⏎ "))
			}
		}
	}
	if b.Len() == 0 {
		return ""
	}
	return "## authfetch sessions lost after the second expiry\n\n" + b.String() + "\n"
}

func rotationRow(t *table, e *expiryRuns) []string {
	row := []string{"↳ rotated / reuse detected / 10007 answers"}
	for _, a := range t.alts {
		var rot, reuse, relogin []float64
		for _, o := range e.runs[a.key] {
			rot = append(rot, float64(o.stats.Refreshed))
			reuse = append(reuse, float64(o.stats.Reused))
			relogin = append(relogin, float64(o.stats.ReloginAnswers))
		}
		if len(rot) == 0 {
			row = append(row, "—")
			continue
		}
		row = append(row, fmtCount(summarize(rot))+" / "+fmtCount(summarize(reuse))+" / "+fmtCount(summarize(relogin)))
	}
	return append(row, "")
}

const notes = `## How it was measured

- **Alternatives.** *plain fetch*: ` + "`fetch('/api/user/info', {headers: {'X-Token': localStorage.getItem('token')}})`" + `, no refresh at all: the floor.
  *seed interceptor*: the seed's refreshJwt.js and request.js as written (isLock, one refresh per 50014, the bare ` + "`axios.request`" + `
  replay, refresh errors swallowed), with MessageBox.confirm replaced by a prompt counter and the store by localStorage
  (bench/web/alt-seed.js). *axios-auth-refresh*: ` + "`shouldRefresh`" + ` on body code 50014 plus a response interceptor that turns
  200 + 50014 into an error (the plugin only sees errors; ` + "`statusCodes`" + ` cannot match a 200), ` + "`deduplicateRefresh: false`" + `
  (see bench/web/alt-aar.js for why). *authfetch*: ` + "`createAuthFetch({baseURL: '/api', onRelogin})`" + `, nothing else.
  Every request is one GET /api/user/info whose JSON body is read; it succeeds when the body the caller gets says code 0.
- **Sizes.** gzip -9 is Go's compress/gzip at level 9; brotli -q 11 is github.com/andybalholm/brotli at quality 11 with the
  window the brotli command picks. The seed's JS is bench/web/alt-seed.js as served (unminified, with its comments).
- **Start-up** is measured in the page from the dynamic import of the alternative's module (which imports the loader or
  axios) to the client being ready, in a fresh document each time, two loads at a time: a first visit ever
  (localStorage emptied) that logs in, then a later visit that finds the pair stored and makes one request, timed from
  the import to that response's body. authfetch's later visit also finds the start plan its engine kept on the visit
  before, so its client is ready before the Go runtime is up. The first visit serves everything with
  Cache-Control: no-store and gives the wasm a unique custom section, so neither the HTTP cache, V8's code cache nor its
  in-process module cache can help; the repeat visit serves a cacheable copy (first pair of loads excluded). The split
  comes from timing WebAssembly.instantiateStreaming in the page.
- **Expiry.** The page logs in with a fresh pair, warms up with valid requests, then the server's ExpireAccessTokens makes
  every access token issued so far answer 50014 and its counters are reset; refresh calls, rotations, reuse detections and
  10007 answers are the server's counts. Refresh tokens are single-use; presenting one twice revokes the session's family.
  In the storm the tabs start together at an agreed wall-clock time; only the first tab logs in, the others share its
  localStorage.
- **Absolute times.** On this kind of machine (a small VM) Chromium's own cost per fetch dominates: the backend answers
  Go's net/http client in about 0.1 ms a request, while a browser fetch takes milliseconds even for a blob: URL that
  never touches the network (the two "for scale" rows). Compare alternatives by the same-run ratios. ` + "`go run ./bench -only overhead -alts fetch,fetch-clone,authfetch`" + `
  adds a diagnostic floor, plain fetch that also reads a clone of every reply's body (what any wrapper must do to see a
  200 + 50014): the gap between it and authfetch is the cost of the Go bridge itself.
- **Memory.** JS heap is performance.memory.usedJSHeapSize (--enable-precise-memory-info) after gc() (--js-flags=--expose-gc).
  authfetch's loader exposes neither the wasm instance nor the Go object, so the bench page catches them: it wraps
  WebAssembly.instantiateStreaming (memory = instance.exports.mem.buffer.byteLength) and the Go class wasm_exec.js defines
  (live JS values held by Go = go._values.length − go._idPool.length).
`
