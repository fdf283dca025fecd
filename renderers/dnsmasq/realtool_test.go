package dnsmasq

import (
	"strings"
	"sync"
	"testing"

	"github.com/miekg/dns"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/conformance/realtools"
	"github.com/cratos-project/cratos/conformance/rendertest"
)

// TestRealTool checks each list with dnsmasq --test, runs a real dnsmasq
// on a loopback port with it, and asks it for every listed name (and a
// subdomain of some): each must get the answer of the mode, so the names
// dnsmasq holds are the names written, one per indicator minus the
// reported drops. A name it does not hold gets REFUSED.
func TestRealTool(t *testing.T) {
	rendertest.Resolver(t, Renderer{}, "mode", "local", "sinkhole", checkConf, func(t *testing.T, es []entry, got conformance.Rendered) {
		addr, err := realtools.StartDnsmasq(t, string(got.Out))
		if err != nil {
			t.Fatal(err)
		}
		r, err := realtools.Query(t, addr, "not-listed.cratos-test.internal", dns.TypeA)
		if err != nil || r.Rcode != dns.RcodeRefused {
			t.Fatalf("a name outside the list: %v %v, want REFUSED", r, err)
		}
		askAll(t, addr, es)
	})
}

// askAll asks for every name, and a subdomain of every hundredth, with a
// few queries in flight, and checks each answer against the entry.
func askAll(t *testing.T, addr string, es []entry) {
	t.Helper()
	work := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	failures := 0
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				e := es[i]
				names := []string{e.name}
				if i%100 == 0 && len(e.name) < 240 {
					names = append(names, "sub."+e.name)
				}
				for _, n := range names {
					if msg := answerProblem(t, addr, n, e); msg != "" {
						mu.Lock()
						if failures++; failures <= 10 {
							t.Error(msg)
						}
						mu.Unlock()
					}
				}
			}
		}()
	}
	for i := range es {
		work <- i
	}
	close(work)
	wg.Wait()
	if failures > 10 {
		t.Errorf("… %d wrong answers in all", failures)
	}
}

// answerProblem asks for name and describes what is wrong with the
// answer, "" when it is the one the entry gives: NXDOMAIN for address=/d/
// and local=/d/, the sinkhole addresses for A and AAAA otherwise.
func answerProblem(t *testing.T, addr, name string, e entry) string {
	if len(e.addrs) == 0 {
		r, err := realtools.Query(t, addr, name, dns.TypeA)
		if err != nil {
			return err.Error()
		}
		if r.Rcode != dns.RcodeNameError {
			return name + ": " + dns.RcodeToString[r.Rcode] + ", want NXDOMAIN"
		}
		return ""
	}
	var got []string
	for _, q := range []uint16{dns.TypeA, dns.TypeAAAA} {
		r, err := realtools.Query(t, addr, name, q)
		if err != nil {
			return err.Error()
		}
		for _, rr := range r.Answer {
			switch rr := rr.(type) {
			case *dns.A:
				got = append(got, rr.A.String())
			case *dns.AAAA:
				got = append(got, rr.AAAA.String())
			}
		}
	}
	if strings.Join(got, ",") != strings.Join(e.addrs, ",") {
		return name + ": answers " + strings.Join(got, ",") + ", want " + strings.Join(e.addrs, ",")
	}
	return ""
}
