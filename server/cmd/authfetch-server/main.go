// Command authfetch-server serves the authfetch demo: the page (index.html of -root) at /,
// the module's files (js/*.js and js/*.wasm of -root, nothing else) at /js/, and the
// reference backend of package server at /api/, with the rigging of package admin
// (/api/admin/, /api/hold) unless -admin=false.
//
//	go run ./server/cmd/authfetch-server -root .
//
// With -redis (or AUTHFETCH_REDIS_URL) and the same -key, several instances keep their
// refresh-token families in one Redis and act as one backend behind a load balancer.
//
// It is a demo server: in-memory users (demo / demo), short token lifetimes, and, by
// default, the admin endpoints that let anyone expire tokens or break refreshes.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"mime"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/authfetch/authfetch/server"
	"github.com/authfetch/authfetch/server/admin"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("authfetch-server: ")

	defaultPort := os.Getenv("PORT")
	if defaultPort == "" {
		defaultPort = "8080"
	}
	addr := flag.String("addr", "127.0.0.1:"+defaultPort, "listen address (default port: $PORT, else 8080)")
	port := flag.Int("port", 0, "listen on 127.0.0.1:`port` (overrides the port of -addr)")
	root := flag.String("root", ".", "the project root: its index.html is served at /, its js/*.js and js/*.wasm at /js/")
	accessTTL := flag.Duration("access-ttl", server.DefaultAccessTTL, "access token lifetime")
	refreshTTL := flag.Duration("refresh-ttl", server.DefaultRefreshTTL, "refresh token lifetime")
	grace := flag.Duration("refresh-grace", server.DefaultRefreshGrace, "rotation grace window: a spent refresh token presented again within it gets the same successor (a retry after a lost reply); 0 turns it off")
	key := flag.String("key", "", "HS256 key, at least 32 bytes; demo only (default: random per start, so tokens die with the process)")
	// On by default because the demo page and the browser tests drive the server
	// through these endpoints; turn off to see the plain protocol only.
	cookie := flag.Bool("refresh-cookie", false, "send the refresh token as an HttpOnly cookie, not in replies (the client's refreshTokenIn: 'cookie')")
	withAdmin := flag.Bool("admin", true, "mount /api/admin/ and /api/hold (demos and tests only: unauthenticated)")
	redisFlag := flag.String("redis", "", "keep refresh-token families in Redis at `URL` (redis://host:6379/0), shared by every instance with the same -key (default: $"+redisEnv+", else in memory)")
	flag.Parse()

	if *port != 0 {
		host, _, err := net.SplitHostPort(*addr)
		if err != nil {
			log.Fatalf("-addr %q: %v", *addr, err)
		}
		*addr = net.JoinHostPort(host, strconv.Itoa(*port))
	}
	if fi, err := os.Stat(*root); err != nil || !fi.IsDir() {
		log.Fatalf("-root %q is not a directory", *root)
	}

	cfg := server.Config{AccessTTL: *accessTTL, RefreshTTL: *refreshTTL, RefreshGrace: *grace, RefreshCookie: *cookie}
	if *grace == 0 {
		cfg.RefreshGrace = -1 // Config's zero means the default
	}
	if *key != "" {
		cfg.Key = []byte(*key)
	}
	store, closeStore, err := openStore(redisURL(*redisFlag), cfg.Key)
	if err != nil {
		log.Fatal(err)
	}
	defer closeStore()
	cfg.Store = store
	// The product alone, or with the rigging of package admin around it.
	var api http.Handler
	closeAPI := func() {}
	if *withAdmin {
		s, err := admin.New(cfg)
		if err != nil {
			log.Fatal(err)
		}
		api, closeAPI = s.Handler(), s.Close
	} else {
		s, err := server.New(cfg)
		if err != nil {
			log.Fatal(err)
		}
		api = s.Handler()
	}

	// Go's built-in table lacks .wasm on some systems, and browsers refuse to stream-
	// compile a module served with any other type.
	if err := mime.AddExtensionType(".wasm", "application/wasm"); err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/api/", api)
	mux.Handle("/", noStore(demoFiles(*root)))

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	// Shutdown waits for open requests, and hanging refreshes and held requests only
	// end with the admin Server's Close, so they are ended as soon as shutting down begins.
	srv.RegisterOnShutdown(closeAPI)

	fmt.Printf("authfetch demo: %s (demo user: demo / demo)\n", pageURL(ln.Addr()))

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	select {
	case err := <-served:
		log.Fatal(err)
	case <-ctx.Done():
	}
	stop() // a second signal kills the process at once
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		log.Print(err)
	}
	closeAPI()
}

// demoFiles serves the demo page and the files the module is made of, and nothing else
// of root: the repository root holds .git/, go.mod and the sources too.
func demoFiles(root string) http.Handler {
	js := http.FileServer(http.Dir(filepath.Join(root, "js")))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		switch {
		case p == "/" || p == "/index.html":
			http.ServeFile(w, r, filepath.Join(root, "index.html"))
		case strings.HasPrefix(p, "/js/") && !strings.Contains(p[len("/js/"):], "/") &&
			(strings.HasSuffix(p, ".js") || strings.HasSuffix(p, ".wasm")):
			r2 := r.Clone(r.Context())
			r2.URL.Path = p[len("/js"):]
			js.ServeHTTP(w, r2)
		default:
			http.NotFound(w, r)
		}
	})
}

// noStore makes the browser fetch every static file anew, so the demo always loads
// the latest build of the wasm and the JS.
func noStore(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		h.ServeHTTP(w, r)
	})
}

// pageURL is the address to open in a browser: a wildcard host becomes 127.0.0.1.
func pageURL(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return "http://" + a.String() + "/"
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}
