package server

import (
	"context"
	"sync"
	"time"
)

// NewMemoryStore returns a Store in this process's memory, the default of Config.Store.
// Servers of one process may share it; instances in several processes need a shared
// store (package redisstore).
func NewMemoryStore() Store {
	return &memoryStore{families: make(map[string]*memoryFamily), sweepAt: minSweep}
}

// memoryStore is the Store of NewMemoryStore.
type memoryStore struct {
	mu       sync.Mutex
	families map[string]*memoryFamily // by family ID; guarded by mu
	sweepAt  int                      // len(families) that triggers the next sweep; guarded by mu
}

// memoryFamily is one family: a chain of refresh tokens of which only the newest is live.
type memoryFamily struct {
	live    Token
	spent   string    // jti of the token spent last, the one live was issued for
	spentAt time.Time // when
}

const minSweep = 1024

func (m *memoryStore) Issue(_ context.Context, family string, first Token) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.families) >= m.sweepAt {
		m.sweep(first.IssuedAt)
	}
	m.families[family] = &memoryFamily{live: first}
	return nil
}

// sweep forgets the families whose live token expired: the expiry alone already makes
// them Dead. Sweeping only when the map has doubled keeps Issue amortised O(1). The
// caller holds mu.
func (m *memoryStore) sweep(now time.Time) {
	for id, f := range m.families {
		if !now.Before(f.live.ExpiresAt) {
			delete(m.families, id)
		}
	}
	m.sweepAt = max(2*len(m.families), minSweep)
}

func (m *memoryStore) Redeem(_ context.Context, family, jti string, next Token, now time.Time, grace time.Duration) (Redemption, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	f := m.families[family]
	if f == nil {
		return Redemption{Result: Dead}, nil
	}
	if !now.Before(f.live.ExpiresAt) {
		delete(m.families, family)
		return Redemption{Result: Dead}, nil
	}
	switch jti {
	case f.live.ID:
		f.live, f.spent, f.spentAt = next, jti, now
		return Redemption{Result: Redeemed, Successor: next}, nil
	case f.spent:
		if f.live.ID == next.ID {
			return Redemption{Result: Redeemed, Successor: next}, nil // the same call again
		}
		if now.Sub(f.spentAt) < grace {
			return Redemption{Result: Graced, Successor: f.live}, nil
		}
	}
	delete(m.families, family)
	return Redemption{Result: Reused}, nil
}

func (m *memoryStore) Revoke(_ context.Context, family string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.families, family)
	return nil
}

func (m *memoryStore) RevokeAll(context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	clear(m.families)
	m.sweepAt = minSweep
	return nil
}
