package realtools

import (
	"fmt"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// queryTimeout bounds one DNS exchange; a busy machine can be slow.
const queryTimeout = 10 * time.Second

// Query asks the DNS server at addr (host:port, UDP, then TCP when the
// answer is truncated) for name and qtype, with recursion desired. It
// tries three times before it returns the last error.
func Query(t testing.TB, addr, name string, qtype uint16) (*dns.Msg, error) {
	t.Helper()
	m := new(dns.Msg).SetQuestion(dns.Fqdn(name), qtype)
	var err error
	for range 3 {
		var r *dns.Msg
		r, _, err = (&dns.Client{Net: "udp", Timeout: queryTimeout}).Exchange(m, addr)
		if err == nil && r.Truncated {
			r, _, err = (&dns.Client{Net: "tcp", Timeout: queryTimeout}).Exchange(m, addr)
		}
		if err == nil {
			return r, nil
		}
	}
	return nil, fmt.Errorf("query %s %s at %s: %w", name, dns.TypeToString[qtype], addr, err)
}

// waitDNS polls the server at addr until it answers name/A with NOERROR
// and an answer, until deadline; exited is closed when the server's
// process ends first.
func waitDNS(addr, name string, deadline time.Duration, exited <-chan struct{}) error {
	m := new(dns.Msg).SetQuestion(dns.Fqdn(name), dns.TypeA)
	end := time.Now().Add(deadline)
	for {
		r, _, err := (&dns.Client{Net: "udp", Timeout: 2 * time.Second}).Exchange(m, addr)
		if err == nil && r.Rcode == dns.RcodeSuccess && len(r.Answer) > 0 {
			return nil
		}
		if time.Now().After(end) {
			return fmt.Errorf("no answer to %s from %s within %v (last: %v)", name, addr, deadline, err)
		}
		select {
		case <-exited:
			return fmt.Errorf("the server exited before it answered")
		case <-time.After(200 * time.Millisecond):
		}
	}
}
