package suricata

import "strings"

// stripExtended returns a pcre regex written with the x flag as PCRE
// reads it: without the white space and the "#" comments, to the end of
// the regex, outside character classes and escapes.
func stripExtended(re string) string {
	var b strings.Builder
	for i := 0; i < len(re); i++ {
		switch c := re[i]; {
		case c == '\\':
			end := escapeEnd(re, i)
			b.WriteString(re[i : end+1])
			i = end
		case c == '[':
			end, ok := classEnd(re, i)
			if !ok {
				return b.String() + re[i:]
			}
			b.WriteString(re[i : end+1])
			i = end
		case c == '#':
			return b.String()
		case strings.IndexByte(" \t\n\r\f\v", c) < 0:
			b.WriteByte(c)
		}
	}
	return b.String()
}
