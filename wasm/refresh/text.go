package refresh

import "strings"

// Small string helpers for the cases met here: ASCII text and one-byte separators. The
// strings package's general functions (ToLower, ToUpper, ReplaceAll, Split, TrimLeft,
// TrimRight) each bring Unicode case tables or generic search paths into the wasm, some
// 25 KB in all, for work that needs none of it.

// asciiLower is strings.ToLower for ASCII; other bytes are kept as they are.
func asciiLower(s string) string { return shiftCase(s, 'A', 'Z', 'a'-'A') }

// asciiUpper is strings.ToUpper for ASCII; other bytes are kept as they are.
func asciiUpper(s string) string { return shiftCase(s, 'a', 'z', 'A'-'a') }

// shiftCase adds delta to every byte of s in [lo, hi].
func shiftCase(s string, lo, hi byte, delta int) string {
	b := []byte(s)
	for i, c := range b {
		if lo <= c && c <= hi {
			b[i] = byte(int(c) + delta)
		}
	}
	return string(b)
}

// replaceAll is strings.ReplaceAll for a non-empty old.
func replaceAll(s, old, new string) string {
	var b strings.Builder
	for {
		before, after, found := strings.Cut(s, old)
		b.WriteString(before)
		if !found {
			return b.String()
		}
		b.WriteString(new)
		s = after
	}
}

// splitPath turns "data.token" into its keys, as strings.Split(p, ".") does ("" is one
// empty key).
func splitPath(p string) []string {
	var keys []string
	for {
		key, rest, found := strings.Cut(p, ".")
		keys = append(keys, key)
		if !found {
			return keys
		}
		p = rest
	}
}

// trimRightByte is strings.TrimRight(s, string(c)).
func trimRightByte(s string, c byte) string {
	for len(s) > 0 && s[len(s)-1] == c {
		s = s[:len(s)-1]
	}
	return s
}

// trimLeftByte is strings.TrimLeft(s, string(c)).
func trimLeftByte(s string, c byte) string {
	for len(s) > 0 && s[0] == c {
		s = s[1:]
	}
	return s
}
