// Package redisserver starts throwaway redis-server processes (Debian's redis-server
// package) for the tests and benchmarks of the Redis store: each on a free loopback
// port, with persistence off, stopped when the test ends.
//
// A missing redis-server fails the test, as a missing Chromium does: CI installs it
// (.ci/run), and a test that skipped there would prove nothing.
//
//	func TestSomething(t *testing.T) {
//		rs := redisserver.Start(t) // stopped when the test ends
//		client := redis.NewClient(&redis.Options{Addr: rs.Addr})
//		...
//	}
package redisserver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Server is a running redis-server.
type Server struct {
	Addr string // host:port on 127.0.0.1
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
}

// startTimeout bounds how long a server may take to answer PING.
const startTimeout = 10 * time.Second

// Start starts a standalone redis-server for tb and stops it when tb ends.
func Start(tb testing.TB) *Server {
	tb.Helper()
	return start(tb)
}

// StartCluster starts a Redis Cluster of one node that serves all 16384 hash slots, so
// that a go-redis ClusterClient, and the cluster's rule that a script touches keys of
// one slot only, can be tried on one process.
func StartCluster(tb testing.TB) *Server {
	tb.Helper()
	s := start(tb, "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf")
	c := redis.NewClient(&redis.Options{Addr: s.Addr})
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	if err := c.Do(ctx, "CLUSTER", "ADDSLOTSRANGE", 0, 16383).Err(); err != nil {
		tb.Fatalf("redis-server at %s: CLUSTER ADDSLOTSRANGE: %v", s.Addr, err)
	}
	for {
		info, err := c.ClusterInfo(ctx).Result()
		if err == nil && strings.Contains(info, "cluster_state:ok") {
			return s
		}
		if ctx.Err() != nil {
			tb.Fatalf("redis-server at %s: the cluster is not ok after %v: %v %s", s.Addr, startTimeout, err, info)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func start(tb testing.TB, extra ...string) *Server {
	tb.Helper()
	exe, err := exec.LookPath("redis-server")
	if err != nil {
		tb.Fatal("redis-server is missing: install Debian's redis-server package (apt-get install redis-server); .ci/run does")
	}
	// The port is free when asked for, but another process may take it before
	// redis-server binds it: then try another.
	var lastErr error
	for range 3 {
		s, err := launch(tb, exe, extra)
		if err == nil {
			return s
		}
		lastErr = err
	}
	tb.Fatal(lastErr)
	return nil
}

func launch(tb testing.TB, exe string, extra []string) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	dir := tb.TempDir()
	logPath := filepath.Join(dir, "redis.log")
	args := append([]string{
		"--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", // persistence off
		"--dir", dir, "--logfile", logPath, "--daemonize", "no",
	}, extra...)
	cmd := exec.Command(exe, args...)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start redis-server: %w", err)
	}
	s := &Server{Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), cmd: cmd, done: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		close(s.done)
	}()
	tb.Cleanup(s.Stop)
	if err := s.waitReady(); err != nil {
		s.Stop()
		out, _ := os.ReadFile(logPath)
		return nil, fmt.Errorf("redis-server on port %d: %w\n%s", port, err, out)
	}
	return s, nil
}

// freePort returns a TCP port of 127.0.0.1 that nothing listens on now.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// waitReady waits until the server answers PING, or fails if it exits first.
func (s *Server) waitReady() error {
	c := redis.NewClient(&redis.Options{Addr: s.Addr, MaxRetries: -1})
	defer c.Close()
	deadline := time.Now().Add(startTimeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := c.Ping(ctx).Err()
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-s.done:
			return errors.New("exited before answering")
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no answer to PING after %v: %w", startTimeout, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Stop ends the server (SIGTERM, then SIGKILL after 5 s) and waits until it is gone; its
// data is lost. Stopping twice is harmless.
func (s *Server) Stop() {
	select {
	case <-s.done:
		return
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(5 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}
