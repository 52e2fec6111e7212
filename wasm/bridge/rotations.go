//go:build js && wasm

package bridge

import (
	"context"
	"encoding/json"
	"strconv"

	"github.com/authfetch/authfetch/wasm/refresh"
	"github.com/hack-pad/safejs"
)

// sharedStore is the store of a client: the pair in localStorage, and the rotation log
// that the loader keeps in IndexedDB (hooks.rotations).
//
// Why both: localStorage is not consistent across tabs. Chromium hands a write to the
// other tabs' processes asynchronously, so a tab granted the refresh lock right after
// another tab refreshed can still read the spent pair, and would present its spent
// refresh token again (TestStaleStorageUnderTheLock). IndexedDB is consistent: its
// transactions are ordered in the browser process, and the refreshing tab's write has
// committed before it releases the lock. The engine asks the log (refresh.RotationLog)
// only under the lock, from the refresh's goroutine, where waiting is allowed.
type sharedStore struct {
	*localStore
	hooks safejs.Value
}

// Rotated implements refresh.RotationLog.
func (s sharedStore) Rotated(_ context.Context, from string, to refresh.Tokens) error {
	raw, err := json.Marshal(to)
	if err != nil {
		return err
	}
	_, err = callAwait(s.hooks, "rotations", "put", s.key, tokenHash(from), tokenHash(to.AccessToken), string(raw))
	return err
}

// Successor implements refresh.RotationLog.
func (s sharedStore) Successor(_ context.Context, from string) (refresh.Tokens, bool, error) {
	v, err := callAwait(s.hooks, "rotations", "get", s.key, tokenHash(from))
	if err != nil || v.Type() != safejs.TypeString {
		return refresh.Tokens{}, false, err
	}
	raw, _ := v.String()
	var t refresh.Tokens
	if err := json.Unmarshal([]byte(raw), &t); err != nil {
		return refresh.Tokens{}, false, err
	}
	return t, !t.IsZero(), nil
}

// Clear ends the session and forgets its rotations, so no token outlives a logout in
// IndexedDB. Forgetting is not waited for: Clear runs inside a JavaScript call.
func (s sharedStore) Clear() error {
	_, _ = s.hooks.Call("rotations", "clear", s.key)
	return s.localStore.Clear()
}

// tokenHash names a token in the log without storing it: FNV-1a, 64 bits.
func tokenHash(token string) string {
	h := uint64(14695981039346656037)
	for i := 0; i < len(token); i++ {
		h ^= uint64(token[i])
		h *= 1099511628211
	}
	return strconv.FormatUint(h, 36)
}
