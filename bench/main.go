// Command bench measures authfetch against the alternatives it replaces, in one run of
// headless Chromium against the reference backend on 127.0.0.1:
//
//   - plain fetch with the token attached by hand and no refresh (the floor);
//   - axios with the seed's interceptor (shared/seed/vue-axios-refresh-jwt.txt), defects included;
//   - axios with axios-auth-refresh, configured as its README advises for this backend;
//   - authfetch.
//
// It reports module sizes (against the floors of an empty Go wasm and of Go plus authfetch's
// dependencies), start-up, the overhead per request, the burst of 1,000 requests at expiry,
// the storm of 4 tabs at expiry, and memory, as one table on stdout and in bench/RESULTS.md.
//
//	go run ./bench                                   # from the repository root; 5 to 8 minutes on 2 cores
//	go run ./bench -only burst,storm -burst-runs 5   # some sections, more runs
//	go run ./bench -runs 1 -burst-runs 1 -storm-runs 1 -startup-runs 3 -mem-requests 2000 -out -   # a quick look
//	go run ./bench -only profile -out -              # V8 CPU profile of authfetch (start-up, requests)
//	go run ./bench -only overhead -alts fetch,fetch-clone,authfetch   # how much of the overhead is the Go bridge
//
// It builds what it needs into a temporary directory (authfetch.wasm exactly as the Makefile
// does, the two floors, wasm_exec.js of the same toolchain), installs bench/node_modules
// with `npm ci` if it is missing, and exits non-zero only when it cannot run: a missed
// target is a finding in the table, not a failure.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
)

type config struct {
	out                  string
	runs                 int
	startupRuns          int
	burstRuns, stormRuns int
	requests, width      int
	burst                int
	stormTabs, stormReqs int
	memRequests          int
	memPoints            int
	chromium             string
	only                 map[string]bool
	alts                 []alt
	verbose              bool
	aarDedupe            bool
	memAll               bool
}

// sections are the parts of a run; "profile" is not in the default run.
var sections = []string{"sizes", "startup", "overhead", "burst", "storm", "memory", "profile"}

func main() {
	cfg, err := parseFlags()
	if err == nil {
		err = run(cfg)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func parseFlags() (*config, error) {
	c := &config{}
	flag.StringVar(&c.out, "out", "", "markdown file for the results (default bench/RESULTS.md; - for none)")
	flag.IntVar(&c.runs, "runs", 3, "runs of the per-request overhead batches")
	flag.IntVar(&c.startupRuns, "startup-runs", 10, "fresh page loads per alternative for start-up")
	flag.IntVar(&c.burstRuns, "burst-runs", 3, "runs of the expiry burst per alternative")
	flag.IntVar(&c.stormRuns, "storm-runs", 3, "runs of the multi-tab storm per alternative")
	flag.IntVar(&c.requests, "requests", 1000, "requests per overhead batch")
	flag.IntVar(&c.width, "width", 50, "requests in flight in the parallel batch")
	flag.IntVar(&c.burst, "burst", 1000, "concurrent requests in the expiry burst")
	flag.IntVar(&c.stormTabs, "storm-tabs", 4, "tabs of one profile in the storm")
	flag.IntVar(&c.stormReqs, "storm-requests", 100, "requests per tab in the storm")
	flag.IntVar(&c.memRequests, "mem-requests", 10000, "requests between memory readings")
	flag.IntVar(&c.memPoints, "mem-points", 3, "memory readings: after warm-up, then after every -mem-requests requests")
	flag.StringVar(&c.chromium, "chromium", "", "Chromium binary (default /usr/lib/chromium/chromium, then /usr/bin/chromium)")
	only := flag.String("only", strings.Join(sections[:len(sections)-1], ","), "sections to run, comma-separated: "+strings.Join(sections, ","))
	alts := flag.String("alts", "fetch,seed,aar,authfetch", "alternatives, comma-separated (plain fetch is the base of every ratio)")
	flag.BoolVar(&c.verbose, "v", false, "print each tab's console errors")
	flag.BoolVar(&c.memAll, "mem-all", false, "memory for every alternative (by default authfetch only)")
	dedupe := flag.Bool("aar-dedupe", false, "axios-auth-refresh with its default deduplicateRefresh: true (see web/alt-aar.js)")
	flag.Parse()

	if *dedupe {
		altOptions["aar"] = map[string]any{"dedupe": true}
		c.aarDedupe = true
	}
	c.only = map[string]bool{}
	for s := range strings.SplitSeq(*only, ",") {
		if s = strings.TrimSpace(s); !slices.Contains(sections, s) {
			return nil, fmt.Errorf("-only: unknown section %q (one of %s)", s, strings.Join(sections, ","))
		}
		c.only[s] = true
	}
	for k := range strings.SplitSeq(*alts, ",") {
		i := slices.IndexFunc(alternatives, func(a alt) bool { return a.key == strings.TrimSpace(k) })
		if i < 0 {
			return nil, fmt.Errorf("-alts: unknown alternative %q", k)
		}
		c.alts = append(c.alts, alternatives[i])
	}
	for _, n := range []int{c.runs, c.startupRuns, c.burstRuns, c.stormRuns, c.requests, c.width, c.burst, c.stormTabs, c.stormReqs, c.memRequests, c.memPoints - 1} {
		if n < 1 {
			return nil, fmt.Errorf("counts must be at least 1 (-mem-points at least 2)")
		}
	}
	return c, nil
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
}

// results is everything measured; nil parts were not run.
type results struct {
	sizes    map[string]size
	startup  *startup
	overhead *overhead
	burst    *expiryRuns
	storm    *expiryRuns
	memory   *memory
	profile  []cpuProfile
}

// runInfo is how the run went: section times and the rest of the machine's load.
type runInfo struct {
	took      time.Duration
	sections  []string // "startup 41s", in order
	loadStart string
	loadEnd   string
	others    float64 // share of the machine's CPU capacity other processes used, or -1
}

func run(cfg *config) error {
	began := time.Now()
	info := &runInfo{loadStart: loadavg(), others: -1}
	busy0, busyOK := cpuBusy()
	own0 := ownCPU()
	mark := time.Now()
	section := func(name string) {
		info.sections = append(info.sections, fmt.Sprintf("%s %s", name, time.Since(mark).Round(time.Second)))
		mark = time.Now()
	}
	root, err := findRoot()
	if err != nil {
		return err
	}
	benchDir := filepath.Join(root, "bench")
	if cfg.out == "" {
		cfg.out = filepath.Join(benchDir, "RESULTS.md")
	}
	if err := ensureNodeModules(benchDir); err != nil {
		return err
	}
	logf("building authfetch.wasm and the floors (GOOS=js GOARCH=wasm go build -trimpath -ldflags='-s -w')")
	art, err := build(root, cfg.only["profile"])
	if err != nil {
		return err
	}
	defer os.RemoveAll(art.dir)
	files, err := loadFiles(art)
	if err != nil {
		return err
	}
	section("build")

	res := &results{}
	if cfg.only["sizes"] {
		logf("sizes: gzip -9 and brotli -q 11 (brotli is slow the first time, then cached)")
		if res.sizes, err = sizes(art, files); err != nil {
			return err
		}
		section("sizes")
	}

	b := &browser{cancel: func() {}}
	if slices.ContainsFunc(sections[1:], func(s string) bool { return cfg.only[s] }) {
		exe, err := findChromium(cfg.chromium)
		if err != nil {
			return err
		}
		if b, err = startBrowser(exe, cfg.verbose); err != nil {
			return err
		}
		defer b.cancel()
		logf("%s", b.version)
		section("browser start")
	}

	if cfg.only["startup"] {
		logf("start-up: %d fresh pages per alternative", cfg.startupRuns)
		if res.startup, err = measureStartup(b, files, cfg.alts, cfg.startupRuns); err != nil {
			return err
		}
		section("startup")
	}
	if cfg.only["overhead"] {
		logf("overhead: %d runs of %d sequential GETs and %d GETs %d at a time", cfg.runs, cfg.requests, cfg.requests, cfg.width)
		if res.overhead, err = measureOverhead(b, files, cfg.alts, cfg.runs, cfg.requests, cfg.width); err != nil {
			return err
		}
		section("overhead")
	}
	if cfg.only["burst"] {
		logf("burst: %d runs of %d concurrent requests at expiry", cfg.burstRuns, cfg.burst)
		if res.burst, err = measureExpiry(b, files, cfg.alts, cfg.burstRuns, 1, cfg.burst); err != nil {
			return err
		}
		section("burst")
	}
	if cfg.only["storm"] {
		logf("storm: %d runs of %d tabs × %d requests at expiry", cfg.stormRuns, cfg.stormTabs, cfg.stormReqs)
		if res.storm, err = measureExpiry(b, files, cfg.alts, cfg.stormRuns, cfg.stormTabs, cfg.stormReqs); err != nil {
			return err
		}
		section("storm")
	}
	if cfg.only["memory"] {
		logf("memory: %d readings, %d requests apart", cfg.memPoints, cfg.memRequests)
		alts := cfg.alts
		if !cfg.memAll {
			alts = slices.DeleteFunc(slices.Clone(alts), func(a alt) bool { return a.key != "authfetch" })
		}
		if res.memory, err = measureMemory(b, files, alts, cfg.memRequests, cfg.width, cfg.memPoints); err != nil {
			return err
		}
		section("memory")
	}

	if cfg.only["profile"] {
		logf("profile: V8 CPU profile of authfetch's start-up and of %d + %d requests", cfg.requests, cfg.requests)
		if res.profile, err = measureProfile(b, files, cfg.requests, cfg.width); err != nil {
			return err
		}
		section("profile")
	}

	b.cancel() // the browser's CPU time counts as ours once it has exited
	info.took = time.Since(began)
	info.loadEnd = loadavg()
	if busy1, ok := cpuBusy(); ok && busyOK {
		others := (busy1 - busy0) - (ownCPU() - own0)
		info.others = max(0, others.Seconds()/(info.took.Seconds()*float64(runtime.NumCPU())))
	}
	doc := report(cfg, art, b, res, info)
	fmt.Print(doc)
	if cfg.out != "-" {
		if err := os.WriteFile(cfg.out, []byte(doc), 0o644); err != nil {
			return err
		}
		logf("wrote %s (%s)", cfg.out, time.Since(began).Round(time.Second))
	}
	return nil
}
