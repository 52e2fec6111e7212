package main

import (
	"bytes"
	"embed"
	"encoding/binary"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/authfetch/authfetch/server"
	"github.com/authfetch/authfetch/server/admin"
)

// web is the bench page, its harness and one module per alternative.
//
//go:embed web
var web embed.FS

// files are the bytes every site serves, read once.
type files struct {
	js          map[string][]byte // /js/ and /jsc/: authfetch.js, wasm_exec.js, authfetch.wasm
	nodeModules string            // bench/node_modules
	web         fs.FS
}

func loadFiles(a *artifacts) (*files, error) {
	f := &files{js: map[string][]byte{}, nodeModules: filepath.Join(a.benchDir, "node_modules")}
	for name, p := range map[string]string{
		"authfetch.js":   a.loader,
		"wasm_exec.js":   a.wasmExec,
		"authfetch.wasm": a.wasm,
	} {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		f.js[name] = b
	}
	if a.names != "" {
		b, err := os.ReadFile(a.names)
		if err != nil {
			return nil, err
		}
		f.js["authfetch-names.wasm"] = b
	}
	sub, err := fs.Sub(web, "web")
	if err != nil {
		return nil, err
	}
	f.web = sub
	return f, nil
}

// site is one reference backend and the bench page on a fresh loopback port: a fresh
// origin, hence fresh counters and a localStorage of its own.
type site struct {
	api *admin.Server
	ts  *httptest.Server
	url string
}

// accessTTL is long so that no token expires during a run by itself: expiry is what
// ExpireAccessTokens says, at the moment a scenario chooses. (authfetch also refreshes
// early when a token is close to exp; an hour keeps that out of the measurements.)
const accessTTL = time.Hour

func newSite(f *files) (*site, error) {
	// No grace window: every refresh token presented twice is reuse and ends the session,
	// so a client that refreshes twice for one expiry shows it.
	api, err := admin.New(server.Config{AccessTTL: accessTTL, RefreshGrace: -1})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/api/", api.Handler())
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		serveFile(w, r, f.web, "index.html", false)
	})
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent) // no 404 in the console on every navigation
	})
	mux.HandleFunc("GET /bench/{file}", func(w http.ResponseWriter, r *http.Request) {
		serveFile(w, r, f.web, r.PathValue("file"), false)
	})
	mux.HandleFunc("GET /node_modules/", func(w http.ResponseWriter, r *http.Request) {
		// Only the two packages the page loads, nothing else of node_modules.
		p := path.Clean(r.URL.Path)
		if !strings.HasPrefix(p, "/node_modules/axios/dist/") && !strings.HasPrefix(p, "/node_modules/axios-auth-refresh/dist/") {
			http.NotFound(w, r)
			return
		}
		serveFile(w, r, os.DirFS(f.nodeModules), strings.TrimPrefix(p, "/node_modules/"), false)
	})
	// /js/ is never cached (a first visit, every time); /jsc/ is cacheable (a repeat visit).
	serveJS := func(cacheable bool) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			name := r.PathValue("file")
			b, ok := f.js[name]
			if !ok {
				http.NotFound(w, r)
				return
			}
			if n := r.URL.Query().Get("n"); n != "" && strings.HasSuffix(name, ".wasm") {
				b = withNonce(b, n)
			}
			setCache(w, cacheable)
			http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(b))
		}
	}
	mux.HandleFunc("GET /js/{file}", serveJS(false))
	mux.HandleFunc("GET /jsc/{file}", serveJS(true))

	ts := httptest.NewServer(mux) // 127.0.0.1, a free port
	return &site{api: api, ts: ts, url: ts.URL}, nil
}

func (s *site) Close() {
	s.api.Close()
	s.ts.CloseClientConnections()
	s.ts.Close()
}

func setCache(w http.ResponseWriter, cacheable bool) {
	if cacheable {
		w.Header().Set("Cache-Control", "public, max-age=3600")
	} else {
		w.Header().Set("Cache-Control", "no-store")
	}
}

func serveFile(w http.ResponseWriter, r *http.Request, fsys fs.FS, name string, cacheable bool) {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	setCache(w, cacheable)
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(b))
}

// withNonce returns the module with a custom section "bench-nonce" appended: the same code
// under different bytes, so no cache of the browser (HTTP, V8's compiled-code cache, its
// in-process cache of modules by content) can serve it. Custom sections may appear
// anywhere and do not change what the module does.
func withNonce(module []byte, nonce string) []byte {
	const name = "bench-nonce"
	var payload []byte
	payload = binary.AppendUvarint(payload, uint64(len(name)))
	payload = append(payload, name...)
	payload = append(payload, nonce...)
	out := make([]byte, 0, len(module)+len(payload)+6)
	out = append(out, module...)
	out = append(out, 0) // section id 0: custom
	out = binary.AppendUvarint(out, uint64(len(payload)))
	return append(out, payload...)
}

// nonce is a fresh string for withNonce.
func nonce() string { return fmt.Sprintf("%d", time.Now().UnixNano()) }
