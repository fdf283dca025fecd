package dnsprimary

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/cratos-project/cratos/internal/testtool"
)

var (
	domainsV1 = []string{"bad.example", "login.phish.example", "removed.example"}
	domainsV2 = []string{"bad.example", "login.phish.example", "new.example"}
	ipsV1     = []string{"24.0.113.0.203.rpz-ip", "48.zz.1.db8.2001.rpz-ip"}
)

// newTestZone returns a zone over src allowing transfers from loopback.
func newTestZone(src *fakeSource) Zone {
	return Zone{Name: "RPZ.Cratos", Source: src.Source, AllowTransfer: loopback}
}

func TestSOAQuery(t *testing.T) {
	src := &fakeSource{text: policyZone(domainsV1, ipsV1...)}
	s := startServer(t, newClock().Now, newTestZone(src))
	want := "rpz.cratos. 300 IN SOA rpz-master.example. hostmaster.example. 1767225600 3600 900 2592000 300\n"
	for _, network := range []string{"udp", "tcp"} {
		t.Run(network, func(t *testing.T) {
			r := query(t, s.Addr(), network, "rpz.cratos.", dns.TypeSOA)
			if r.Rcode != dns.RcodeSuccess || !r.Authoritative {
				t.Fatalf("rcode %s, aa %v; want NOERROR, aa", dns.RcodeToString[r.Rcode], r.Authoritative)
			}
			if got := rrText(r.Answer); got != want {
				t.Errorf("answer:\n%swant:\n%s", got, want)
			}
		})
	}
	if got := s.Serial("rpz.cratos"); got != testEpoch {
		t.Errorf("Serial = %d, want %d", got, testEpoch)
	}
}

func TestQueries(t *testing.T) {
	src := &fakeSource{text: policyZone(domainsV1, ipsV1...) + "garden.example A 192.0.2.10\n"}
	s := startServer(t, newClock().Now, newTestZone(src))
	negSOA := "rpz.cratos. 300 IN SOA rpz-master.example. hostmaster.example. 1767225600 3600 900 2592000 300\n"
	tests := []struct {
		name   string
		qname  string
		qtype  uint16
		rcode  int
		answer string
		ns     string
	}{
		{"policy CNAME", "bad.example.rpz.cratos.", dns.TypeCNAME, dns.RcodeSuccess, "bad.example.rpz.cratos. 300 IN CNAME .\n", ""},
		{"CNAME for another type", "Bad.Example.rpz.cratos.", dns.TypeA, dns.RcodeSuccess, "bad.example.rpz.cratos. 300 IN CNAME .\n", ""},
		{"wildcard synthesis", "www.bad.example.rpz.cratos.", dns.TypeA, dns.RcodeSuccess, "www.bad.example.rpz.cratos. 300 IN CNAME .\n", ""},
		{"deep wildcard synthesis", "a.b.bad.example.rpz.cratos.", dns.TypeA, dns.RcodeSuccess, "a.b.bad.example.rpz.cratos. 300 IN CNAME .\n", ""},
		{"rpz-ip owner", "24.0.113.0.203.rpz-ip.rpz.cratos.", dns.TypeCNAME, dns.RcodeSuccess, "24.0.113.0.203.rpz-ip.rpz.cratos. 300 IN CNAME .\n", ""},
		{"local data", "garden.example.rpz.cratos.", dns.TypeA, dns.RcodeSuccess, "garden.example.rpz.cratos. 300 IN A 192.0.2.10\n", ""},
		{"local data, other type: NODATA", "garden.example.rpz.cratos.", dns.TypeAAAA, dns.RcodeSuccess, "", negSOA},
		{"apex NS", "rpz.cratos.", dns.TypeNS, dns.RcodeSuccess, "rpz.cratos. 300 IN NS rpz-master.example.\n", ""},
		{"apex other type: NODATA", "rpz.cratos.", dns.TypeA, dns.RcodeSuccess, "", negSOA},
		{"empty non-terminal: NODATA", "example.rpz.cratos.", dns.TypeA, dns.RcodeSuccess, "", negSOA},
		{"absent name: NXDOMAIN", "good.example.rpz.cratos.", dns.TypeA, dns.RcodeNameError, "", negSOA},
		{"absent sibling of a wildcard: NXDOMAIN", "x.phish.example.rpz.cratos.", dns.TypeA, dns.RcodeNameError, "", negSOA},
		{"other zone: REFUSED", "bad.example.", dns.TypeA, dns.RcodeRefused, "", ""},
		{"parent of the zone: REFUSED", "cratos.", dns.TypeSOA, dns.RcodeRefused, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := query(t, s.Addr(), "udp", tt.qname, tt.qtype)
			if r.Rcode != tt.rcode {
				t.Fatalf("rcode %s, want %s", dns.RcodeToString[r.Rcode], dns.RcodeToString[tt.rcode])
			}
			if tt.rcode != dns.RcodeRefused && !r.Authoritative {
				t.Error("answer is not authoritative")
			}
			if got := rrText(r.Answer); got != tt.answer {
				t.Errorf("answer:\n%swant:\n%s", got, tt.answer)
			}
			if got := rrText(r.Ns); got != tt.ns {
				t.Errorf("authority:\n%swant:\n%s", got, tt.ns)
			}
		})
	}
}

func TestSourceFailure(t *testing.T) {
	errMISP := errors.New("misp unreachable")
	t.Run("keeps the last content and serial", func(t *testing.T) {
		clk := newClock()
		src := &fakeSource{text: policyZone(domainsV1, ipsV1...)}
		s := startServer(t, clk.Now, newTestZone(src))
		before, err := xfr(t, s.Addr(), dns.TypeAXFR, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			name string
			text string
			err  error
		}{
			{"source error", "", errMISP},
			{"empty text", "", nil},
			{"broken text", zoneHeader + "bad.example CNAME .\nbad.example A 192.0.2.1\n", nil},
		} {
			src.set(tt.text, tt.err)
			clk.Set(time.Unix(testEpoch+100, 0))
			err := s.Refresh(context.Background(), testZone)
			if err == nil {
				t.Fatalf("%s: Refresh succeeded", tt.name)
			}
			if tt.err != nil && !errors.Is(err, tt.err) {
				t.Errorf("%s: Refresh error %v does not wrap the source error", tt.name, err)
			}
			if got := s.Serial(testZone); got != testEpoch {
				t.Errorf("%s: serial = %d, want %d", tt.name, got, testEpoch)
			}
			after, err := xfr(t, s.Addr(), dns.TypeAXFR, 0, nil)
			if err != nil {
				t.Fatal(err)
			}
			if rrText(flatten(after)) != rrText(flatten(before)) {
				t.Errorf("%s: zone content changed:\n%s", tt.name, rrText(flatten(after)))
			}
		}
	})
	t.Run("first build fails: SERVFAIL until a build succeeds", func(t *testing.T) {
		src := &fakeSource{err: errMISP}
		s := startServer(t, newClock().Now, newTestZone(src))
		if got := s.Serial(testZone); got != 0 {
			t.Errorf("serial = %d, want 0", got)
		}
		for _, network := range []string{"udp", "tcp"} {
			if r := query(t, s.Addr(), network, testZone, dns.TypeSOA); r.Rcode != dns.RcodeServerFailure {
				t.Errorf("%s SOA rcode %s, want SERVFAIL", network, dns.RcodeToString[r.Rcode])
			}
		}
		if _, err := xfr(t, s.Addr(), dns.TypeAXFR, 0, nil); err == nil {
			t.Error("AXFR of an unbuilt zone succeeded")
		}
		src.set(policyZone(domainsV1), nil)
		if err := s.Refresh(context.Background(), testZone); err != nil {
			t.Fatal(err)
		}
		if r := query(t, s.Addr(), "udp", testZone, dns.TypeSOA); r.Rcode != dns.RcodeSuccess {
			t.Errorf("SOA rcode %s after a good build, want NOERROR", dns.RcodeToString[r.Rcode])
		}
	})
	t.Run("unknown zone", func(t *testing.T) {
		s := startServer(t, newClock().Now, newTestZone(&fakeSource{text: policyZone(nil)}))
		if err := s.Refresh(context.Background(), "nope.example"); !errors.Is(err, ErrUnknownZone) {
			t.Errorf("Refresh(unknown) = %v, want ErrUnknownZone", err)
		}
		if got := s.Serial("nope.example"); got != 0 {
			t.Errorf("Serial(unknown) = %d, want 0", got)
		}
	})
}

func TestNewValidation(t *testing.T) {
	src := func(context.Context) (string, error) { return "", nil }
	tests := []struct {
		name    string
		opts    Options
		wantErr string
	}{
		{"no address", Options{Zones: []Zone{{Name: "a.", Source: src}}}, "no listen address"},
		{"bad address", Options{Addr: "localhost", Zones: []Zone{{Name: "a.", Source: src}}}, "listen address"},
		{"no zone name", Options{Addr: ":53", Zones: []Zone{{Source: src}}}, `zone name "" is not a domain name`},
		{"no source", Options{Addr: ":53", Zones: []Zone{{Name: "a."}}}, "zone a.: no Source"},
		{"duplicate zone", Options{Addr: ":53", Zones: []Zone{{Name: "a", Source: src}, {Name: "A.", Source: src}}}, "zone a. configured twice"},
		{"negative refresh", Options{Addr: ":53", Zones: []Zone{{Name: "a", Source: src, Refresh: -time.Second}}}, "negative Refresh"},
		{"notify without port", Options{Addr: ":53", Zones: []Zone{{Name: "a", Source: src, Notify: []string{"192.0.2.1"}}}}, "is not host:port"},
		{"bad key secret", Options{Addr: ":53", Zones: []Zone{{Name: "a", Source: src, TSIG: &TSIGKey{Name: "k", Secret: "%%"}}}}, "secret is not non-empty base64"},
		{"bad key algorithm", Options{Addr: ":53", Zones: []Zone{{Name: "a", Source: src, TSIG: &TSIGKey{Name: "k", Algorithm: "hmac-md5", Secret: testSecret}}}}, `algorithm "hmac-md5"`},
		{"no key name", Options{Addr: ":53", Zones: []Zone{{Name: "a", Source: src, TSIG: &TSIGKey{Secret: testSecret}}}}, "is not a domain name"},
		{"one key name, two secrets", Options{Addr: ":53", Zones: []Zone{
			{Name: "a", Source: src, TSIG: &TSIGKey{Name: "k", Secret: testSecret}},
			{Name: "b", Source: src, TSIG: &TSIGKey{Name: "k", Secret: "b3RoZXI="}},
		}}, "configured twice with different"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("New error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestStartAndClose(t *testing.T) {
	src := &fakeSource{text: policyZone(domainsV1)}
	s := startServer(t, newClock().Now, newTestZone(src))
	t.Run("address in use", func(t *testing.T) {
		other, err := New(Options{Addr: s.Addr(), Zones: []Zone{newTestZone(src)}})
		if err != nil {
			t.Fatal(err)
		}
		err = other.Start(context.Background())
		if err == nil || !strings.Contains(err.Error(), "dnsprimary: start: listen") {
			t.Errorf("Start on a used address = %v, want a listen error", err)
		}
	})
	t.Run("start twice", func(t *testing.T) {
		if err := s.Start(context.Background()); err == nil {
			t.Error("second Start succeeded")
		}
	})
	t.Run("close twice, then refresh", func(t *testing.T) {
		c, err := New(Options{Addr: "127.0.0.1:0", Zones: []Zone{newTestZone(src)}})
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		addr := c.Addr()
		if err := c.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		if err := c.Close(); err != nil {
			t.Fatalf("second Close: %v", err)
		}
		if _, _, err := (&dns.Client{Net: "tcp", Timeout: time.Second}).Exchange(new(dns.Msg).SetQuestion(testZone, dns.TypeSOA), addr); err == nil {
			t.Error("closed server still answers")
		}
		if err := c.Refresh(context.Background(), testZone); err != nil {
			t.Errorf("Refresh after Close: %v", err)
		}
	})
}

func TestBackgroundRefresh(t *testing.T) {
	clk := newClock()
	src := &fakeSource{text: policyZone(domainsV1)}
	z := newTestZone(src)
	z.Refresh = 20 * time.Millisecond
	s := startServer(t, clk.Now, z)
	clk.Set(time.Unix(testEpoch+5, 0))
	src.set(policyZone(domainsV2), nil)
	testtool.WaitFor(t, fmt.Sprintf("serial %d from the background refresh", testEpoch+5), time.Minute,
		func() bool { return s.Serial(testZone) == testEpoch+5 },
		func() string { return fmt.Sprintf("serial still %d", s.Serial(testZone)) })
}
