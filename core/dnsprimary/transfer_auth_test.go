package dnsprimary

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
)

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
