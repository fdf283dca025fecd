// urilen values and the URI contents they bound.

package rulecheck

import "regexp"

// The forms detect_parse_uint_notending tries in turn at the start of a
// urilen value: a range, "[=]n[unit]", an operator and n. The first that
// reads a valid comparison is taken; what follows it is not read.
var urilenPrefixes = []*regexp.Regexp{
	regexp.MustCompile(`^ *\d+ *(?:-|<>) *\d+`),
	regexp.MustCompile(`^ *=? *\d+(?i:[kmg]b)?`),
	regexp.MustCompile(`^ *(?:>=|<=|>|<|!=|!) *\d+`),
}

// urilenBufferRE reads the ",norm" (the default) or ",raw" after the
// comparison.
var urilenBufferRE = regexp.MustCompile(`^ *, *(raw|norm)`)

// parseURILen reads a urilen value as Suricata 7 does
// (rust/src/detect/uri.rs): an integer comparison of 16 bits at its
// start, then perhaps ",norm" or ",raw", the rest ignored. So "33<>34",
// a range with no number between its ends, is "33", and ",RAW" is the
// default buffer.
func parseURILen(v string) (c uintCmp, raw, ok bool) {
	for _, re := range urilenPrefixes {
		prefix := re.FindString(v)
		if c, ok = parseUint(prefix, 65535); prefix != "" && ok {
			m := urilenBufferRE.FindStringSubmatch(v[len(prefix):])
			return c, m != nil && m[1] == "raw", true
		}
	}
	return uintCmp{}, false, false
}

// urilenFits reports whether every content of the URI buffer a urilen
// value v names (http.uri, http_uri and uricontent; http.uri.raw and
// http_raw_uri with ",raw") fits the length Suricata 7 makes its depth:
// n for "n" and "<=n", n+1 for "<n", b+1 for a range "a-b", none when
// that is 65535 or more. Suricata refuses a longer content. A content
// after a transform is in a buffer of its own, which urilen leaves.
func urilenFits(opts []ruleOption, v string) bool {
	c, raw, _ := parseURILen(v)
	var high uint64
	switch c.op {
	case "=", "<=":
		high = c.a
	case "<":
		high = c.a + 1
	case "-":
		high = c.b + 1
	default:
		return true
	}
	if high >= 65535 {
		return true
	}
	sticky, modifier := "http.uri", "http_uri"
	if raw {
		sticky, modifier = "http.uri.raw", "http_raw_uri"
	}
	type match struct {
		length int
		list   string
	}
	var (
		contents []match
		buffer   string
	)
	for _, o := range opts {
		switch {
		case stickyBuffer(o.name):
			buffer = o.name
		case transforms[o.name]:
			buffer = ""
		case o.name == "pkt_data":
			buffer = ""
		case o.name == "content":
			contents = append(contents, match{contentLength(o.value), buffer})
		case o.name == "uricontent":
			contents = append(contents, match{contentLength(o.value), "http_uri"})
		case httpModifiers[o.name] && len(contents) > 0:
			contents[len(contents)-1].list = o.name
		}
	}
	for _, m := range contents {
		if (m.list == sticky || m.list == modifier) && uint64(m.length) > high {
			return false
		}
	}
	return true
}
