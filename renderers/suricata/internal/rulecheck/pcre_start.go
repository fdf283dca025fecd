// The options PCRE2 reads at the start of a pcre regex only: (*UCP),
// (*LIMIT_MATCH=n)…

package rulecheck

import "strings"

// startOptions are the options PCRE2 10.42 reads at the very start of a
// regex, closing ")" included, that change no error the renderer looks
// for. (*UTF), which changes what a regex may hold, and the newline
// settings, which change where a "#" comment of the x flag ends, are
// not among them: a regex starting with one is refused as a verb PCRE2
// does not know.
var startOptions = []string{"UCP)", "NOTEMPTY)", "NOTEMPTY_ATSTART)", "NO_AUTO_POSSESS)",
	"NO_DOTSTAR_ANCHOR)", "NO_JIT)", "NO_START_OPT)", "BSR_ANYCRLF)", "BSR_UNICODE)"}

// startLimits are the start options that take a number, PCRE2 reading
// digits up to the ")".
var startLimits = []string{"LIMIT_HEAP=", "LIMIT_MATCH=", "LIMIT_DEPTH=", "LIMIT_RECURSION="}

// maxLimitDigits is the most digits of a limit the renderer reads: PCRE2
// refuses a number it cannot hold in 32 bits, and nine digits it always
// can.
const maxLimitDigits = 9

// stripStartOptions returns re without the start options it opens with,
// as PCRE2 10.42 reads them, in any number and order, names in capitals
// as written; whatever follows is the regex.
func stripStartOptions(re string) string {
	for strings.HasPrefix(re, "(*") {
		rest := re[2:]
		name := ""
		for _, o := range startOptions {
			if strings.HasPrefix(rest, o) {
				name = o
			}
		}
		for _, o := range startLimits {
			if limit, ok := strings.CutPrefix(rest, o); ok {
				digits := len(limit) - len(strings.TrimLeft(limit, "0123456789"))
				if digits == 0 || digits > maxLimitDigits || !strings.HasPrefix(limit[digits:], ")") {
					return re
				}
				name = rest[:len(o)+digits+1]
			}
		}
		if name == "" {
			return re
		}
		re = rest[len(name):]
	}
	return re
}
