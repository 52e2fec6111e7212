package server

import "sync/atomic"

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
	Requests       int64 `json:"requests"`       // requests to this package's protected routes answered with code 0
}

type counters struct {
	refreshCalls, refreshed, reused, graced        atomic.Int64
	reloginAnswers, expiredAnswers, invalidAnswers atomic.Int64
	logins, requests                               atomic.Int64
}

func (c *counters) all() []*atomic.Int64 {
	return []*atomic.Int64{&c.refreshCalls, &c.refreshed, &c.reused, &c.graced,
		&c.reloginAnswers, &c.expiredAnswers, &c.invalidAnswers, &c.logins, &c.requests}
}

// Stats returns the counters. Each is read atomically, the set is not a snapshot.
func (s *Server) Stats() Stats {
	c := &s.stats
	return Stats{
		RefreshCalls:   c.refreshCalls.Load(),
		Refreshed:      c.refreshed.Load(),
		Reused:         c.reused.Load(),
		Graced:         c.graced.Load(),
		ReloginAnswers: c.reloginAnswers.Load(),
		ExpiredAnswers: c.expiredAnswers.Load(),
		InvalidAnswers: c.invalidAnswers.Load(),
		Logins:         c.logins.Load(),
		Requests:       c.requests.Load(),
	}
}

// ResetStats sets every counter to zero.
func (s *Server) ResetStats() {
	for _, c := range s.stats.all() {
		c.Store(0)
	}
}
