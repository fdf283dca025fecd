// What a sticky buffer or transform lets a content hold: a hash buffer's
// hex, a transform's output.

package rulecheck

import (
	"bytes"
	"strconv"
	"strings"
)

// bufferContent is a content of a rule with the buffer it matches in ("" for
// the payload or a transformed buffer, which Suricata 7 does not check).
type bufferContent struct {
	buffer string
	value  []byte
	nocase bool
}

// contentRules are the checks Suricata 7 makes on the contents of some
// buffers (their ValidateCallback): a rule whose contents fail them does
// not load. first tells that only the buffer's first content is checked.
var contentRules = map[string]struct {
	valid func(c bufferContent) bool
	first bool
}{
	"tls.cert_fingerprint": {valid: func(c bufferContent) bool { return len(c.value) == 59 && bytes.IndexByte(c.value, ':') >= 0 }},
	"tls.cert_serial":      {valid: func(c bufferContent) bool { return len(c.value) <= 2 || bytes.IndexByte(c.value, ':') >= 0 }, first: true},
	"ja3.hash":             {valid: func(c bufferContent) bool { return len(c.value) == 32 }, first: true},
	"ja3s.hash":            {valid: func(c bufferContent) bool { return len(c.value) == 32 }, first: true},
	"ssh.hassh":            {valid: isHexHash},
	"ssh.hassh.server":     {valid: isHexHash},
	"quic.cyu.hash":        {valid: isHexHash},
	"http.host": {valid: func(c bufferContent) bool {
		return !c.nocase && !transformRefuses["to_lowercase"](c.value)
	}},
	"http.method": {valid: func(c bufferContent) bool {
		return len(c.value) == 0 || !bytes.ContainsAny(c.value[:1], " \t") && !bytes.ContainsAny(c.value[len(c.value)-1:], " \t")
	}},
}

// contentBuffers name the buffers of contentRules by their legacy names
// and the Snort 2 modifiers that move a content to them.
var contentBuffers = map[string]string{"tls_cert_serial": "tls.cert_serial",
	"http_host": "http.host", "http_method": "http.method"}

// isHexHash reports whether a content is 32 hexadecimal digits.
func isHexHash(c bufferContent) bool {
	return len(c.value) == 32 && strings.Trim(string(c.value), "0123456789abcdefABCDEF") == ""
}

// transformRefuses are the transforms that refuse a content (not negated)
// after them: one it could never match (TransformValidate).
var transformRefuses = map[string]func(b []byte) bool{
	"to_lowercase": func(b []byte) bool { return bytes.ContainsAny(b, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") },
	"to_uppercase": func(b []byte) bool { return bytes.ContainsAny(b, "abcdefghijklmnopqrstuvwxyz") },
	"strip_whitespace": func(b []byte) bool {
		return bytes.ContainsAny(b, cSpace)
	},
	"compress_whitespace": func(b []byte) bool {
		for i := 1; i < len(b); i++ {
			if strings.IndexByte(cSpace, b[i-1]) >= 0 && strings.IndexByte(cSpace, b[i]) >= 0 {
				return true
			}
		}
		return false
	},
}

// cSpace are the bytes C's isspace reports.
const cSpace = " \t\n\v\f\r"

// checkBufferContents returns why Suricata 7 would refuse a rule whose
// contents in a buffer of contentRules fail its check, or whose content
// a transform of its buffer could never match, or "".
func checkBufferContents(opts []ruleOption) string {
	var contents []*bufferContent
	buffer := ""
	var applied []string // the transforms of the current buffer
	for _, o := range opts {
		switch n := o.name; {
		case stickyBuffer(n):
			buffer, applied = n, nil
			if b, ok := contentBuffers[n]; ok {
				buffer = b
			}
		case n == "pkt_data":
			buffer, applied = "", nil
		case transforms[n]:
			buffer, applied = "", append(applied, n)
		case n == "content":
			value := contentBytes(o.value)
			for _, t := range applied {
				if refuses := transformRefuses[t]; refuses != nil && !strings.HasPrefix(o.value, "!") && refuses(value) {
					return DropOptionValue
				}
			}
			contents = append(contents, &bufferContent{buffer: buffer, value: value})
		case n == "uricontent":
			contents = append(contents, &bufferContent{})
		case len(contents) > 0 && n == "nocase":
			contents[len(contents)-1].nocase = true
		case len(contents) > 0 && contentBuffers[n] != "" && httpModifiers[n]:
			contents[len(contents)-1].buffer = contentBuffers[n]
		}
	}
	checked := map[string]bool{}
	for _, c := range contents {
		rule, ok := contentRules[c.buffer]
		if !ok || rule.first && checked[c.buffer] {
			continue
		}
		checked[c.buffer] = true
		if !rule.valid(*c) {
			return DropOptionValue
		}
	}
	return ""
}

// contentBytes returns the bytes a content value, as validContent accepts
// it, matches.
func contentBytes(value string) []byte {
	v := strings.TrimPrefix(value, "!")
	if len(v) < 2 {
		return nil
	}
	v = v[1 : len(v)-1]
	var b []byte
	inHex, digits := false, ""
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '|':
			inHex = !inHex
		case inHex && c != ' ':
			if digits += string(c); len(digits) == 2 {
				n, _ := strconv.ParseUint(digits, 16, 8)
				b, digits = append(b, byte(n)), ""
			}
		case inHex:
		case c == '\\' && i+1 < len(v):
			i++
			b = append(b, v[i])
		default:
			b = append(b, c)
		}
	}
	return b
}
