package main

import (
	"fmt"
	"os"
)

// Scenario: memory.

type memory struct {
	points map[string][]memResult // after warm-up, then after every n more requests
}

func measureMemory(b *browser, f *files, alts []alt, n, width, points int) (*memory, error) {
	m := &memory{points: map[string][]memResult{}}
	for _, a := range alts {
		err := func() error {
			s, err := newSite(f)
			if err != nil {
				return err
			}
			defer s.Close()
			t, err := prepare(b, s, a)
			if err != nil {
				return err
			}
			defer t.Close()
			if err := warm(t, a, 1000, width); err != nil {
				return err
			}
			for i := range points {
				if i > 0 {
					r, err := call[runResult](t, stepTimeout, "par", n, width)
					if err != nil {
						return err
					}
					if r.Failed > 0 {
						fmt.Fprintf(os.Stderr, "bench: memory, %s: %d requests failed (%s)\n", a.key, r.Failed, r.FirstError)
					}
				}
				p, err := call[memResult](t, shortTimeout, "memory")
				if err != nil {
					return err
				}
				m.points[a.key] = append(m.points[a.key], p)
			}
			return nil
		}()
		if err != nil {
			return nil, fmt.Errorf("memory of %s: %w", a.key, err)
		}
	}
	return m, nil
}
