package suricata

// appendContent appends s as the body of a content:"…" value: every byte
// outside 0x21–0x7E and the bytes " ; : | \ and space are written as hex
// between pipes, consecutive ones sharing one pair of pipes ("|20 3A|").
func appendContent(b []byte, s string) []byte {
	clean := 0
	for clean < len(s) && !needsHex(s[clean]) {
		clean++
	}
	b = append(b, s[:clean]...)
	s = s[clean:]
	inHex := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if needsHex(c) {
			if inHex {
				b = append(b, ' ')
			} else {
				b = append(b, '|')
				inHex = true
			}
			b = append(b, hexDigits[c>>4], hexDigits[c&0xf])
			continue
		}
		if inHex {
			b = append(b, '|')
			inHex = false
		}
		b = append(b, c)
	}
	if inHex {
		b = append(b, '|')
	}
	return b
}

const hexDigits = "0123456789ABCDEF"

func needsHex(c byte) bool {
	if c < 0x21 || c > 0x7e {
		return true
	}
	switch c {
	case '"', ';', ':', '|', '\\':
		return true
	}
	return false
}

// appendPCRELiteral appends s as a pcre pattern that matches s literally:
// ASCII letters, digits, '@', '_' and '-' as they are, '.' as "\.", and
// every other byte as \xHH, so that no quote, semicolon, slash or
// backslash reaches the rule and no byte is a metacharacter.
func appendPCRELiteral(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '@', c == '_', c == '-':
			b = append(b, c)
		case c == '.':
			b = append(b, '\\', '.')
		default:
			b = append(b, '\\', 'x', hexDigits[c>>4], hexDigits[c&0xf])
		}
	}
	return b
}

// maxMsgValue caps the indicator text quoted in a msg option.
const maxMsgValue = 200

// appendMsg appends s to a msg:"…" value: backslash, semicolon and double
// quote are escaped with a backslash, bytes outside printable ASCII become
// '?', and text beyond maxMsgValue bytes is cut and marked with "...".
func appendMsg(b []byte, s string) []byte {
	cut := false
	if len(s) > maxMsgValue {
		s, cut = s[:maxMsgValue], true
	}
	clean := 0
	for clean < len(s) && s[clean] >= 0x20 && s[clean] <= 0x7e && s[clean] != '\\' && s[clean] != ';' && s[clean] != '"' {
		clean++
	}
	b = append(b, s[:clean]...)
	for i := clean; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' || c == ';' || c == '"':
			b = append(b, '\\', c)
		case c < 0x20 || c > 0x7e:
			b = append(b, '?')
		default:
			b = append(b, c)
		}
	}
	if cut {
		b = append(b, "..."...)
	}
	return b
}
