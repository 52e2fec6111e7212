// Package server is the reference backend for authfetch: it speaks the protocol of
// docs/PROTOCOL.md (X-Token, HTTP 200 with business codes 50014 and 10007,
// POST /api/refreshJwt/{refreshToken}) and rotates refresh tokens with reuse detection
// (RFC 9700, section 4.14.2) and a rotation grace window. The refresh-token families live
// in a [Store]: this process's memory by default ([NewMemoryStore]), or Redis (package
// redisstore), which several instances share.
//
// The browser tests and the demo run against it, and a Go backend can mount its
// handlers (see [Server.Handler]) or protect its own routes with [Server.Middleware].
//
// It is a demo server: users live in memory, the HS256 key is random per start unless
// given, lifetimes are short, and the admin endpoints under /api/admin/ (see
// [Config.Admin]) let anyone expire tokens or make refreshes fail. Do not expose it.
package server
