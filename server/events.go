package server

// Event is something the Server did that a metrics system may count: see Config.OnEvent.
type Event int

const (
	EventRefreshCall Event = iota + 1 // a call reached a refresh route
	EventRefreshed                    // a refresh token was spent for a new pair
	EventReused                       // a spent refresh token came back outside the grace window: its session is revoked
	EventGraced                       // a spent refresh token came back within the grace window and got its successor
	EventRelogin                      // an answer with code 10007 (log in again)
	EventExpired                      // an answer with code 50014 (access token expired)
	EventInvalid                      // an answer with code 50008 (access token missing or invalid)
	EventLogin                        // a successful login over HTTP
	EventRequest                      // a request to a protected route of Handler answered with code 0
)

var eventNames = [...]string{"", "refresh call", "refreshed", "reused", "graced", "relogin", "expired", "invalid", "login", "request"}

func (e Event) String() string {
	if e > 0 && int(e) < len(eventNames) {
		return eventNames[e]
	}
	return "unknown event"
}

// event tells Config.OnEvent, if set.
func (s *Server) event(e Event) {
	if s.cfg.OnEvent != nil {
		s.cfg.OnEvent(e)
	}
}
