//go:build js && wasm

package bridge

import (
	"encoding/json"
	"sync"

	"github.com/authfetch/authfetch/wasm/refresh"
	"github.com/hack-pad/safejs"
)

// localStore keeps the token pair in localStorage as one JSON entry, so that every tab of
// the origin shares it and no reader sees half a pair. Where localStorage is unavailable or
// throws (private mode, quota, SecurityError) it keeps the pair in memory from then on and
// says so once on the console.
type localStore struct {
	key  string
	warn func(string)

	mu       sync.Mutex
	storage  safejs.Value        // guarded by mu: localStorage, undefined once given up
	left     safejs.Value        // guarded by mu: localStorage when a write to it failed, so Clear can still remove the entry
	memory   refresh.MemoryStore // used once storage is given up
	cachedJS safejs.Value        // guarded by mu: the entry last parsed, and its pair
	cached   refresh.Tokens
}

func newLocalStore(key string, warn func(string)) *localStore {
	s := &localStore{key: key, warn: warn, storage: safejs.Undefined(), left: safejs.Undefined(), cachedJS: safejs.Undefined()}
	if ls, err := openLocalStorage(); ls.IsUndefined() {
		s.giveUp(err)
	} else {
		s.storage = ls
	}
	return s
}

// openLocalStorage returns window.localStorage, or undefined with the error its getter
// threw (it throws where storage is blocked), or with nil where there is none.
func openLocalStorage() (safejs.Value, error) {
	ls, err := untrustedGet(global, "localStorage")
	if err != nil || ls.Type() != safejs.TypeObject {
		return safejs.Undefined(), err
	}
	return ls, nil
}

// giveUp switches to memory for good. c.mu must be held or s not yet shared.
func (s *localStore) giveUp(cause error) {
	s.storage = safejs.Undefined()
	msg := "authfetch: localStorage is unavailable; tokens are kept in memory only and are lost on reload"
	if cause != nil {
		msg += " (" + cause.Error() + ")"
	}
	s.warn(msg)
}

func (s *localStore) Load() (refresh.Tokens, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.storage.IsUndefined() {
		return s.memory.Load()
	}
	v, err := s.storage.Call("getItem", s.key)
	if err != nil {
		s.giveUp(fromJS(err))
		return s.memory.Load()
	}
	if v.Type() != safejs.TypeString {
		return refresh.Tokens{}, nil
	}
	// Read on every request: compare in JavaScript (===) and copy the entry into Go only
	// when it changed.
	if !v.Equal(s.cachedJS) {
		raw, _ := v.String()
		var t refresh.Tokens
		if json.Unmarshal([]byte(raw), &t) != nil {
			t = refresh.Tokens{} // not ours, or damaged: no session
		}
		s.cachedJS, s.cached = v, t
	}
	return s.cached, nil
}

func (s *localStore) Save(t refresh.Tokens) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.storage.IsUndefined() {
		raw, err := json.Marshal(t)
		if err != nil {
			return err
		}
		if _, err := s.storage.Call("setItem", s.key, string(raw)); err == nil {
			return nil
		} else {
			s.left = s.storage // the entry written before is still there
			s.giveUp(fromJS(err))
		}
	}
	return s.memory.Save(t)
}

func (s *localStore) Clear() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.storage.IsUndefined() {
		if _, err := s.storage.Call("removeItem", s.key); err != nil {
			s.giveUp(fromJS(err))
		}
	}
	if !s.left.IsUndefined() { // in memory since a write failed: the old entry must go too
		_, _ = s.left.Call("removeItem", s.key)
	}
	return s.memory.Clear()
}
