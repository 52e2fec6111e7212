package main

// Scenario: Go↔JS crossings per request.

// crossings is what the page counted per authenticated request on the happy path.
type crossings struct {
	Entries float64 `json:"entries"` // calls into Go
	Calls   float64 `json:"calls"`   // calls from Go to JavaScript functions
	Imports float64 `json:"imports"` // every syscall/js import Go called
}

// measureCrossings opens authfetch in a page that counts its Go↔JS crossings (?count, see
// web/harness.js), warms it up and counts over n sequential requests.
func measureCrossings(b *browser, f *files, n int) (crossings, error) {
	s, err := newSite(f)
	if err != nil {
		return crossings{}, err
	}
	defer s.Close()
	t, err := b.open(s)
	if err != nil {
		return crossings{}, err
	}
	defer t.Close()
	if err := t.navigate(s.url + "/?count"); err != nil {
		return crossings{}, err
	}
	a := alt{"authfetch", "authfetch"}
	pair, err := newPair(s)
	if err != nil {
		return crossings{}, err
	}
	if _, err := call[initResult](t, shortTimeout, "init", a.key, a.options(nil), pair); err != nil {
		return crossings{}, err
	}
	if err := warm(t, a, 100, 10); err != nil {
		return crossings{}, err
	}
	return call[crossings](t, stepTimeout, "crossings", n)
}
