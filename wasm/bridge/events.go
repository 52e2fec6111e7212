//go:build js && wasm

package bridge

import "github.com/authfetch/authfetch/wasm/refresh"

// observe hands the engine's events to the loader, which dispatches them to the app. The
// request-level ones (send, wait, expired, newer) cost a crossing each and go only when wanted.
func (c *client) observe(e refresh.Event) {
	switch e.Kind {
	case refresh.EventSend, refresh.EventWait, refresh.EventExpired, refresh.EventNewer:
		if !c.verbose.Load() {
			return
		}
	}
	ev := map[string]any{"type": string(e.Kind), "time": now()}
	if e.Label != "" {
		ev["label"] = e.Label
	}
	if e.Replay {
		ev["replay"] = true
	}
	if e.Ends {
		ev["ends"] = true
	}
	if e.Status != 0 {
		ev["status"] = e.Status
	}
	if e.Kind == refresh.EventExpired || e.Code != 0 {
		ev["code"] = e.Code
	}
	if !e.ExpiresAt.IsZero() {
		ev["expiresAt"] = e.ExpiresAt.UnixMilli()
	} else if e.Kind == refresh.EventRefreshed || e.Kind == refresh.EventAdopted {
		ev["expiresAt"] = nil
	}
	if e.Err != nil {
		ev["message"] = e.Err.Error()
	}
	_, _ = c.hooks.Call("emit", ev)
}
