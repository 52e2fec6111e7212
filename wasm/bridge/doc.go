//go:build js && wasm

// Package bridge is the only Go of authfetch that touches the browser. It gives the engine
// (package refresh) what it needs as small Go interfaces, built on localStorage,
// navigator.locks and fetch (for the refresh call), and gives js/authfetch.js the client
// object it wraps: the client's plan and the two per-request questions, token() and
// verdict() (see request.go), besides setTokens, getTokens, clearTokens and refresh.
//
// The per-request browser work (the Request, its header, fetch, the reply's code) is the
// loader's: app → loader → (Go: token) → fetch → (Go: verdict) → app. Nothing of a request
// but the token, the status and the code crosses into Go.
//
// The module's main hands it the name of the loader's ready callback and never exits:
//
//	if err := bridge.Serve(readyName); err != nil {
//		println(err.Error()) // the loader sees no ready call and reports the module broken
//	}
//	select {}
//
// Rules kept here: every function JavaScript calls returns at once (work that waits runs in a
// goroutine and settles a Promise); every callback recovers, because a Go panic would end the
// runtime for the whole page; every js.Func made for one call is released after it.
package bridge
