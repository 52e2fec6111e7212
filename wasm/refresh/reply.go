package refresh

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Reply is what one attempt got back: the HTTP status and, for JSON replies, the body's
// business code. Value is whatever the attempt wants handed back to its caller (in the
// browser, the untouched Response); the engine never looks at it.
type Reply struct {
	Status  int
	Code    int
	HasCode bool
	Value   any
}

// Verdict is what a reply means to the session.
type Verdict int

const (
	PassThrough Verdict = iota // anything that is not about the access token, errors included: hand it to the caller
	Expired                    // the access token was refused as expired: Renew, then replay
)

// Judge classifies a reply by the expiredCodes and expiredStatuses options and reports an
// expired one as an event. It never blocks.
func (c *Client) Judge(label string, r Reply) Verdict {
	if !(r.HasCode && slices.Contains(c.cfg.expiredCodes, r.Code)) && !slices.Contains(c.cfg.expiredStatuses, r.Status) {
		return PassThrough
	}
	c.emit(Event{Kind: EventExpired, Label: label, Status: r.Status, Code: r.Code})
	return Expired
}

// NeedsBodyCode reports whether replies' body codes matter at all. When no body code means
// "expired" (a plain 401 backend), the bridge need not read any body.
func (c *Client) NeedsBodyCode() bool { return len(c.cfg.expiredCodes) > 0 }

// MaxCodeBody is the largest reply body the bridge reads to find its code. An "expired"
// reply is a few dozen bytes; a reply announcing a larger body is passed through unread.
const MaxCodeBody = 64 << 10

// BodyCode reads the business code (at the codePath option, default "code") from a JSON
// reply body. It accepts a JSON number with an integer value or a string holding one, the
// way the seed's Number(res.code) does, and reports false for anything else.
func (c *Client) BodyCode(body []byte) (int, bool) {
	raw, ok := lookupJSON(body, c.cfg.codePath)
	if !ok {
		return 0, false
	}
	return parseCode(raw)
}

// lookupJSON returns the raw value at path (keys of nested objects) in a JSON document.
func lookupJSON(doc []byte, path []string) (json.RawMessage, bool) {
	raw := json.RawMessage(doc)
	for _, key := range path {
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
			return nil, false
		}
		next, ok := obj[key]
		if !ok {
			return nil, false
		}
		raw = next
	}
	return raw, true
}

// ParseCode reads a business code the way BodyCode does, from the text of a JSON number or
// the content of a JSON string: an integer, or false.
func ParseCode(text string) (int, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(text), 64)
	if err != nil {
		return 0, false
	}
	return CodeOf(f)
}

// CodeOf is the business code a JSON number stands for: an integer within int32, or false.
func CodeOf(f float64) (int, bool) {
	if f != math.Trunc(f) || math.Abs(f) > math.MaxInt32 {
		return 0, false
	}
	return int(f), true
}

func parseCode(raw json.RawMessage) (int, bool) {
	text := strings.TrimSpace(string(raw))
	if text == "" {
		return 0, false
	}
	if text[0] == '"' {
		if err := json.Unmarshal([]byte(text), &text); err != nil {
			return 0, false
		}
	}
	return ParseCode(text)
}

// lookupString returns the non-empty JSON string at path.
func lookupString(doc []byte, path []string) (string, bool) {
	raw, ok := lookupJSON(doc, path)
	if !ok {
		return "", false
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil || s == "" {
		return "", false
	}
	return s, true
}
