package refresh

import "strings"

// ResolveURL joins a request URL to baseURL the way axios does: an absolute URL is kept,
// a relative one is appended to baseURL with exactly one slash between them, so baseURL
// "/api" and "/user/info" give "/api/user/info". The result may still be relative to the
// page; fetch resolves it.
func (c *Client) ResolveURL(input string) string {
	base := c.cfg.baseURL
	if base == "" || isAbsoluteURL(input) {
		return input
	}
	if input == "" {
		return base
	}
	base = strings.TrimSuffix(strings.TrimSuffix(base, "/"), "/")
	return base + "/" + strings.TrimLeft(input, "/")
}

// isAbsoluteURL reports what axios treats as absolute, a scheme followed by "//" or a
// protocol-relative "//host", plus data: and blob: URLs, which have no "//".
func isAbsoluteURL(s string) bool {
	lower := strings.ToLower(s)
	if strings.HasPrefix(lower, "data:") || strings.HasPrefix(lower, "blob:") {
		return true
	}
	i := 0
	for i < len(s) && isSchemeChar(s[i], i == 0) {
		i++
	}
	if i > 0 && i < len(s) && s[i] == ':' {
		i++
	} else {
		i = 0 // no scheme: only "//" can make it absolute
	}
	return strings.HasPrefix(s[i:], "//")
}

func isSchemeChar(ch byte, first bool) bool {
	letter := ch|0x20 >= 'a' && ch|0x20 <= 'z'
	if first {
		return letter
	}
	return letter || ch >= '0' && ch <= '9' || ch == '+' || ch == '-' || ch == '.'
}
