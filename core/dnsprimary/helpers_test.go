package dnsprimary

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/cratos-project/cratos/internal/testtool"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

const (
	testZone    = "rpz.cratos."
	testKeyName = "cratos-xfr."
	testSecret  = "c2VjcmV0LWtleS1mb3ItdGVzdHMtb25seS0zMmJ5dGVzIQ==" // base64 of 35 octets
	testEpoch   = 1767225600                                         // 2026-01-01T00:00:00Z
)

// zoneHeader is the head of a policy zone as formats.md section 7.1 lays
// it out; the serial in it is ignored by the server.
const zoneHeader = `$TTL 300
@   SOA  rpz-master.example. hostmaster.example. (2026010201 1h 15m 30d 5m)
    NS   rpz-master.example.
`

// policyZone returns a zone text blocking each domain (the name and its
// subdomains) and each IP trigger owner (already in rpz-ip form).
func policyZone(domains []string, ipTriggers ...string) string {
	var b strings.Builder
	b.WriteString(zoneHeader)
	b.WriteString("; QNAME triggers\n")
	for _, d := range domains {
		fmt.Fprintf(&b, "%s CNAME .\n*.%s CNAME .\n", d, d)
	}
	b.WriteString("; response IP triggers\n")
	for _, t := range ipTriggers {
		fmt.Fprintf(&b, "%s CNAME .\n", t)
	}
	return b.String()
}

// fakeSource is a Source whose text and failure the test sets.
type fakeSource struct {
	mu    sync.Mutex
	text  string
	err   error
	calls int
}

func (f *fakeSource) set(text string, err error) {
	f.mu.Lock()
	f.text, f.err = text, err
	f.mu.Unlock()
}

func (f *fakeSource) Source(context.Context) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	return f.text, f.err
}

// newClock returns a settable Options.Now at testEpoch.
func newClock() *testtool.Clock { return testtool.NewClock(time.Unix(testEpoch, 0)) }

// testLogger sends the server's log to the test log.
func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

var loopback = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}

// startServer starts a server on a free loopback port and closes it at
// the end of the test.
func startServer(t testing.TB, now func() time.Time, zones ...Zone) *Server {
	t.Helper()
	logger := testLogger(t)
	if _, bench := t.(*testing.B); bench {
		logger = nil // logging would dominate the measurements
	}
	s, err := New(Options{Addr: "127.0.0.1:0", Zones: zones, Logger: logger, Now: now})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// testKey is the TSIG key of the tests.
func testKey() *TSIGKey {
	return &TSIGKey{Name: testKeyName, Secret: testSecret}
}

// xfr runs a transfer (AXFR, or IXFR from serial) and returns the records
// of every envelope, or the first error.
func xfr(t testing.TB, addr string, qtype uint16, serial uint32, key *TSIGKey) ([][]dns.RR, error) {
	t.Helper()
	m := new(dns.Msg)
	if qtype == dns.TypeIXFR {
		m.SetIxfr(testZone, serial, "rpz-master.example.", "hostmaster.example.")
	} else {
		m.SetAxfr(testZone)
	}
	tr := &dns.Transfer{ReadTimeout: 5 * time.Second}
	if key != nil {
		tr.TsigSecret = map[string]string{dns.CanonicalName(key.Name): key.Secret}
		alg := dns.HmacSHA256
		if key.Algorithm != "" {
			alg = dns.Fqdn(key.Algorithm)
		}
		m.SetTsig(dns.CanonicalName(key.Name), alg, 300, time.Now().Unix())
	}
	ch, err := tr.In(m, addr)
	if err != nil {
		return nil, err
	}
	var envs [][]dns.RR
	var first error
	for env := range ch {
		if env.Error != nil && first == nil {
			first = env.Error
		}
		envs = append(envs, env.RR)
	}
	return envs, first
}

// flatten joins envelopes into one record list.
func flatten(envs [][]dns.RR) []dns.RR {
	var all []dns.RR
	for _, e := range envs {
		all = append(all, e...)
	}
	return all
}

// transferred asks s for an unsigned zone transfer of qtype (from serial,
// for IXFR) and returns its records in one list, failing the test when the
// transfer fails.
func transferred(t *testing.T, s *Server, qtype uint16, serial uint32) []dns.RR {
	t.Helper()
	envs, err := xfr(t, s.Addr(), qtype, serial, nil)
	if err != nil {
		t.Fatalf("%s: %v", dns.TypeToString[qtype], err)
	}
	return flatten(envs)
}

// rrText renders records one per line, tabs collapsed, for comparisons.
func rrText(rrs []dns.RR) string {
	var b strings.Builder
	for _, rr := range rrs {
		b.WriteString(strings.Join(strings.Fields(rr.String()), " "))
		b.WriteByte('\n')
	}
	return b.String()
}

// golden compares got with testdata/<name>, rewriting it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		t.Fatalf("golden file %s missing: run go test -update", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("%s mismatch (run go test -update after checking):\n--- got\n%s--- want\n%s", path, got, want)
	}
}

// query sends one question over net ("udp" or "tcp").
func query(t testing.TB, addr, network, name string, qtype uint16) *dns.Msg {
	t.Helper()
	m := new(dns.Msg).SetQuestion(name, qtype)
	c := &dns.Client{Net: network, Timeout: 5 * time.Second}
	r, _, err := c.Exchange(m, addr)
	if err != nil {
		t.Fatalf("query %s %s over %s: %v", name, dns.TypeToString[qtype], network, err)
	}
	return r
}
