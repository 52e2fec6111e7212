package refresh

// EventKind names a step of the engine. The names are what the JavaScript side sees.
type EventKind string

const (
	EventSend          EventKind = "send"           // an attempt goes out (Replay says whether it is the replay)
	EventExpired       EventKind = "expired"        // a reply said the access token expired
	EventWait          EventKind = "wait"           // a request waits for a refresh in flight
	EventRefresh       EventKind = "refresh"        // a refresh call starts
	EventRefreshed     EventKind = "refreshed"      // new tokens were saved
	EventAdopted       EventKind = "adopted"        // a newer pair was found in the store (another tab refreshed), no call made
	EventRefreshFailed EventKind = "refresh-failed" // the refresh could not complete; tokens kept
	EventRelogin       EventKind = "relogin"        // the session is lost; once per lost session
)

// Event tells an observer what the engine did. It never carries a token.
type Event struct {
	Kind   EventKind
	Label  string // the request's label, for request events
	Replay bool   // EventSend: this is the replay
	Status int    // EventExpired, EventRelogin, EventRefreshFailed: the HTTP status, when there was one
	Code   int    // the body code, when there was one
	Err    error  // EventRefreshFailed, EventRelogin: why
}

func (c *Client) emit(e Event) {
	if c.cfg.observer != nil {
		c.cfg.observer(e)
	}
}
