package main

import (
	"bytes"
	"context"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/authfetch/authfetch/internal/redisserver"
	"github.com/authfetch/authfetch/server"
)

// The pool's own log lines (its dial failures in TestOpenStore/down) are noise here.
func init() { redis.SetLogger(discardLogger{}) }

type discardLogger struct{}

func (discardLogger) Printf(context.Context, string, ...any) {}

var testKey = []byte(strings.Repeat("k", 32))

// TestRedisURL: -redis wins over AUTHFETCH_REDIS_URL, which is the default.
func TestRedisURL(t *testing.T) {
	t.Setenv(redisEnv, "redis://from-env:6379/0")
	if got := redisURL(""); got != "redis://from-env:6379/0" {
		t.Errorf("redisURL(\"\") = %q, want the environment's", got)
	}
	if got := redisURL("redis://from-flag:6379/1"); got != "redis://from-flag:6379/1" {
		t.Errorf("redisURL(flag) = %q, want the flag's", got)
	}
}

// TestOpenStoreRefuses: -redis without -key, or with a URL that is not Redis's, stops
// the binary with an error that says why and does not repeat the URL's password.
func TestOpenStoreRefuses(t *testing.T) {
	if s, closeStore, err := openStore("", nil); s != nil || err != nil {
		t.Errorf("no URL: %v, %v, want the in-memory default (nil)", s, err)
	} else {
		closeStore()
	}
	for _, tt := range []struct {
		url     string
		key     []byte
		wantErr string
	}{
		{"redis://127.0.0.1:6379/0", nil, "-redis needs -key"},
		{"http://user:secret@127.0.0.1:6379", testKey, "-redis: "},
	} {
		_, _, err := openStore(tt.url, tt.key)
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) || strings.Contains(err.Error(), "secret") {
			t.Errorf("openStore(%q): %v, want an error saying %q without the password", tt.url, err, tt.wantErr)
		}
	}
}

// TestOpenStore: with a Redis URL the backend logs in and rotates through Redis; with
// Redis unreachable it still starts, says so, and answers a login 503.
func TestOpenStore(t *testing.T) {
	var logged bytes.Buffer
	log.SetOutput(&logged)
	t.Cleanup(func() { log.SetOutput(os.Stderr) })

	rs := redisserver.Start(t)
	for _, tt := range []struct {
		name, url, wantLog string
		wantLogin          int
	}{
		{"up", "redis://" + rs.Addr + "/0", "Redis at " + rs.Addr, http.StatusOK},
		{"down", "redis://127.0.0.1:1/0?dial_timeout=200ms&max_retries=-1", "does not answer", http.StatusServiceUnavailable},
	} {
		t.Run(tt.name, func(t *testing.T) {
			logged.Reset()
			store, closeStore, err := openStore(tt.url, testKey)
			if err != nil {
				t.Fatal(err)
			}
			defer closeStore()
			if !strings.Contains(logged.String(), tt.wantLog) {
				t.Errorf("log %q does not say %q", logged.String(), tt.wantLog)
			}
			s, err := server.New(server.Config{Key: testKey, Store: store, ErrorLog: log.New(&logged, "", 0)})
			if err != nil {
				t.Fatal(err)
			}
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, httptest.NewRequest("POST", "/api/login", strings.NewReader(`{"username":"demo","password":"demo"}`)))
			if rec.Code != tt.wantLogin {
				t.Errorf("login: HTTP %d %s, want %d", rec.Code, rec.Body, tt.wantLogin)
			}
		})
	}
}
