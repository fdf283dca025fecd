package dnsprimary

import (
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
)

func TestSerialArithmetic(t *testing.T) {
	tests := []struct {
		name   string
		s1, s2 uint32
		less   bool
	}{
		{"smaller", 1, 2, true},
		{"equal", 7, 7, false},
		{"greater", 2, 1, false},
		{"wrap: max before 0", 4294967295, 0, true},
		{"wrap: 0 after max", 0, 4294967295, false},
		{"window edge inside", 0, 1<<31 - 1, true},
		{"half way is undefined (s1<s2)", 0, 1 << 31, false},
		{"half way is undefined (s2<s1)", 1 << 31, 0, false},
		{"past half way is behind", 0, 1<<31 + 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := serialLess(tt.s1, tt.s2); got != tt.less {
				t.Errorf("serialLess(%d, %d) = %v, want %v", tt.s1, tt.s2, got, tt.less)
			}
		})
	}
}

func TestNextSerial(t *testing.T) {
	tests := []struct {
		name string
		cur  uint32
		now  int64
		want uint32
	}{
		{"clock ahead: unix time", 1000, 5000, 5000},
		{"same second: current+1", 5000, 5000, 5001},
		{"clock behind: current+1", 5000, 10, 5001},
		{"date-style serial ahead of clock: current+1", 2026010299, testEpoch, 2026010300},
		{"serial at max wraps to 0", 4294967295, 100, 100},
		{"serial at max, clock far behind: wraps", 4294967295, 4294967295 - 1<<31 + 1, 0},
		{"unix time past 2106 wraps and still grows", 4294967290, 4294967296 + 20, 20},
		{"clock more than 2^31 ahead: current+1", 1000, 1000 + 1<<31 + 5, 1001},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := nextSerial(tt.cur, time.Unix(tt.now, 0))
			if got != tt.want {
				t.Errorf("nextSerial(%d, %d) = %d, want %d", tt.cur, tt.now, got, tt.want)
			}
			if !serialLess(tt.cur, got) {
				t.Errorf("nextSerial(%d) = %d is not greater in serial arithmetic", tt.cur, got)
			}
		})
	}
}

func TestParseZone(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		want    string // records (without SOA), one per line
		wantErr string
	}{
		{
			name: "formats 7.1 layout, sorted and de-duplicated",
			text: zoneHeader + "b.example CNAME .\nA.example CNAME .\n*.a.example CNAME .\nb.example CNAME .\n" +
				"24.0.113.0.203.rpz-ip CNAME .\n48.zz.1.db8.2001.rpz-ip CNAME .\n",
			want: "rpz.cratos. 300 IN NS rpz-master.example.\n" +
				"a.example.rpz.cratos. 300 IN CNAME .\n" +
				"*.a.example.rpz.cratos. 300 IN CNAME .\n" +
				"b.example.rpz.cratos. 300 IN CNAME .\n" +
				"48.zz.1.db8.2001.rpz-ip.rpz.cratos. 300 IN CNAME .\n" + // canonical order: label 2001 < 203
				"24.0.113.0.203.rpz-ip.rpz.cratos. 300 IN CNAME .\n",
		},
		{
			name:    "no SOA",
			text:    "$TTL 300\n@ NS ns.example.\n",
			wantErr: "no SOA record at the zone apex",
		},
		{
			name:    "empty text",
			text:    "",
			wantErr: "no SOA record at the zone apex",
		},
		{
			name:    "two SOAs",
			text:    zoneHeader + "@ SOA a. b. 1 2 3 4 5\n",
			wantErr: "more than one SOA record",
		},
		{
			name:    "SOA below the apex",
			text:    zoneHeader + "sub SOA a. b. 1 2 3 4 5\n",
			wantErr: "sub.rpz.cratos.: SOA below the zone apex",
		},
		{
			name:    "owner outside the zone",
			text:    zoneHeader + "bad.example. CNAME .\n",
			wantErr: "bad.example.: owner outside the zone rpz.cratos.",
		},
		{
			name:    "CNAME and other data",
			text:    zoneHeader + "garden.example CNAME .\ngarden.example A 192.0.2.10\n",
			wantErr: "garden.example.rpz.cratos.: CNAME and other data",
		},
		{
			name:    "two CNAMEs at one owner",
			text:    zoneHeader + "bad.example CNAME .\nbad.example CNAME rpz-drop.\n",
			wantErr: "bad.example.rpz.cratos.: more than one CNAME",
		},
		{
			name:    "syntax error",
			text:    zoneHeader + "bad;example CNAME .\n",
			wantErr: "dns: ",
		},
		{
			name:    "$INCLUDE is not followed",
			text:    zoneHeader + "$INCLUDE /etc/hostname\n",
			wantErr: "$INCLUDE directive not allowed",
		},
		{
			name:    "class other than IN",
			text:    zoneHeader + "bad.example CH TXT x\n",
			wantErr: "class CH, want IN",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := parseZone(tt.text, testZone)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("parseZone error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseZone: %v", err)
			}
			var rrs []dns.RR
			for _, r := range p.records {
				rrs = append(rrs, r.rr)
			}
			if got := rrText(rrs); got != tt.want {
				t.Errorf("records:\n%s\nwant:\n%s", got, tt.want)
			}
			if p.soa.Ns != "rpz-master.example." || p.soa.Refresh != 3600 || p.soa.Retry != 900 || p.soa.Expire != 2592000 || p.soa.Minttl != 300 {
				t.Errorf("SOA fields = %v", p.soa)
			}
		})
	}
}

func TestNextSnapshot(t *testing.T) {
	parse := func(text string) *parsed {
		t.Helper()
		p, err := parseZone(text, testZone)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	now := time.Unix(testEpoch, 0)
	v1 := parse(policyZone([]string{"a.example", "b.example"}))
	first := next(nil, v1, now, 32)
	if first.soa.Serial != testEpoch {
		t.Fatalf("first serial = %d, want the unix time %d", first.soa.Serial, testEpoch)
	}

	tests := []struct {
		name              string
		text              string
		wantNil           bool
		removed, added    string
		wantJournalLength int
	}{
		{name: "same content", text: policyZone([]string{"b.example", "a.example"}), wantNil: true},
		{name: "same content, other text serial", text: strings.Replace(policyZone([]string{"a.example", "b.example"}), "2026010201", "7", 1), wantNil: true},
		{
			name:    "one domain removed, one added",
			text:    policyZone([]string{"a.example", "c.example"}),
			removed: "b.example.rpz.cratos. 300 IN CNAME .\n*.b.example.rpz.cratos. 300 IN CNAME .\n",
			added:   "c.example.rpz.cratos. 300 IN CNAME .\n*.c.example.rpz.cratos. 300 IN CNAME .\n",
		},
		{
			name: "only the SOA timers changed",
			text: strings.Replace(policyZone([]string{"a.example", "b.example"}), "1h 15m", "2h 15m", 1),
		},
		{
			name:    "TTL changed",
			text:    strings.Replace(policyZone([]string{"a.example"}), "$TTL 300", "$TTL 60", 1),
			removed: "rpz.cratos. 300 IN NS rpz-master.example.\na.example.rpz.cratos. 300 IN CNAME .\n*.a.example.rpz.cratos. 300 IN CNAME .\nb.example.rpz.cratos. 300 IN CNAME .\n*.b.example.rpz.cratos. 300 IN CNAME .\n",
			added:   "rpz.cratos. 60 IN NS rpz-master.example.\na.example.rpz.cratos. 60 IN CNAME .\n*.a.example.rpz.cratos. 60 IN CNAME .\n",
			// The diff (8) is larger than the new zone (3): not journaled.
			wantJournalLength: -1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := next(first, parse(tt.text), now, 32)
			if tt.wantNil {
				if got != nil {
					t.Fatalf("next = serial %d, want no change", got.soa.Serial)
				}
				return
			}
			if got == nil {
				t.Fatal("next = nil, want a new serial")
			}
			if got.soa.Serial != testEpoch+1 {
				t.Errorf("serial = %d, want %d", got.soa.Serial, testEpoch+1)
			}
			if tt.wantJournalLength == -1 {
				if len(got.journal) != 0 {
					t.Errorf("journal has %d entries, want none", len(got.journal))
				}
				return
			}
			if len(got.journal) != 1 {
				t.Fatalf("journal has %d entries, want 1", len(got.journal))
			}
			d := got.journal[0]
			if d.from.Serial != testEpoch || d.to.Serial != testEpoch+1 {
				t.Errorf("delta %d -> %d, want %d -> %d", d.from.Serial, d.to.Serial, testEpoch, testEpoch+1)
			}
			if r := rrText(d.removed); r != tt.removed {
				t.Errorf("removed:\n%s\nwant:\n%s", r, tt.removed)
			}
			if a := rrText(d.added); a != tt.added {
				t.Errorf("added:\n%s\nwant:\n%s", a, tt.added)
			}
		})
	}
}

func TestJournalBound(t *testing.T) {
	now := time.Unix(testEpoch, 0)
	domains := []string{"a.example", "b.example", "c.example", "d.example", "e.example", "f.example"}
	tests := []struct {
		name       string
		size       int
		wantLen    int
		wantOldest uint32 // from-serial of the oldest entry
	}{
		{"bound 3 keeps the last 3 of 5", 3, 3, testEpoch + 2},
		{"bound 1 keeps the last", 1, 1, testEpoch + 4},
		{"bound 10 keeps all 5", 10, 5, testEpoch},
		{"journal off", 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var snap *snapshot
			for i := 1; i <= len(domains); i++ {
				p, err := parseZone(policyZone(domains[:i]), testZone)
				if err != nil {
					t.Fatal(err)
				}
				snap = next(snap, p, now, tt.size)
			}
			if snap.soa.Serial != testEpoch+5 {
				t.Fatalf("serial = %d, want %d", snap.soa.Serial, testEpoch+5)
			}
			if len(snap.journal) != tt.wantLen {
				t.Fatalf("journal length = %d, want %d", len(snap.journal), tt.wantLen)
			}
			if tt.wantLen == 0 {
				return
			}
			if got := snap.journal[0].from.Serial; got != tt.wantOldest {
				t.Errorf("oldest entry from %d, want %d", got, tt.wantOldest)
			}
			for i, d := range snap.journal {
				if d.to.Serial != d.from.Serial+1 || (i > 0 && snap.journal[i-1].to.Serial != d.from.Serial) {
					t.Errorf("entry %d: %d -> %d breaks the chain", i, d.from.Serial, d.to.Serial)
				}
			}
			if _, ok := snap.changesSince(tt.wantOldest - 1); ok {
				t.Errorf("changesSince(%d) found a chain past the bound", tt.wantOldest-1)
			}
		})
	}
}

func TestSnapshotNames(t *testing.T) {
	p, err := parseZone(policyZone([]string{"bad.example"}, "24.0.113.0.203.rpz-ip"), testZone)
	if err != nil {
		t.Fatal(err)
	}
	s := next(nil, p, time.Unix(testEpoch, 0), 32)
	tests := []struct {
		name    string
		exists  bool
		records int
	}{
		{"rpz.cratos.", true, 1},
		{"bad.example.rpz.cratos.", true, 1},
		{"*.bad.example.rpz.cratos.", true, 1},
		{"example.rpz.cratos.", true, 0},            // empty non-terminal
		{"0.113.0.203.rpz-ip.rpz.cratos.", true, 0}, // empty non-terminal
		{"www.bad.example.rpz.cratos.", false, 0},
		{"other.rpz.cratos.", false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, ok := s.names[tt.name]
			if ok != tt.exists {
				t.Fatalf("exists = %v, want %v", ok, tt.exists)
			}
			if ok && len(n.rrs) != tt.records {
				t.Errorf("records = %d, want %d", len(n.rrs), tt.records)
			}
		})
	}
}

// Two spellings of one owner name are one owner: one record in the zone,
// found by a query, and the same key after the state file's round trip,
// so that a restart keeps the serial.
func TestOwnerSpellings(t *testing.T) {
	tests := []struct {
		name      string
		spellings []string
		owner     string
	}{
		{"decimal escape of a space", []string{`foo\032bar.example`, `foo\ bar.example`}, `foo\ bar.example.rpz.cratos.`},
		{"decimal escape of a capital", []string{`\065bc.example`, `ABC.example`, `abc.example`}, `abc.example.rpz.cratos.`},
		{"decimal escape of a letter", []string{`\097bc.example`}, `abc.example.rpz.cratos.`},
		{"escaped dot in a label", []string{`a\.B.example`, `a\046b.example`}, `a\.b.example.rpz.cratos.`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := zoneHeader
			for _, s := range tt.spellings {
				text += s + " CNAME .\n"
			}
			p, err := parseZone(text, testZone)
			if err != nil {
				t.Fatal(err)
			}
			if len(p.records) != 2 { // NS and the one CNAME
				t.Fatalf("records:\n%s", rrText(recordRRs(p.records)))
			}
			cname := p.records[1].rr
			if got := cname.Header().Name; got != tt.owner {
				t.Errorf("owner %q, want %q", got, tt.owner)
			}
			snap := newSnapshot(withSerial(p.soa, testEpoch), p.records, nil)
			q := new(dns.Msg).SetQuestion(tt.owner, dns.TypeCNAME)
			if r := answer(q, snap); r.Rcode != dns.RcodeSuccess || len(r.Answer) != 1 {
				t.Errorf("query %s: rcode %s, answer %v", tt.owner, dns.RcodeToString[r.Rcode], r.Answer)
			}
			b, err := encodeZone(testZone, snap)
			if err != nil {
				t.Fatal(err)
			}
			restored, err := decodeZone(testZone, b)
			if err != nil {
				t.Fatal(err)
			}
			if n := next(restored, p, time.Unix(testEpoch+60, 0), DefaultJournalSize); n != nil {
				t.Errorf("the same text after a restart moved the serial to %d: removed %v, added %v",
					n.soa.Serial, n.journal[0].removed, n.journal[0].added)
			}
		})
	}
}

func recordRRs(recs []record) []dns.RR {
	rrs := make([]dns.RR, len(recs))
	for i, r := range recs {
		rrs[i] = r.rr
	}
	return rrs
}
