package admin

import "sync"

// gates hold requests of /api/hold until a test releases them, so browser tests can
// order events (this reply arrives after that refresh) without sleeping.
type gates struct {
	mu      sync.Mutex
	byID    map[string]chan struct{} // closed when released; guarded by mu
	waiting map[string]int           // requests inside wait, by gate; guarded by mu
}

// maxGates bounds the gates remembered: past it, released gates nobody waits at are
// forgotten (a later request of that name waits again), so names a client invents cannot
// grow the map without bound. Held gates are never forgotten.
const maxGates = 1024

// channelLocked returns the gate's channel, creating the gate (holding) if new. The
// caller holds mu.
func (g *gates) channelLocked(name string) chan struct{} {
	if g.byID == nil {
		g.byID = make(map[string]chan struct{})
	}
	ch := g.byID[name]
	if ch == nil {
		if len(g.byID) >= maxGates {
			g.forgetReleasedLocked()
		}
		ch = make(chan struct{})
		g.byID[name] = ch
	}
	return ch
}

// forgetReleasedLocked drops the released gates that no request waits at. The caller
// holds mu.
func (g *gates) forgetReleasedLocked() {
	for name, ch := range g.byID {
		select {
		case <-ch:
			if g.waiting[name] == 0 {
				delete(g.byID, name)
			}
		default:
		}
	}
}

// release lets the current and all future waiters of the gate through. Idempotent.
func (g *gates) release(name string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	closeOnce(g.channelLocked(name))
}

// reset releases every waiter and forgets all gates, so the next waiter of any name
// waits again.
func (g *gates) reset() {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, ch := range g.byID {
		closeOnce(ch)
	}
	g.byID = nil
}

// closeOnce closes ch unless it is closed; the caller holds mu, so no one else closes it
// meanwhile.
func closeOnce(ch chan struct{}) {
	select {
	case <-ch:
	default:
		close(ch)
	}
}

// enter returns the gate's channel and counts the caller as waiting until leave.
func (g *gates) enter(name string) chan struct{} {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.waiting == nil {
		g.waiting = make(map[string]int)
	}
	g.waiting[name]++
	return g.channelLocked(name)
}

func (g *gates) leave(name string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.waiting[name]--; g.waiting[name] <= 0 {
		delete(g.waiting, name)
	}
}
