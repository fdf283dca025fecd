package indicator

import "strings"

// browserPathQuery returns the path and query of a special URL (tail: what
// follows its authority, its '\' already '/') as a browser requests them,
// by the WHATWG URL standard's path and query states: the dot segments of
// the path resolved ("/a/./b", "/a/../b" and "/a/%2E%2e/b" are "/b"; ".."
// above the root stays at the root; a last "." or ".." leaves a trailing
// '/'), and the bytes a browser percent-encodes written %XX, upper-case
// hex (pathEscaped in the path, queryEscaped in the query), non-ASCII as
// its UTF-8 bytes. A '%' is left as it is, and so are its escapes. An
// empty path stays empty. file is whether the scheme is file, whose
// Windows drive letter ("/C:") a ".." does not remove.
func browserPathQuery(tail string, file bool) string {
	q := strings.IndexByte(tail, '?')
	if q < 0 {
		q = len(tail)
	}
	path, query := tail[:q], tail[q:]
	if path != "" {
		path = resolveDotSegments(percentEncode(path, &pathEscapes), file)
	}
	return path + percentEncode(query, &queryEscapes)
}

// resolveDotSegments returns path, which starts with '/', with its "."
// and ".." segments resolved as the WHATWG URL path state resolves them.
func resolveDotSegments(path string, file bool) string {
	// Each segment follows a '/', and a dot segment starts with '.' or "%2".
	if !strings.Contains(path, "/.") && !strings.Contains(path, "/%2") {
		return path
	}
	segs := strings.Split(path[1:], "/")
	out := make([]string, 0, len(segs))
	for i, seg := range segs {
		last := i == len(segs)-1
		switch {
		case doubleDotSegment(seg):
			if len(out) > 0 && !(file && len(out) == 1 && driveLetter(out[0])) {
				out = out[:len(out)-1]
			}
			if last {
				out = append(out, "")
			}
		case singleDotSegment(seg):
			if last {
				out = append(out, "")
			}
		default:
			out = append(out, seg)
		}
	}
	return "/" + strings.Join(out, "/")
}

// singleDotSegment reports whether seg is "." or "%2e", in any case.
func singleDotSegment(seg string) bool {
	return seg == "." || strings.EqualFold(seg, "%2e")
}

// doubleDotSegment reports whether seg is "..", ".%2e", "%2e." or
// "%2e%2e", in any case.
func doubleDotSegment(seg string) bool {
	switch len(seg) {
	case 2:
		return seg == ".."
	case 4:
		return strings.EqualFold(seg, ".%2e") || strings.EqualFold(seg, "%2e.")
	case 6:
		return strings.EqualFold(seg, "%2e%2e")
	}
	return false
}

// driveLetter reports whether seg is a normalised Windows drive letter,
// an ASCII letter and ':'.
func driveLetter(seg string) bool {
	return len(seg) == 2 && isLetter(seg[0]) && seg[1] == ':'
}

// pathEscaped reports whether a browser percent-encodes c in the path of
// a URL: the WHATWG path percent-encode set (C0 controls, space, '"', '#',
// '<', '>', '?', '^', '`', '{', '}', DEL and above), as bytes.
func pathEscaped(c byte) bool {
	switch c {
	case '^', '`', '{', '}', '?':
		return true
	}
	return c != '\'' && queryEscaped(c)
}

// queryEscaped reports whether a browser percent-encodes c in the query
// of a special URL: the WHATWG special-query percent-encode set (C0
// controls, space, '"', '#', single quote, '<', '>', DEL and above),
// as bytes.
func queryEscaped(c byte) bool {
	switch c {
	case ' ', '"', '#', '\'', '<', '>':
		return true
	}
	return c < ' ' || c >= 0x7f
}

// pathEscapes and queryEscapes are pathEscaped and queryEscaped as tables.
var pathEscapes, queryEscapes = byteSet(pathEscaped), byteSet(queryEscaped)

func byteSet(in func(byte) bool) (set [256]bool) {
	for c := range set {
		set[c] = in(byte(c))
	}
	return set
}

// percentEncode returns s with each byte in escaped written %XX.
func percentEncode(s string, escaped *[256]bool) string {
	n := 0
	for i := 0; i < len(s); i++ {
		if escaped[s[i]] {
			n++
		}
	}
	if n == 0 {
		return s
	}
	const hex = "0123456789ABCDEF"
	b := make([]byte, 0, len(s)+2*n)
	for i := 0; i < len(s); i++ {
		if c := s[i]; escaped[c] {
			b = append(b, '%', hex[c>>4], hex[c&15])
		} else {
			b = append(b, c)
		}
	}
	return string(b)
}
