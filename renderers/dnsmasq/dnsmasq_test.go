package dnsmasq

import (
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"testing"

	"github.com/miekg/dns"

	"github.com/cratos-project/cratos/conformance/realtools"
	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers/internal/nameset"
)

var ind = rendertest.Of

const head = "# Cratos block list for dnsmasq: conf-file= or /etc/dnsmasq.d.\n"

func TestRender(t *testing.T) {
	rendertest.Rows(t, Renderer{}, rendertest.WithOptions, rendertest.Prefixed(head, []rendertest.Row{
		{"nxdomain, covered names left out", nil, rendertest.CoveredNames(),
			"address=/bad.example/\naddress=/notbad.example/\n",
			map[string]int{"dnsmasq " + nameset.ReasonCovered: 2, "dnsmasq " + nameset.ReasonDuplicate: 1}},
		{"local", map[string]string{"mode": "local"}, []indicator.Indicator{ind(indicator.Domain, "_dmarc.bad.example")},
			"local=/_dmarc.bad.example/\n", nil},
		{"sinkhole", map[string]string{"mode": "sinkhole", "sinkhole_a": "192.0.2.10", "sinkhole_aaaa": "2001:DB8::0:1"}, []indicator.Indicator{ind(indicator.Domain, "bad.example")},
			"address=/bad.example/192.0.2.10\naddress=/bad.example/2001:db8::1\n", nil},
		{"sinkhole, IPv6 only", map[string]string{"mode": "sinkhole", "sinkhole_a": ""}, []indicator.Indicator{ind(indicator.Domain, "bad.example")},
			"address=/bad.example/::\n", nil},
		{"injection refused", nil, []indicator.Indicator{
			ind(indicator.Domain, "bad.example/192.0.2.1"), ind(indicator.Domain, "#"), ind(indicator.Domain, "bad.example/#"),
			ind(indicator.Domain, "bad.example\nserver=192.0.2.1"), ind(indicator.Hostname, "*.bad.example"), ind(indicator.Domain, "bad .example")},
			"", map[string]int{"dnsmasq " + nameset.ReasonSyntax: 6}},
		{"limits", nil, []indicator.Indicator{ind(indicator.Domain, "com"), ind(indicator.Domain, "a.."+"example")},
			"", map[string]int{"dnsmasq " + nameset.ReasonSingle: 1, "dnsmasq " + nameset.ReasonSyntax: 1}},
		{"public suffix refused", nil, []indicator.Indicator{ind(indicator.Domain, "co.uk"), ind(indicator.Hostname, "com.br"), ind(indicator.Domain, "bad.co.uk")},
			"address=/bad.co.uk/\n", map[string]int{"dnsmasq " + nameset.ReasonSuffix: 2}},
		{"not a name", nil, []indicator.Indicator{ind(indicator.URL, "http://bad.example/")}, "", map[string]int{DropNotName: 1}},
	}), nil)
}

// TestContract checks the options, the golden cases, the registration and
// conformance.Check.
func TestContract(t *testing.T) {
	rendertest.Contract(t, Renderer{}, rendertest.Options{
		All:     map[string]string{"mode": "sinkhole", "sinkhole_a": "192.0.2.1", "sinkhole_aaaa": "2001:db8::1"},
		Unknown: "address",
		Bad: map[string][]string{
			"mode":          {"refuse"},
			"sinkhole_a":    {"::", "0.0.0.0/x"},
			"sinkhole_aaaa": {"0.0.0.0", "fe80::1%eth0"},
		},
		More: []rendertest.OptionCase{
			{Name: "sinkhole to nothing", Options: map[string]string{"mode": "sinkhole", "sinkhole_a": "", "sinkhole_aaaa": ""}, WantErr: "needs"},
		},
	})
}

func BenchmarkRender(b *testing.B) { rendertest.Benchmark(b, Renderer{}, rendertest.WithOptions(nil)) }

// fuzzOptions are the option sets the fuzz target renders with.
var fuzzOptions = []map[string]string{
	nil,
	{"mode": "sinkhole"},
	{"mode": "sinkhole", "sinkhole_a": "", "sinkhole_aaaa": "2001:db8::1"},
	{"mode": "local"},
}

// FuzzRender checks that every output reads under checkConf (only
// address= and local= lines of one plain name each, none overlapping)
// and that every input is a name or a reported drop.
func FuzzRender(f *testing.F) {
	rendertest.FuzzCounted(f, Renderer{}, fuzzOptions, rendertest.Count(checkConf))
}

// entry is one name checkConf read, with its sinkhole addresses.
type entry struct {
	name, key string // key: "address" or "local"
	addrs     []string
}

// checkConf reads a file the way this renderer writes it and dnsmasq
// reads it: comment lines, then lines "address=/NAME/", "local=/NAME/" or
// "address=/NAME/ADDR" of one plain DNS name (nameset.Check) between the
// slashes and, for a sinkhole, one IPv4 then at most one IPv6 address,
// the lines of one name next to each other. No name is listed twice or
// under another listed name. Any other line is an error, so no value can
// have added a directive, a second domain or a "#" (every domain).
func checkConf(text string) ([]entry, error) {
	lines, i, err := rendertest.CommentedLines(text)
	if err != nil {
		return nil, err
	}
	var out []entry
	seen := rendertest.NameSet{}
	for ; i < len(lines); i++ {
		l := lines[i]
		key, rest, ok := strings.Cut(l, "=/")
		name, addr, ok2 := strings.Cut(rest, "/")
		if !ok || !ok2 || (key != "address" && key != "local") || nameset.Check(name) != "" || (key == "local" && addr != "") {
			return nil, fmt.Errorf("line %d: %q is not a line this renderer writes", i+1, l)
		}
		if addr != "" {
			a, err := netip.ParseAddr(addr)
			if err != nil || a.String() != addr || a.Zone() != "" {
				return nil, fmt.Errorf("line %d: %q: bad address", i+1, l)
			}
			if n := len(out); n > 0 && out[n-1].name == name && out[n-1].key == key && len(out[n-1].addrs) == 1 &&
				out[n-1].addrs[0] != "" && strings.Contains(out[n-1].addrs[0], ".") && a.Is6() {
				out[n-1].addrs = append(out[n-1].addrs, addr)
				continue
			}
		}
		if err := seen.Add(name); err != nil {
			return nil, fmt.Errorf("line %d: %w", i+1, err)
		}
		e := entry{name: name, key: key}
		if addr != "" {
			e.addrs = []string{addr}
		}
		out = append(out, e)
	}
	if err := seen.Nested(); err != nil {
		return nil, err
	}
	return out, nil
}

// TestRealTool checks each list with dnsmasq --test, runs a real dnsmasq
// on a loopback port with it, and asks it for every listed name (and a
// subdomain of some): each must get the answer of the mode, so the names
// dnsmasq holds are the names written, one per indicator minus the
// reported drops. A name it does not hold gets REFUSED.
func TestRealTool(t *testing.T) {
	rendertest.Resolver(t, Renderer{}, "mode", "local", "sinkhole", checkConf, func(t *testing.T, es []entry, got rendertest.Rendered) {
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
