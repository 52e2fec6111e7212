package refresh

import (
	"fmt"
	"strings"
)

// NormalizeOrigin checks that s is an origin (http or https, a host, an optional port and
// nothing else) and returns it as browsers serialise origins: lower case, default port
// dropped. It parses by hand: net/url would add some 40 KB to the wasm for this alone.
func NormalizeOrigin(s string) (string, error) {
	bad := notOrigin(s)
	scheme, rest, ok := strings.Cut(s, "://")
	scheme = asciiLower(scheme)
	if !ok || (scheme != "http" && scheme != "https") {
		return "", bad.err()
	}
	rest = strings.TrimSuffix(rest, "/")
	host, port := rest, ""
	if strings.HasPrefix(rest, "[") { // an IPv6 literal
		end := strings.IndexByte(rest, ']')
		if end < 0 || !allIn(rest[1:end], "0123456789abcdefABCDEF:.") || !strings.Contains(rest[1:end], ":") {
			return "", bad.err()
		}
		host = rest[:end+1]
		if after := rest[end+1:]; after != "" {
			if after[0] != ':' {
				return "", bad.err()
			}
			port = after[1:]
		}
	} else {
		if i := strings.LastIndexByte(rest, ':'); i >= 0 {
			host, port = rest[:i], rest[i+1:]
		}
		if !allIn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~") {
			return "", bad.err()
		}
	}
	port = trimLeftByte(port, '0')
	if host == "" || host == "[]" || !allIn(port, "0123456789") || len(port) > 5 || (len(port) == 5 && port > "65535") {
		return "", bad.err()
	}
	if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
		port = ""
	}
	origin := scheme + "://" + asciiLower(host)
	if port != "" {
		origin += ":" + port
	}
	return origin, nil
}

// urlOrigin is the normalised origin of u when it is an absolute URL; a relative one
// (resolved by the page) has none. An absolute URL that is no origin at all yields an
// origin no set holds.
func urlOrigin(u string) (string, bool) {
	scheme, rest, found := strings.Cut(u, "://")
	if !found || !allIn(scheme, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") {
		return "", false
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	origin, err := NormalizeOrigin(scheme + "://" + rest)
	if err != nil {
		return "invalid", true
	}
	return origin, true
}

// notOrigin is the error for a string that is not an origin, made only when returned:
// formatting it costs more than checking an origin.
type notOrigin string

func (s notOrigin) err() error {
	return fmt.Errorf("%q is not an origin such as \"https://api.example.com\"", string(s))
}

// allIn reports whether every byte of s is one of set.
func allIn(s, set string) bool {
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(set, s[i]) < 0 {
			return false
		}
	}
	return true
}

// pathEscape escapes s for one path segment, as url.PathEscape does: unreserved bytes and
// $&+:=@ stay, everything else becomes %XX.
func pathEscape(s string) string {
	return escape(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~$&+:=@")
}

// formEscape escapes s as a value of an application/x-www-form-urlencoded body: everything
// but unreserved characters is percent-encoded (a space too, which is also valid there).
func formEscape(s string) string {
	return escape(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~")
}

// escape percent-encodes every byte of s that keep does not hold. (By hand: net/url costs
// the wasm some KB.)
func escape(s, keep string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; strings.IndexByte(keep, c) >= 0 {
			b.WriteByte(c)
		} else {
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}
