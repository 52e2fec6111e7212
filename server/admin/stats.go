package admin

import (
	"sync/atomic"

	"github.com/authfetch/authfetch/server"
)

// Stats counts what the server answered since New or the last ResetStats: this Server
// only, not the other instances that share its Store.
type Stats struct {
	RefreshCalls   int64 `json:"refreshCalls"`   // calls reaching a refresh route
	Refreshed      int64 `json:"refreshed"`      // successful rotations
	Reused         int64 `json:"reused"`         // used refresh tokens presented again, outside the grace window
	Graced         int64 `json:"graced"`         // used refresh tokens presented again within the grace window, answered with their successor
	ReloginAnswers int64 `json:"reloginAnswers"` // code 10007 answers
	ExpiredAnswers int64 `json:"expiredAnswers"` // code 50014 answers
	InvalidAnswers int64 `json:"invalidAnswers"` // code 50008 answers
	Logins         int64 `json:"logins"`         // successful logins over HTTP
	Requests       int64 `json:"requests"`       // requests to the protected routes (and /api/hold) answered with code 0
}

// counters has one counter per server.Event, indexed by it.
type counters [server.EventRequest + 1]atomic.Int64

func (c *counters) count(e server.Event) {
	if e > 0 && int(e) < len(c) {
		c[e].Add(1)
	}
}

// Stats returns the counters. Each is read atomically, the set is not a snapshot.
func (s *Server) Stats() Stats {
	c := &s.stats
	return Stats{
		RefreshCalls:   c[server.EventRefreshCall].Load(),
		Refreshed:      c[server.EventRefreshed].Load(),
		Reused:         c[server.EventReused].Load(),
		Graced:         c[server.EventGraced].Load(),
		ReloginAnswers: c[server.EventRelogin].Load(),
		ExpiredAnswers: c[server.EventExpired].Load(),
		InvalidAnswers: c[server.EventInvalid].Load(),
		Logins:         c[server.EventLogin].Load(),
		Requests:       c[server.EventRequest].Load(),
	}
}

// ResetStats sets every counter to zero.
func (s *Server) ResetStats() {
	for i := range s.stats {
		s.stats[i].Store(0)
	}
}
