# authfetch: a Go→WebAssembly fetch wrapper that silently refreshes expired JWTs.
#   make demo   build, start the reference backend, serve the demo page, print its URL
#   make test   every test: the native engine and backend with -race, then the browser
#   make build  js/authfetch.wasm and js/wasm_exec.js (build outputs, never committed)

GO       ?= go
GOROOT   := $(shell $(GO) env GOROOT)
PORT     ?= 8080
WASM     := js/authfetch.wasm
WASMEXEC := js/wasm_exec.js

WBT      := $(CURDIR)/bin/wasmbrowsertest

.PHONY: all build demo test test-native test-bridge test-browser vet clean

all: build

build: $(WASM) $(WASMEXEC)

# The .wasm depends on every Go file of the module's wasm side.
$(WASM): go.mod go.sum $(shell find wasm -name '*.go' -not -name '*_test.go')
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags='-s -w' -o $@ ./wasm

# wasm_exec.js must match the compiler that built the .wasm: copy it from the toolchain.
$(WASMEXEC): FORCE
	cp "$(GOROOT)/lib/wasm/wasm_exec.js" $@

demo: build
	$(GO) run ./server/cmd/authfetch-server -root . -port $(PORT)

vet:
	@test -z "$$(gofmt -l .)" || { echo "gofmt would change:"; gofmt -l .; exit 1; }
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./wasm/...

test-native: vet
	$(GO) test -race -count=1 ./wasm/refresh/... ./server/...

# The bridge's own unit tests run as GOOS=js GOARCH=wasm tests inside headless Chromium.
$(WBT):
	GOBIN=$(CURDIR)/bin $(GO) install github.com/agnivade/wasmbrowsertest@v0.11.0

test-bridge: $(WBT)
	GOOS=js GOARCH=wasm $(GO) test -count=1 -timeout 5m -exec $(WBT) ./wasm/bridge/...

# The browser tests load js/authfetch.wasm in Debian's headless Chromium.
test-browser: build
	$(GO) test -count=1 -timeout 20m ./wasm_test/...

test: test-native test-bridge test-browser

clean:
	rm -f $(WASM) $(WASMEXEC)

.PHONY: FORCE
FORCE:
