//go:build js && wasm

// Command empty is the size floor of any Go WebAssembly module: the runtime alone.
// The benchmark builds it exactly as the Makefile builds authfetch.wasm and reports its size
// beside authfetch's.
package main

func main() { select {} }
