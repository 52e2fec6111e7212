//go:build js && wasm

// Command authfetch is the WebAssembly module that js/authfetch.js loads. It hands the loader
// its entry point and then waits for calls forever: it never exits, since a Go program that
// has exited answers no more calls.
package main

import (
	"os"

	"github.com/authfetch/authfetch/wasm/bridge"
)

func main() {
	// The loader passes the name of its ready callback as the last argument.
	name := ""
	if len(os.Args) > 1 {
		name = os.Args[len(os.Args)-1]
	}
	if err := bridge.Serve(name); err != nil {
		println(err.Error()) // the loader sees no ready call and reports the module as broken
	}
	select {}
}
