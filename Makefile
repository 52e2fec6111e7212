# authfetch: a Go→WebAssembly fetch wrapper that silently refreshes expired JWTs.
#   make demo   build, start the reference backend, serve the demo page, print its URL
#   make test   every test: the engine and backend natively with -race, the types with tsc,
#               the package under Node, the bridge in the browser, the public API and the
#               examples in headless Chromium, then the example end-to-end test (Playwright)
#   make build  js/authfetch.wasm, js/wasm_exec.js and js/authfetch.js (build outputs, never
#               committed; the loader's source is js/src/authfetch.js)
#   make bench  authfetch beside plain fetch and the axios alternatives: bench/RESULTS.md
#   make bench-redis  refresh latency and redeems/s, memory store vs Redis, 1 and 3 backend
#               instances (Go benchmarks of server/redisstore; they start their own redis-server)
# The root module is the library alone; bench/, wasm_test/ and internal/chromium/ are modules
# of their own, joined by go.work (README, "How it is built").

GO       ?= go
GOROOT   := $(shell $(GO) env GOROOT)
PORT     ?= 8080
WASM     := js/authfetch.wasm
WASMEXEC := js/wasm_exec.js
LOADER   := js/authfetch.js

WBT      := $(CURDIR)/bin/wasmbrowsertest

.PHONY: all build demo bench bench-redis test test-native test-bridge test-browser test-types test-node test-e2e example-vue example-react npm-deps vet clean

all: build

build: $(WASM) $(WASMEXEC) $(LOADER)

# The .wasm depends on every Go file of the module's wasm side.
$(WASM): go.mod go.sum $(shell find wasm -name '*.go' -not -name '*_test.go')
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags='-s -w' -o $@ ./wasm

# wasm_exec.js must match the compiler that built the .wasm: copy it from the toolchain,
# without its comments and indentation (internal/stripjs), as the loader is shipped.
$(WASMEXEC): FORCE
	$(GO) run ./internal/stripjs -i "$(GOROOT)/lib/wasm/wasm_exec.js" -o $@

$(LOADER): js/src/authfetch.js
	$(GO) run ./internal/stripjs -i $< -o $@

demo: build
	$(GO) run ./server/cmd/authfetch-server -root . -port $(PORT)

# The tooling lives in modules of its own (bench/, wasm_test/, internal/chromium/; go.work
# joins them to the root module for development), so ./... is the library alone.
TOOLMODS := ./bench/... ./internal/chromium/... ./wasm_test/...
vet:
	@test -z "$$(gofmt -l .)" || { echo "gofmt would change:"; gofmt -l .; exit 1; }
	$(GO) vet ./... $(TOOLMODS)
	GOOS=js GOARCH=wasm $(GO) vet ./wasm/... ./bench/floor/...

test-native: vet
	$(GO) test -race -count=1 ./wasm/refresh/... ./server/...

# The bridge's own unit tests run as GOOS=js GOARCH=wasm tests inside headless Chromium.
$(WBT):
	GOBIN=$(CURDIR)/bin $(GO) install github.com/agnivade/wasmbrowsertest@v0.11.0

test-bridge: $(WBT)
	GOOS=js GOARCH=wasm $(GO) test -count=1 -timeout 5m -exec $(WBT) ./wasm/bridge/...

# npm packages of the examples and tests, pinned in their package-lock.json. `npm ci`
# runs when node_modules is missing or older than the lock file (npm ci rewrites
# node_modules/.package-lock.json, the stamp).
NPM      ?= npm
NPMCI    := $(NPM) ci --no-audit --no-fund --loglevel=error
NPMDIRS  := js/types-test js/node-test wasm_test/testdata examples/vue-app examples/react-app examples/e2e
npm-deps: $(addsuffix /node_modules/.package-lock.json,$(NPMDIRS))
%/node_modules/.package-lock.json: %/package-lock.json %/package.json
	cd $* && $(NPMCI)

# tsc (pinned in js/types-test) checks authfetch.d.ts, vue.d.ts and react.d.ts against typed usage,
# so that a renamed option breaks the build.
test-types: js/types-test/node_modules/.package-lock.json
	cd js/types-test && ./node_modules/.bin/tsc --noEmit -p .

# Node's test runner, on the package as server-side rendering meets it (js/node-test: the
# imports touch no browser global, createAuthFetch says to create the client in the browser,
# the bindings render on the server) and as npm packs it (files, exports, peers, and the
# brotli size of the JS a page loads).
test-node: build js/node-test/node_modules/.package-lock.json
	cd js/node-test && node --preserve-symlinks --test

# The Vue 3 example, built by Vite into examples/vue-app/dist for the browser tests.
VUEAPP   := examples/vue-app
example-vue: $(VUEAPP)/dist/index.html
$(VUEAPP)/dist/index.html: $(VUEAPP)/node_modules/.package-lock.json $(WASM) js/authfetch.js js/vue.js \
		$(shell find $(VUEAPP)/src -type f) $(VUEAPP)/index.html $(VUEAPP)/vite.config.js | $(WASMEXEC)
	cd $(VUEAPP) && ./node_modules/.bin/vite build --logLevel warn

# The React 19 example, built by Vite into examples/react-app/dist for the browser tests.
REACTAPP := examples/react-app
example-react: $(REACTAPP)/dist/index.html
$(REACTAPP)/dist/index.html: $(REACTAPP)/node_modules/.package-lock.json $(WASM) js/authfetch.js js/react.js \
		$(shell find $(REACTAPP)/src -type f) $(REACTAPP)/index.html $(REACTAPP)/vite.config.js | $(WASMEXEC)
	cd $(REACTAPP) && ./node_modules/.bin/vite build --logLevel warn

# The browser tests load js/authfetch.wasm in Debian's headless Chromium; the integration
# tests also serve the Vue and React examples' builds and the npm packages of wasm_test/testdata.
test-browser: build example-vue example-react wasm_test/testdata/node_modules/.package-lock.json
	$(GO) test -count=1 -timeout 20m ./wasm_test/...

# The example end-to-end test of the README ("Testing your app's session handling"):
# Playwright (examples/e2e) drives the React example on Vite's dev server, its /api proxied
# to authfetch-server on a free port, in Debian's headless Chromium.
test-e2e: build examples/e2e/node_modules/.package-lock.json $(REACTAPP)/node_modules/.package-lock.json
	$(GO) build -o bin/authfetch-server ./server/cmd/authfetch-server
	cd examples/e2e && AUTHFETCH_SERVER=$(CURDIR)/bin/authfetch-server node --test

test: test-native test-types test-node test-bridge test-browser test-e2e

# Side-by-side benchmark in headless Chromium: plain fetch, the seed's axios interceptor,
# axios-auth-refresh and authfetch against the reference backend on 127.0.0.1 (sizes, start-up,
# overhead per request, 1,000 requests at expiry, 4 tabs at expiry, memory). It builds its own
# authfetch.wasm; it needs chromium, and npm the first time (npm ci in bench/). About 7 minutes.
bench:
	$(GO) run ./bench -out bench/RESULTS.md

# The reference backend's stores side by side: Store.Redeem alone, and the refresh route
# over loopback HTTP with one instance and with three behind a round-robin proxy; the
# parallel ones report redeems/s and refreshes/s. Needs redis-server. About a minute.
bench-redis:
	$(GO) test -run '^$$' -bench . -benchtime 2s -count 1 ./server/redisstore/

clean:
	rm -f $(WASM) $(WASMEXEC)
	rm -rf $(VUEAPP)/dist $(REACTAPP)/dist

.PHONY: FORCE
FORCE:
