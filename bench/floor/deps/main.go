//go:build js && wasm

// Command deps is the size floor of "Go plus authfetch's dependencies": it links
// golang-jwt/jwt/v5 (the parser authfetch reads exp and iat with) and hack-pad/safejs (its
// only way to the browser), and nothing of authfetch itself. Whatever authfetch.wasm weighs
// above this is authfetch's own code and the standard library it pulls in beyond these.
package main

import (
	"os"

	"github.com/golang-jwt/jwt/v5"
	"github.com/hack-pad/safejs"
)

func main() {
	// Used, not just imported, so the linker keeps them: a token from the command line
	// (never given) is parsed, and the result is handed to JavaScript.
	token := "e30.e30.e30"
	if len(os.Args) > 1 {
		token = os.Args[1]
	}
	claims := jwt.MapClaims{}
	_, _, err := jwt.NewParser().ParseUnverified(token, claims)
	msg := "ok"
	if err != nil {
		msg = err.Error()
	}
	_ = safejs.Global().Set("__floorResult", msg)
	select {}
}
