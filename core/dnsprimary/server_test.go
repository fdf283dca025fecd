package dnsprimary

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
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

func TestAXFR(t *testing.T) {
	src := &fakeSource{text: policyZone(domainsV1, ipsV1...)}
	s := startServer(t, newClock().Now, newTestZone(src))
	envs, err := xfr(t, s.Addr(), dns.TypeAXFR, 0, nil)
	if err != nil {
		t.Fatalf("AXFR: %v", err)
	}
	golden(t, "axfr/transfer.txt", rrText(flatten(envs)))
}

func TestAXFRLargeZone(t *testing.T) {
	const domains = 20000
	names := make([]string, domains)
	for i := range names {
		names[i] = fmt.Sprintf("d%06d.blocked-domain-with-a-long-label.example", i)
	}
	src := &fakeSource{text: policyZone(names)}
	s := startServer(t, newClock().Now, newTestZone(src))
	envs, err := xfr(t, s.Addr(), dns.TypeAXFR, 0, nil)
	if err != nil {
		t.Fatalf("AXFR: %v", err)
	}
	all := flatten(envs)
	if want := 2*domains + 3; len(all) != want { // SOA, NS, records, SOA
		t.Fatalf("transferred %d records, want %d", len(all), want)
	}
	if len(envs) < 10 {
		t.Errorf("transfer used %d messages; want it split into many", len(envs))
	}
	if all[0].Header().Rrtype != dns.TypeSOA || all[len(all)-1].Header().Rrtype != dns.TypeSOA {
		t.Error("transfer does not start and end with the SOA")
	}
	seen := make(map[string]bool, len(all))
	for _, rr := range all[1 : len(all)-1] {
		k := rr.String()
		if seen[k] {
			t.Fatalf("record %s sent twice", k)
		}
		seen[k] = true
	}
}

// changeZone walks a zone through serials: v1 at testEpoch, then v2 and
// v3 one second apart each.
func changeZone(t *testing.T, s *Server, src *fakeSource, clk *clock) {
	t.Helper()
	src.set(policyZone(domainsV2, ipsV1...), nil)
	clk.set(time.Unix(testEpoch+1, 0))
	if err := s.Refresh(context.Background(), testZone); err != nil {
		t.Fatal(err)
	}
	src.set(policyZone(domainsV2, ipsV1[:1]...), nil)
	clk.set(time.Unix(testEpoch+2, 0))
	if err := s.Refresh(context.Background(), testZone); err != nil {
		t.Fatal(err)
	}
	if got := s.Serial(testZone); got != testEpoch+2 {
		t.Fatalf("serial after two changes = %d, want %d", got, testEpoch+2)
	}
}

func TestIXFR(t *testing.T) {
	clk := newClock()
	src := &fakeSource{text: policyZone(domainsV1, ipsV1...)}
	s := startServer(t, clk.Now, newTestZone(src))
	changeZone(t, s, src, clk)
	soa := func(serial uint32) string {
		return fmt.Sprintf("rpz.cratos. 300 IN SOA rpz-master.example. hostmaster.example. %d 3600 900 2592000 300\n", serial)
	}
	tests := []struct {
		name   string
		serial uint32
		golden string // file under testdata, or "" to compare with want
		want   string
	}{
		{
			name:   "from the previous serial: one diff",
			serial: testEpoch + 1,
			want: soa(testEpoch+2) +
				soa(testEpoch+1) + "48.zz.1.db8.2001.rpz-ip.rpz.cratos. 300 IN CNAME .\n" +
				soa(testEpoch+2) +
				soa(testEpoch+2),
		},
		{
			name:   "from two serials back: both diffs in order",
			serial: testEpoch,
			golden: "ixfr/incremental.txt",
		},
		{
			name:   "from an unknown serial: full zone",
			serial: testEpoch - 100,
			golden: "ixfr/full.txt",
		},
		{
			name:   "from the current serial: the SOA alone",
			serial: testEpoch + 2,
			want:   soa(testEpoch + 2),
		},
		{
			name:   "from a newer serial: the SOA alone",
			serial: testEpoch + 50,
			want:   soa(testEpoch + 2),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			envs, err := xfr(t, s.Addr(), dns.TypeIXFR, tt.serial, nil)
			if err != nil {
				t.Fatalf("IXFR: %v", err)
			}
			got := rrText(flatten(envs))
			if tt.golden != "" {
				golden(t, tt.golden, got)
				return
			}
			if got != tt.want {
				t.Errorf("IXFR from %d:\n%swant:\n%s", tt.serial, got, tt.want)
			}
		})
	}

	t.Run("over UDP: the SOA alone", func(t *testing.T) {
		m := new(dns.Msg).SetIxfr(testZone, testEpoch, "rpz-master.example.", "hostmaster.example.")
		r, _, err := (&dns.Client{Net: "udp", Timeout: 5 * time.Second}).Exchange(m, s.Addr())
		if err != nil {
			t.Fatal(err)
		}
		if got := rrText(r.Answer); r.Rcode != dns.RcodeSuccess || got != soa(testEpoch+2) {
			t.Errorf("rcode %s, answer %s; want NOERROR and the current SOA", dns.RcodeToString[r.Rcode], got)
		}
	})
	t.Run("AXFR over UDP: FORMERR", func(t *testing.T) {
		m := new(dns.Msg).SetAxfr(testZone)
		r, _, err := (&dns.Client{Net: "udp", Timeout: 5 * time.Second}).Exchange(m, s.Addr())
		if err != nil {
			t.Fatal(err)
		}
		if r.Rcode != dns.RcodeFormatError {
			t.Errorf("rcode %s, want FORMERR", dns.RcodeToString[r.Rcode])
		}
	})
}

func TestIXFRPastJournalBound(t *testing.T) {
	clk := newClock()
	src := &fakeSource{text: policyZone(domainsV1, ipsV1...)}
	z := newTestZone(src)
	z.JournalSize = 1
	s := startServer(t, clk.Now, z)
	changeZone(t, s, src, clk)
	tests := []struct {
		name    string
		serial  uint32
		records int // records between the first and last SOA
		style   string
	}{
		{"latest diff is kept", testEpoch + 1, 3, "incremental"},
		{"older diff was dropped", testEpoch, 8, "full"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			envs, err := xfr(t, s.Addr(), dns.TypeIXFR, tt.serial, nil)
			if err != nil {
				t.Fatal(err)
			}
			all := flatten(envs)
			if got := len(all) - 2; got != tt.records {
				t.Errorf("%d records between the SOAs, want %d (%s):\n%s", got, tt.records, tt.style, rrText(all))
			}
		})
	}
}

func TestSerialChangesOnlyOnContentChange(t *testing.T) {
	clk := newClock()
	src := &fakeSource{text: policyZone(domainsV1, ipsV1...)}
	s := startServer(t, clk.Now, newTestZone(src))
	steps := []struct {
		name  string
		text  string
		clock int64
		want  uint32
	}{
		{"same text later: unchanged", policyZone(domainsV1, ipsV1...), testEpoch + 60, testEpoch},
		{"reordered text with another SOA serial: unchanged", strings.Replace(policyZone([]string{"removed.example", "bad.example", "login.phish.example"}, ipsV1[1], ipsV1[0]), "2026010201", "1", 1), testEpoch + 61, testEpoch},
		{"change: unix time", policyZone(domainsV2, ipsV1...), testEpoch + 120, testEpoch + 120},
		{"change in the same second: +1", policyZone(domainsV1, ipsV1...), testEpoch + 120, testEpoch + 121},
		{"change with the clock stepped back: +1", policyZone(domainsV2, ipsV1...), testEpoch - 3600, testEpoch + 122},
		{"no change with the clock stepped back: unchanged", policyZone(domainsV2, ipsV1...), testEpoch - 3600, testEpoch + 122},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			src.set(st.text, nil)
			clk.set(time.Unix(st.clock, 0))
			if err := s.Refresh(context.Background(), "rpz.cratos"); err != nil {
				t.Fatal(err)
			}
			if got := s.Serial("rpz.cratos."); got != st.want {
				t.Errorf("serial = %d, want %d", got, st.want)
			}
			r := query(t, s.Addr(), "udp", testZone, dns.TypeSOA)
			if got := r.Answer[0].(*dns.SOA).Serial; got != st.want {
				t.Errorf("served serial = %d, want %d", got, st.want)
			}
		})
	}
}

func TestTransferACL(t *testing.T) {
	src := &fakeSource{text: policyZone(domainsV1)}
	tests := []struct {
		name   string
		allow  []netip.Prefix
		wantOK bool
	}{
		{"no list: nobody", nil, false},
		{"other network", []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}, false},
		{"loopback host listed", []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}, true},
		{"loopback net listed", loopback, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			z := newTestZone(src)
			z.AllowTransfer = tt.allow
			s := startServer(t, newClock().Now, z)
			for _, qtype := range []uint16{dns.TypeAXFR, dns.TypeIXFR} {
				envs, err := xfr(t, s.Addr(), qtype, 1, nil)
				if tt.wantOK {
					if err != nil || len(flatten(envs)) != 9 {
						t.Errorf("%s: err %v, %d records; want the zone", dns.TypeToString[qtype], err, len(flatten(envs)))
					}
					continue
				}
				if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("bad xfr rcode: %d", dns.RcodeRefused)) {
					t.Errorf("%s: err %v, want REFUSED", dns.TypeToString[qtype], err)
				}
			}
			// Without allow_query, ordinary queries follow the transfer
			// list: nobody else may test names against the zone.
			want := dns.RcodeRefused
			if tt.wantOK {
				want = dns.RcodeSuccess
			}
			if r := query(t, s.Addr(), "udp", testZone, dns.TypeSOA); r.Rcode != want {
				t.Errorf("SOA query rcode %s, want %s", dns.RcodeToString[r.Rcode], dns.RcodeToString[want])
			}
		})
	}
}

func TestTransferTSIG(t *testing.T) {
	src := &fakeSource{text: policyZone(domainsV1)}
	z := newTestZone(src)
	z.TSIG = testKey()
	other := Zone{Name: "other.cratos", Source: src.Source, AllowTransfer: loopback,
		TSIG: &TSIGKey{Name: "other-key", Algorithm: "hmac-sha512", Secret: "b3RoZXIta2V5LXNlY3JldA=="}}
	s := startServer(t, newClock().Now, z, other)

	wrongSecret := "d3Jvbmctc2VjcmV0LXdyb25nLXNlY3JldA=="
	tests := []struct {
		name     string
		key      *TSIGKey // nil: unsigned
		rcode    int
		tsigErr  uint16
		wantZone bool
	}{
		{"signed with the zone key", testKey(), dns.RcodeSuccess, 0, true},
		{"unsigned", nil, dns.RcodeRefused, 0, false},
		{"wrong secret: BADSIG", &TSIGKey{Name: testKeyName, Secret: wrongSecret}, dns.RcodeNotAuth, dns.RcodeBadSig, false},
		{"unknown key: BADKEY", &TSIGKey{Name: "stranger", Secret: testSecret}, dns.RcodeNotAuth, dns.RcodeBadKey, false},
		{"known key, other algorithm: BADKEY", &TSIGKey{Name: testKeyName, Algorithm: "hmac-sha512", Secret: testSecret}, dns.RcodeNotAuth, dns.RcodeBadKey, false},
		{"another zone's valid key", &TSIGKey{Name: "other-key", Algorithm: "hmac-sha512", Secret: "b3RoZXIta2V5LXNlY3JldA=="}, dns.RcodeRefused, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// One exchange over TCP shows the rcode and TSIG error exactly.
			m := new(dns.Msg).SetAxfr(testZone)
			c := &dns.Client{Net: "tcp", Timeout: 5 * time.Second}
			if tt.key != nil {
				alg := dns.HmacSHA256
				if tt.key.Algorithm != "" {
					alg = dns.Fqdn(tt.key.Algorithm)
				}
				c.TsigSecret = map[string]string{dns.CanonicalName(tt.key.Name): tt.key.Secret}
				m.SetTsig(dns.CanonicalName(tt.key.Name), alg, 300, time.Now().Unix())
			}
			r, _, err := c.Exchange(m, s.Addr())
			if r == nil {
				t.Fatalf("no answer: %v", err)
			}
			if r.Rcode != tt.rcode {
				t.Fatalf("rcode %s, want %s", dns.RcodeToString[r.Rcode], dns.RcodeToString[tt.rcode])
			}
			if tt.tsigErr != 0 {
				ts := r.IsTsig()
				if ts == nil || ts.Error != tt.tsigErr || ts.MAC != "" {
					t.Fatalf("TSIG of the answer = %v, want error %s and no MAC", ts, dns.RcodeToString[int(tt.tsigErr)])
				}
				// The time signed is the server's clock, as BIND sends it;
				// 0 reads as "clocks are unsynchronized" to dig and BIND.
				if now := uint64(time.Now().Unix()); ts.TimeSigned+60 < now || ts.TimeSigned > now+60 {
					t.Fatalf("TSIG time signed %d, want about %d", ts.TimeSigned, now)
				}
				if ts.Fudge != 300 || ts.OrigId != m.Id || r.Id != m.Id {
					t.Fatalf("TSIG fudge %d, original id %d, answer id %d; want 300, %d, %d", ts.Fudge, ts.OrigId, r.Id, m.Id, m.Id)
				}
			}
			if tt.wantZone {
				if err != nil {
					t.Fatalf("signed answer did not verify: %v", err)
				}
				envs, err := xfr(t, s.Addr(), dns.TypeAXFR, 0, tt.key)
				if err != nil || len(flatten(envs)) != 9 {
					t.Fatalf("signed AXFR: err %v, %d records", err, len(flatten(envs)))
				}
				envs, err = xfr(t, s.Addr(), dns.TypeIXFR, testEpoch-5, tt.key)
				if err != nil || len(flatten(envs)) != 9 {
					t.Fatalf("signed IXFR: err %v, %d records", err, len(flatten(envs)))
				}
			}
		})
	}

	t.Run("signed SOA query gets a signed answer", func(t *testing.T) {
		m := new(dns.Msg).SetQuestion(testZone, dns.TypeSOA)
		m.SetTsig(testKeyName, dns.HmacSHA256, 300, time.Now().Unix())
		c := &dns.Client{Net: "udp", Timeout: 5 * time.Second, TsigSecret: map[string]string{testKeyName: testSecret}}
		r, _, err := c.Exchange(m, s.Addr())
		if err != nil {
			t.Fatalf("exchange (answer verified with the key): %v", err)
		}
		if r.IsTsig() == nil || r.Rcode != dns.RcodeSuccess {
			t.Errorf("rcode %s, signed %v; want a signed NOERROR", dns.RcodeToString[r.Rcode], r.IsTsig() != nil)
		}
	})
	t.Run("unsigned SOA query is answered", func(t *testing.T) {
		if r := query(t, s.Addr(), "tcp", testZone, dns.TypeSOA); r.Rcode != dns.RcodeSuccess {
			t.Errorf("rcode %s, want NOERROR", dns.RcodeToString[r.Rcode])
		}
	})
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
			clk.set(time.Unix(testEpoch+100, 0))
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

// fakeSecondary receives NOTIFYs on UDP and answers, for each serial, from
// the answerFrom-th attempt on.
type fakeSecondary struct {
	conn     net.PacketConn
	received chan *dns.Msg
	from     chan net.Addr
}

func newFakeSecondary(t *testing.T, answerFrom int, secret map[string]string) *fakeSecondary {
	t.Helper()
	conn, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeSecondary{conn: conn, received: make(chan *dns.Msg, 16), from: make(chan net.Addr, 16)}
	t.Cleanup(func() { conn.Close() })
	go func() {
		buf := make([]byte, dns.MaxMsgSize)
		attempts := map[uint32]int{}
		for {
			k, addr, err := conn.ReadFrom(buf)
			if err != nil {
				return
			}
			m := new(dns.Msg)
			if err := m.Unpack(buf[:k]); err != nil {
				continue
			}
			if t := m.IsTsig(); t != nil && secret != nil {
				if err := dns.TsigVerify(buf[:k], secret[t.Hdr.Name], "", false); err != nil {
					m.Rcode = -1 // mark: bad signature
				}
			}
			f.received <- m
			f.from <- addr
			var serial uint32
			if soa, ok := firstSOA(m.Answer); ok {
				serial = soa.Serial
			}
			attempts[serial]++
			if attempts[serial] >= answerFrom {
				r := new(dns.Msg).SetReply(m)
				out, _ := r.Pack()
				conn.WriteTo(out, addr)
			}
		}
	}()
	return f
}

func TestNotify(t *testing.T) {
	tests := []struct {
		name       string
		answerFrom int // the secondary ignores the attempts before this one
		key        *TSIGKey
	}{
		{"answered at once", 1, nil},
		{"retried until answered", 2, nil},
		{"signed with the zone key", 1, testKey()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sec := newFakeSecondary(t, tt.answerFrom, map[string]string{testKeyName: testSecret})
			clk := newClock()
			src := &fakeSource{text: policyZone(domainsV1)}
			z := newTestZone(src)
			z.Notify = []string{sec.conn.LocalAddr().String()}
			z.TSIG = tt.key
			s := startServer(t, clk.Now, z)
			// The first build notifies too (secondaries may hold an old copy).
			expectNotify(t, sec, s, testEpoch, tt.answerFrom, tt.key != nil)

			src.set(policyZone(domainsV2), nil)
			clk.set(time.Unix(testEpoch+10, 0))
			if err := s.Refresh(context.Background(), testZone); err != nil {
				t.Fatal(err)
			}
			expectNotify(t, sec, s, testEpoch+10, tt.answerFrom, tt.key != nil)

			// No change: no NOTIFY.
			if err := s.Refresh(context.Background(), testZone); err != nil {
				t.Fatal(err)
			}
			select {
			case m := <-sec.received:
				t.Errorf("NOTIFY without a change: %v", m)
			case <-time.After(300 * time.Millisecond):
			}
		})
	}
}

// expectNotify reads attempts NOTIFYs for serial and checks them.
func expectNotify(t *testing.T, sec *fakeSecondary, s *Server, serial uint32, attempts int, signed bool) {
	t.Helper()
	for i := 1; i <= attempts; i++ {
		var m *dns.Msg
		select {
		case m = <-sec.received:
		case <-time.After(5 * time.Second):
			t.Fatalf("NOTIFY attempt %d for serial %d not received", i, serial)
		}
		from := <-sec.from
		if from.String() != s.Addr() {
			t.Errorf("NOTIFY sent from %s, want the server's address %s", from, s.Addr())
		}
		if m.Opcode != dns.OpcodeNotify || !m.Authoritative || len(m.Question) != 1 || m.Question[0].Name != testZone || m.Question[0].Qtype != dns.TypeSOA {
			t.Fatalf("not a NOTIFY for %s: %v", testZone, m)
		}
		if soa, ok := firstSOA(m.Answer); !ok || soa.Serial != serial {
			t.Errorf("NOTIFY answer = %v, want the SOA with serial %d", m.Answer, serial)
		}
		if signed && (m.IsTsig() == nil || m.Rcode == -1) {
			t.Errorf("NOTIFY not signed with the zone key (tsig %v)", m.IsTsig())
		}
	}
	select {
	case m := <-sec.received:
		t.Errorf("NOTIFY sent again after it was answered: %v", m)
	case <-time.After(300 * time.Millisecond):
	}
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
	clk.set(time.Unix(testEpoch+5, 0))
	src.set(policyZone(domainsV2), nil)
	deadline := time.Now().Add(5 * time.Second)
	for s.Serial(testZone) != testEpoch+5 {
		if time.Now().After(deadline) {
			t.Fatalf("serial still %d, want %d from the background refresh", s.Serial(testZone), testEpoch+5)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
