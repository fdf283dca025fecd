package suricata

import (
	"slices"
	"testing"

	"github.com/cratos-project/cratos/conformance/realtools"
	"github.com/cratos-project/cratos/core/indicator"
)

// smtpSession is an SMTP conversation in which the client sends lines,
// each answered by the server (354 to DATA), and then quits.
func smtpSession(lines ...string) []realtools.Segment {
	conv := []realtools.Segment{{Data: "220 mx.example ESMTP\r\n"}, {Client: true, Data: "EHLO c.example\r\n"}, {Data: "250 mx.example\r\n"}}
	for _, l := range lines {
		reply := "250 ok\r\n"
		if l == "DATA" {
			reply = "354 go ahead\r\n"
		}
		conv = append(conv, realtools.Segment{Client: true, Data: l + "\r\n"}, realtools.Segment{Data: reply})
	}
	return append(conv, realtools.Segment{Client: true, Data: "QUIT\r\n"}, realtools.Segment{Data: "221 bye\r\n"})
}

// TestEmailRulesOnTraffic runs Suricata over SMTP sessions: an address's
// rules alert on exactly that address, in angle brackets or bare, in any
// case, as the envelope sender or recipient, and not on a longer address
// or on the address in the message.
func TestEmailRulesOnTraffic(t *testing.T) {
	weird := `we|ird\;"@bad.example`
	cases := []struct {
		name  string
		lines []string
		want  []string
	}{
		{"sender", []string{"MAIL FROM:<a@b.example>", "RCPT TO:<c@d.example>"}, []string{"email-from a@b.example"}},
		{"sender bare, upper case, with a parameter", []string{"mail from: A@B.EXAMPLE SIZE=10", "RCPT TO:<c@d.example>"}, []string{"email-from a@b.example"}},
		{"recipient among others", []string{"MAIL FROM:<c@d.example>", "RCPT TO:<e@f.example>", "RCPT TO:<A@b.Example> NOTIFY=NEVER"}, []string{"email-to a@b.example"}},
		{"recipient bare", []string{"MAIL FROM:<>", "RCPT TO:a@b.example"}, []string{"email-to a@b.example"}},
		{"longer addresses", []string{"MAIL FROM:<xa@b.example.evil.net>", "RCPT TO:<aa@b.example>", "RCPT TO:a@b.example.evil", "RCPT TO:<a@b.examplex>"}, nil},
		{"address in the message", []string{"MAIL FROM:<c@d.example>", "RCPT TO:<e@f.example>", "DATA",
			"From: <a@b.example>\r\nReply-To: a@b.example\r\n\r\nwrite to a@b.example\r\n."}, nil},
		{"quoted characters", []string{`MAIL FROM:<` + weird + `>`, `RCPT TO:<x` + weird + `>`}, []string{"email-from " + string(appendMsg(nil, weird))}},
	}
	var convs [][]realtools.Segment
	for _, c := range cases {
		convs = append(convs, smtpSession(c.lines...))
	}
	got := trafficAlerts(t, []indicator.Indicator{ind(indicator.Email, "a@b.example"), ind(indicator.Email, weird)}, 25, convs)
	for i, c := range cases {
		if !slices.Equal(got[i], c.want) {
			t.Errorf("%s: alerts %q, want %q", c.name, got[i], c.want)
		}
	}
}
