package realtools

import (
	"slices"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/internal/testtool"
)

// TestSuricataRefused checks that the rules suricata -T refuses are
// named, long ones too: Suricata cuts a log message at 2047 bytes, so the
// line of a rule refused is not printed once the rule is about as long.
func TestSuricataRefused(t *testing.T) {
	suricata := testtool.Require(t, "suricata", "suricata")
	rule := func(sid, msg, body string) string {
		return `alert tcp any any -> any any (msg:"` + msg + `"; ` + body + ` sid:` + sid + `;)`
	}
	long := strings.Repeat("m", 3000)
	rules := []string{
		rule("1", "short", `content:"a";`),
		rule("2", "short", `content:"a"; nosuchkeyword;`),
		rule("3", long, `content:"a";`),
		rule("4", long, `content:"a"; nosuchkeyword;`),
		rule("5", long, `content:"a"; pcre:"/a{2,1}/";`),
		rule("6", "short", `content:"a"; pcre:"/`+strings.Repeat("(?:", 251)+"a"+strings.Repeat(")", 251)+`/";`),
	}
	if got, want := SuricataRefused(t, suricata, rules), []int{1, 3, 4, 5}; !slices.Equal(got, want) {
		t.Errorf("refused %v, want %v", got, want)
	}
}
