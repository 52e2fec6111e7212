// Package server is the reference backend for authfetch: it speaks the protocol of
// docs/PROTOCOL.md (X-Token, HTTP 200 with business codes 50014 and 10007,
// POST /api/refreshJwt/{refreshToken}) and rotates refresh tokens with reuse detection
// (RFC 9700, section 4.14.2) and a rotation grace window. The refresh-token families live
// in a [Store]: this process's memory by default ([NewMemoryStore]), or Redis (package
// redisstore), which several instances share.
//
// Mount its routes (login, the two refresh routes, user info) under /api/ with
// [Server.Handler], and protect your own with [Server.Middleware]:
//
//	s, err := server.New(server.Config{Key: key}) // Key: 32 bytes or more, the same on every instance
//	if err != nil {
//		log.Fatal(err)
//	}
//	mux := http.NewServeMux()
//	mux.Handle("/api/", s.Handler())
//	mux.Handle("GET /orders", s.Middleware(orders)) // server.Subject(r.Context()) is the user
//
// A backend with its own login calls [Server.IssuePair] once it knows the user, and
// [Config.OnEvent] feeds its metrics (refreshes, reuse detected, relogin answers).
//
// Users live in [Config.Users] (demo / demo when empty), as in the seed's demo. The
// rigging for demos and tests (routes that expire tokens, inject refresh failures and hold
// requests at gates, and counters of what was answered) is package admin's and is not
// mounted here.
package server
