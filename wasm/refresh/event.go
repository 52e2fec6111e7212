package refresh

import "time"

// EventKind names a step of the engine. The names are what the JavaScript side sees.
//
// Every refresh that starts (EventRefresh) ends with exactly one of EventRefreshed,
// EventAdopted, EventRefreshFailed, EventRelogin or EventSessionEnded, whatever happens,
// a panic included; those events have Ends set.
type EventKind string

const (
	EventSend          EventKind = "send"           // an attempt goes out (Replay says whether it is the replay)
	EventExpired       EventKind = "expired"        // a reply said the access token expired
	EventWait          EventKind = "wait"           // a request waits for a refresh in flight
	EventRefresh       EventKind = "refresh"        // a refresh starts
	EventRefreshed     EventKind = "refreshed"      // new tokens were saved
	EventAdopted       EventKind = "adopted"        // the refresh found the pair renewed by another client (tab) already: no call made
	EventNewer         EventKind = "newer"          // a reply to an older token than the stored one: the request is replayed with the stored pair, no refresh
	EventRefreshFailed EventKind = "refresh-failed" // the refresh could not complete; tokens kept
	EventRelogin       EventKind = "relogin"        // the session is lost; once per lost session
	EventSessionEnded  EventKind = "session-ended"  // the refresh found the session over: logged out, or its loss already reported
)

// Event tells an observer what the engine did. It never carries a token.
type Event struct {
	Kind      EventKind
	Label     string    // the request's label, for request events
	Replay    bool      // EventSend: this is the replay
	Ends      bool      // this event ends the refresh that EventRefresh started
	Status    int       // EventExpired, EventRelogin, EventRefreshFailed: the HTTP status, when there was one
	Code      int       // the body code, when there was one
	ExpiresAt time.Time // EventRefreshed, EventAdopted: the new access token's exp (server time), zero when unknown
	Err       error     // EventRefreshFailed, EventRelogin, EventSessionEnded: why
}

// emit tells the observer, if any. Not inlined: it is called from ten places.
//
//go:noinline
func (c *Client) emit(e Event) {
	if c.cfg.observer != nil {
		c.cfg.observer(e)
	}
}
