package wasm_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestStreamingRepliesResolveAtTheirHead: auth.fetch resolves when a streaming reply's
// head arrives, as fetch does: authfetch reads a code only from JSON media types, and at
// most maxCodeBody bytes of those, so an event stream, ndjson, json-seq or an endless JSON
// reply never holds the caller, and what was read is not copied into Go. The server holds
// every body open until the test ends.
func TestStreamingRepliesResolveAtTheirHead(t *testing.T) {
	held := make(chan struct{})
	e, _ := newEnvWith(t, testPage, func(mux *http.ServeMux) {
		mux.HandleFunc("GET /stream/{kind}", func(w http.ResponseWriter, r *http.Request) {
			types := map[string]string{
				"sse": "text/event-stream", "ndjson": "application/x-ndjson",
				"json-seq": "application/json-seq", "big-json": "application/json",
			}
			w.Header().Set("Content-Type", types[r.PathValue("kind")])
			w.WriteHeader(http.StatusOK)
			first := `{"code":0}` + "\n"
			if r.PathValue("kind") == "big-json" { // more than maxCodeBody, and no end
				first = `{"code":0,"pad":"` + strings.Repeat("x", 70<<10)
			}
			fmt.Fprint(w, first)
			w.(http.Flusher).Flush()
			select {
			case <-held:
			case <-r.Context().Done():
			}
		})
	})
	t.Cleanup(func() { close(held) })
	tb := e.newTab("a")
	tb.open()
	tb.setup("")
	tb.login()
	for _, kind := range []string{"sse", "ndjson", "json-seq", "big-json"} {
		got := eval[string](tb, "fetch a "+kind+" stream", fmt.Sprintf(`
const ctl = new AbortController();
const p = auth.fetch(location.origin + '/stream/%s', { signal: ctl.signal });
const r = await Promise.race([p, new Promise(res => setTimeout(() => res('held'), 5000))]);
if (r === 'held') { ctl.abort(); return 'auth.fetch did not resolve while the body was open' }
const { value } = await r.body.getReader().read().catch(() => ({}));
ctl.abort();
return r.status + ' ' + (value ? 'readable' : 'unreadable');`, kind))
		if got != "200 readable" {
			t.Errorf("%s: %s, want 200 readable", kind, got)
		}
	}
}
