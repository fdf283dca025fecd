package dnsprimary

import (
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/internal/testtool"
)

// A transfer signed with a wrong secret is reported by dig as a bad
// signature, not as a clock problem.
func TestDigWrongKeyIsNotAClockProblem(t *testing.T) {
	dig := testtool.Require(t, "dig", "bind9-dnsutils")
	src := &fakeSource{text: policyZone(domainsV1)}
	z := newTestZone(src)
	z.TSIG = testKey()
	s := startServer(t, time.Now, z)
	host, port, _ := net.SplitHostPort(s.Addr())
	tests := []struct {
		name, key string
		want      string
	}{
		{"wrong secret", "hmac-sha256:" + strings.TrimSuffix(testKeyName, ".") + ":d3Jvbmctc2VjcmV0LXdyb25nLXNlY3JldA==", "BADSIG"},
		{"unknown key", "hmac-sha256:stranger:" + testSecret, "BADKEY"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, _ := exec.Command(dig, "+tries=1", "+time=10", "-p", port, "@"+host, "-y", tc.key, testZone, "AXFR").CombinedOutput()
			text := string(out)
			if strings.Contains(text, "clocks are unsynchronized") || strings.Contains(text, "BADTIME") {
				t.Errorf("dig reports a clock problem for a %s:\n%s", tc.name, text)
			}
			if !strings.Contains(text, tc.want) && !strings.Contains(text, "tsig indicates error") {
				t.Errorf("dig output does not name the key problem (%s):\n%s", tc.want, text)
			}
		})
	}
}
