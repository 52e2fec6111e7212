// Package admin is the rigging around the reference backend that the demo page, the
// examples, the browser tests and the benchmark drive: it expires or revokes every
// token, makes the next refreshes fail (HTTP 500, a hang, a body cut off, 10007), holds
// requests at named gates until released, and counts what was answered. Never mount it in
// production: its routes take no credentials.
//
//	s, err := admin.New(server.Config{}) // a server.Server with the rigging around it
//	if err != nil {
//		log.Fatal(err)
//	}
//	defer s.Close() // ends refreshes made to hang and requests held at a gate
//	mux := http.NewServeMux()
//	mux.Handle("/api/", s.Handler()) // the product's routes plus /api/hold and /api/admin/
//	s.ExpireAccessTokens()           // the next request answers 50014 and refreshes
//	_ = s.FailRefresh(admin.FailStatus500, 1)
//
// Over HTTP (what index.html and the examples use), every POST needs the [Header]
// X-Authfetch-Admin: 1 and, when the browser sends one, a same-origin Origin, so that a
// page on another site cannot drive them:
//
//	POST /api/admin/expire-access       every access token issued so far answers 50014
//	POST /api/admin/revoke-refresh      every refresh token issued so far answers 10007
//	POST /api/admin/fail-refresh?mode=500|hang|malformed|10007&count=N
//	POST /api/admin/release?gate=NAME   lets the requests held at gate NAME through
//	POST /api/admin/reset               zeroes the counters, cancels failures, releases gates
//	GET  /api/admin/stats               the counters (Stats) as JSON
//	GET  /api/hold?gate=NAME            an authenticated request that waits at gate NAME
package admin
