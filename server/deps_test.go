package server

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestNoRedisDependency: package server (what `make demo` and importers without Redis
// build) and the wasm module do not depend on go-redis; only server/redisstore and the
// binary do.
func TestNoRedisDependency(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		pkg string
		env []string
	}{
		{"github.com/authfetch/authfetch/server", nil},
		{"github.com/authfetch/authfetch/wasm", []string{"GOOS=js", "GOARCH=wasm"}},
	} {
		// go test puts its own toolchain first in PATH.
		cmd := exec.Command("go", "list", "-deps", c.pkg)
		cmd.Env = append(os.Environ(), c.env...)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", c.pkg, err)
		}
		if !strings.Contains(string(out), "github.com/golang-jwt/jwt/v5\n") {
			t.Fatalf("go list -deps %s does not list golang-jwt: the check would prove nothing", c.pkg)
		}
		for dep := range strings.FieldsSeq(string(out)) {
			if strings.HasPrefix(dep, "github.com/redis/") {
				t.Errorf("%s depends on %s", c.pkg, dep)
			}
		}
	}
}
