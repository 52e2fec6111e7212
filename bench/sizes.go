package main

import (
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"
)

// Names of the measured files in results.sizes.
const (
	szWasm     = "authfetch.wasm"
	szLoader   = "authfetch.js"
	szWasmExec = "wasm_exec.js"
	szEmpty    = "floor: empty"
	szDeps     = "floor: deps"
	szAxios    = "axios.min.js"
	szAAR      = "axios-auth-refresh"
	szSeed     = "alt-seed.js"
	szAARConf  = "alt-aar.js"
)

// sizes measures every file an alternative makes the browser download, and both floors.
func sizes(a *artifacts, f *files) (map[string]size, error) {
	in := map[string][]byte{szWasm: f.js["authfetch.wasm"], szLoader: f.js["authfetch.js"], szWasmExec: f.js["wasm_exec.js"]}
	for name, p := range map[string]string{
		szEmpty: a.empty, szDeps: a.deps,
		szAxios: filepath.Join(f.nodeModules, "axios/dist/esm/axios.min.js"),
		szAAR:   filepath.Join(f.nodeModules, "axios-auth-refresh/dist/index.esm.js"),
	} {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		in[name] = b
	}
	for name, p := range map[string]string{szSeed: "alt-seed.js", szAARConf: "alt-aar.js"} {
		b, err := fs.ReadFile(f.web, p)
		if err != nil {
			return nil, err
		}
		in[name] = b
	}
	return measureSizes(in)
}

// loaded is what each alternative makes the browser download: JS, then wasm.
func loaded(s map[string]size, key string) (js, wasm size) {
	switch key {
	case "seed":
		return s[szAxios].add(s[szSeed]), size{}
	case "aar":
		return s[szAxios].add(s[szAAR]).add(s[szAARConf]), size{}
	case "authfetch":
		return s[szLoader].add(s[szWasmExec]), s[szWasm]
	}
	return size{}, size{}
}

// size is a file's size raw, after gzip -9 and after brotli -q 11.
type size struct {
	Raw, Gzip, Brotli int64
}

func (s size) add(t size) size { return size{s.Raw + t.Raw, s.Gzip + t.Gzip, s.Brotli + t.Brotli} }

// measureSizes compresses every file (in parallel, one per CPU). Brotli at quality 11 is
// slow in pure Go (about 20 s for authfetch.wasm here), so results are kept in a cache
// under the temporary directory, keyed by the content's SHA-256.
func measureSizes(files map[string][]byte) (map[string]size, error) {
	out := make(map[string]size, len(files))
	var mu sync.Mutex
	var firstErr error
	sem := make(chan struct{}, runtime.NumCPU())
	var wg sync.WaitGroup
	for name, b := range files {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			s, err := sizeOf(b)
			mu.Lock()
			defer mu.Unlock()
			if err != nil && firstErr == nil {
				firstErr = fmt.Errorf("compress %s: %w", name, err)
			}
			out[name] = s
		})
	}
	wg.Wait()
	return out, firstErr
}

func sizeOf(b []byte) (size, error) {
	var err error
	s := size{Raw: int64(len(b))}
	var gz countWriter
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Write(b)
	if err := zw.Close(); err != nil {
		return size{}, err
	}
	s.Gzip = int64(gz)
	s.Brotli, err = brotliSize(b)
	return s, err
}

// brotliSize is the size of `brotli -q 11` of b: quality 11 and the window the brotli
// command picks for a file of this size (the smallest that holds it, 2^10 to 2^24 bytes).
func brotliSize(b []byte) (int64, error) {
	sum := sha256.Sum256(b)
	cache := filepath.Join(os.TempDir(), "authfetch-bench-cache", hex.EncodeToString(sum[:])+".brotli-q11")
	if c, err := os.ReadFile(cache); err == nil {
		if n, err := strconv.ParseInt(strings.TrimSpace(string(c)), 10, 64); err == nil {
			return n, nil
		}
	}
	lgwin := 10
	for lgwin < 24 && (1<<lgwin)-16 < len(b) {
		lgwin++
	}
	var n countWriter
	w := brotli.NewWriterOptions(&n, brotli.WriterOptions{Quality: 11, LGWin: lgwin})
	if _, err := w.Write(b); err != nil {
		return 0, err
	}
	if err := w.Close(); err != nil {
		return 0, err
	}
	_ = os.MkdirAll(filepath.Dir(cache), 0o755)
	_ = os.WriteFile(cache, []byte(strconv.FormatInt(int64(n), 10)), 0o644)
	return int64(n), nil
}

type countWriter int64

func (c *countWriter) Write(p []byte) (int, error) {
	*c += countWriter(len(p))
	return len(p), nil
}
