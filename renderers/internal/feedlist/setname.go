package feedlist

// Ident reports whether s is a firewall set or table name of at most max
// characters: a lower-case letter, then a-z, 0-9, '-' and '_'. Such a
// name is one word to nft and ipset and cannot carry a space or a line
// end into their files.
func Ident(s string, max int) bool {
	if s == "" || len(s) > max || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// SetPrefix is the set name prefix of a feed when none is configured:
// "cratos-<feed>" for a feed name of at most 16 characters of a-z, 0-9,
// '-' and '_', else "cratos".
func SetPrefix(feed string) string {
	if feed != "" && len(feed) <= 16 && Ident("f"+feed, 17) {
		return "cratos-" + feed
	}
	return "cratos"
}
