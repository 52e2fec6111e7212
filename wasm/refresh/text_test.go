package refresh

import (
	"slices"
	"strings"
	"testing"
)

// TestTextHelpersMatchStrings: the small helpers give what the strings functions they
// replace give, on the inputs they meet.
func TestTextHelpersMatchStrings(t *testing.T) {
	for _, s := range []string{"", "HTTPS", "Api.Example.COM", "post", "gEt", "a-Z_0~", "é", "\x00\xff"} {
		if got, want := asciiLower(s), strings.ToLower(s); got != want && isASCII(s) {
			t.Errorf("asciiLower(%q) = %q, want %q", s, got, want)
		}
		if got, want := asciiUpper(s), strings.ToUpper(s); got != want && isASCII(s) {
			t.Errorf("asciiUpper(%q) = %q, want %q", s, got, want)
		}
	}
	if got := asciiUpper("gét"); got != "GéT" {
		t.Errorf("asciiUpper keeps non-ASCII bytes: got %q", got)
	}
	for _, tt := range []struct{ s, old, new string }{
		{"{baseURL}/refreshJwt/{refreshToken}", "{baseURL}", "https://x"},
		{"{refreshToken}{refreshToken}", "{refreshToken}", "r"},
		{"none", "{baseURL}", "x"},
		{"", "{baseURL}", "x"},
		{"{baseURL}", "{baseURL}", ""},
	} {
		if got, want := replaceAll(tt.s, tt.old, tt.new), strings.ReplaceAll(tt.s, tt.old, tt.new); got != want {
			t.Errorf("replaceAll(%q, %q, %q) = %q, want %q", tt.s, tt.old, tt.new, got, want)
		}
	}
	for _, p := range []string{"", "code", "data.token", "a..b", ".a", "a.", "."} {
		if got, want := splitPath(p), strings.Split(p, "."); !slices.Equal(got, want) {
			t.Errorf("splitPath(%q) = %q, want %q", p, got, want)
		}
	}
	for _, s := range []string{"", "/", "//", "https://x/", "https://x", "0080", "000", "8"} {
		if got, want := trimRightByte(s, '/'), strings.TrimRight(s, "/"); got != want {
			t.Errorf("trimRightByte(%q) = %q, want %q", s, got, want)
		}
		if got, want := trimLeftByte(s, '0'), strings.TrimLeft(s, "0"); got != want {
			t.Errorf("trimLeftByte(%q) = %q, want %q", s, got, want)
		}
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
