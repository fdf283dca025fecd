package dnsprimary

import (
	"strings"
	"testing"

	"github.com/miekg/dns"
)

// A NOTIFY answered SERVFAIL or REFUSED (a secondary starting, or
// reloading its configuration) is sent again on the retry schedule: the
// first such answer ended the attempts, and the secondary waited for its
// SOA refresh timer, an hour by default. NOTIMP (RFC 1996 section 4.7),
// FORMERR and NOTAUTH (a TSIG problem, or a zone the secondary does not
// serve) end them: the same NOTIFY would get the same answer.
func TestNotifyErrorAnswers(t *testing.T) {
	// It waits out the NOTIFY retry schedule (31 s): beside the others.
	t.Parallel()
	tests := []struct {
		name    string
		rcodes  []int // the answers to the attempts, in order; the last repeats
		want    notifyOutcome
		notifys int
	}{
		{"SERVFAIL then NOERROR", []int{dns.RcodeServerFailure, dns.RcodeSuccess}, notifyOutcome{acknowledged: true, attempt: 2}, 2},
		{"REFUSED twice then NOERROR", []int{dns.RcodeRefused, dns.RcodeRefused, dns.RcodeSuccess}, notifyOutcome{acknowledged: true, attempt: 3}, 3},
		{"SERVFAIL always", []int{dns.RcodeServerFailure}, notifyOutcome{err: "notify answered SERVFAIL after 5 attempts"}, 5},
		{"NOTIMP", []int{dns.RcodeNotImplemented}, notifyOutcome{err: "notify answered NOTIMP"}, 1},
		{"FORMERR", []int{dns.RcodeFormatError}, notifyOutcome{err: "notify answered FORMERR"}, 1},
		{"NOTAUTH", []int{dns.RcodeNotAuth}, notifyOutcome{err: "notify answered NOTAUTH"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sec := newScriptedSecondary(t, func(n int, req *dns.Msg) [][]byte {
				return [][]byte{answerWith(t, req, tt.rcodes[min(n, len(tt.rcodes))-1])}
			})
			got := notifySecondary(t, sec, nil)
			if got.acknowledged != tt.want.acknowledged || got.attempt != tt.want.attempt || !strings.HasSuffix(got.err, tt.want.err) {
				t.Errorf("NOTIFY %s, want %s", got, tt.want)
			}
			arrivals := sec.received(t)
			if len(arrivals) != tt.notifys {
				t.Fatalf("%d NOTIFYs sent, want %d", len(arrivals), tt.notifys)
			}
			// An error answer comes at once: the next attempt still waits
			// for its turn, 1 s, 2 s, ... after the one before.
			for i := 1; i < len(arrivals); i++ {
				if gap, least := arrivals[i].Sub(arrivals[i-1]), notifyFirstWait<<(i-1)/2; gap < least {
					t.Errorf("attempt %d sent %v after the one before, want at least %v", i+1, gap, least)
				}
			}
		})
	}
}
