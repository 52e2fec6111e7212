//go:build js && wasm

// Package bridge is the only part of authfetch that touches the browser. It gives the engine
// (package refresh) what it needs as small Go interfaces, built on fetch, Request, Response,
// Headers, localStorage, navigator.locks and AbortSignal, and gives JavaScript the client
// object that js/authfetch.js wraps.
//
// Rules kept here: every function JavaScript calls returns at once (work that waits runs in a
// goroutine and settles a Promise); every callback recovers, because a Go panic would end the
// runtime for the whole page; every js.Func made for one call is released after it.
package bridge
