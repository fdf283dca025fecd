package stix21

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/internal/testtool"
)

// isPlainBytewise is isPlain one byte at a time.
func isPlainBytewise(s string) bool {
	for i := 0; i < len(s); i++ {
		if !plainByte[s[i]] {
			return false
		}
	}
	return true
}

func TestPlainByte(t *testing.T) {
	for c := 0; c < 256; c++ {
		want := c >= 0x20 && c <= 0x7e && c != '"' && c != '\'' && c != '\\'
		if plainByte[c] != want {
			t.Errorf("plainByte[%#x] = %v, want %v", c, plainByte[c], want)
		}
	}
}

// TestIsPlain puts every byte at every position of plain strings of
// lengths 1 to 24, alone and after or before another odd byte.
func TestIsPlain(t *testing.T) {
	for n := 1; n <= 24; n++ {
		for pos := 0; pos < n; pos++ {
			for c := 0; c < 256; c++ {
				b := []byte(strings.Repeat("a", n))
				b[pos] = byte(c)
				for _, s := range []string{string(b), "\x80" + string(b), string(b) + "~"} {
					if got, want := isPlain(s), isPlainBytewise(s); got != want {
						t.Fatalf("isPlain(%q) = %v, want %v", s, got, want)
					}
				}
			}
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 200_000 {
		b := make([]byte, r.IntN(40))
		for i := range b {
			b[i] = byte(0x1e + r.IntN(0x64))
		}
		if got, want := isPlain(string(b)), isPlainBytewise(string(b)); got != want {
			t.Fatalf("isPlain(%q) = %v, want %v", b, got, want)
		}
	}
}

// TestTimestampMatchesTime checks the day-cached timestamps against
// package time for every day from 1970 to 9999 (every 29th under the race
// detector), at seconds that move within a day and across days in both
// directions.
func TestTimestampMatchesTime(t *testing.T) {
	e := newEncoder(config{identityName: "x"}, time.Unix(0, 0))
	const last = 253402300799 // 9999-12-31T23:59:59Z
	check := func(ts int64) {
		t.Helper()
		want := appendTime(nil, time.Unix(ts, 0).UTC())
		if got := e.timestamp(ts); !bytes.Equal(got, want) {
			t.Fatalf("timestamp(%d) = %s, want %s", ts, got, want)
		}
	}
	step := int64(1)
	if testtool.RaceEnabled {
		step = 29 // every day of the month and of the week still comes up
	}
	for day := int64(0); day*86400 <= last; day += step {
		s := day * 86400
		check(s + 1 + day%86399)
		if day%7 == 0 {
			check(s + 86399)
			check(s + day%3600)
		}
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range 100_000 {
		check(1 + r.Int64N(last))
	}
	for _, ts := range []int64{1, 86399, 86400, 951782400, 951868800, 4107542400, last, 1, last} {
		check(ts)
	}
}

// fastCorpus holds generated indicators and values around the edges of
// the fast path.
func fastCorpus() []indicator.Indicator {
	ins := append(conformance.Generated(20_000, 7), tricky()...)
	long := strings.Repeat("a", maxNameRunes-1)
	for _, v := range []string{
		"", "a", long, long + "b", long + "bc", long + "é", long + "\"",
		"example.com/path", "example.com/a?u=http://x", "hxxp://example.com", "http://a'b",
		"a\tb", "a\nb", "a\r\nb", "tab\there", "x\x7f", "\xff", "é", "a\u2028b", `a"b`, `a\b`, "a'b",
	} {
		for _, typ := range (Renderer{}).Info().Types {
			ins = append(ins, indicator.Indicator{Type: typ, Value: v, Timestamp: 1767348000})
		}
		ins = append(ins, indicator.Indicator{Type: indicator.Vulnerability, Value: v})
	}
	return ins
}

// TestFastMatchesGeneral proves the fast path writes the very bytes of the
// general path, for every option set that changes the text around values.
func TestFastMatchesGeneral(t *testing.T) {
	ins := fastCorpus()
	for _, opts := range []map[string]string{
		nil,
		{OptTLP: "green"},
		{OptTLP: "clear", OptTLPVersion: "2", OptIdentityName: `Example "CERT" é`},
	} {
		c, err := Renderer{}.Parse(opts)
		if err != nil {
			t.Fatal(err)
		}
		fast := newEncoder(c, generated)
		general := newEncoder(c, generated)
		fast.scopeIDs()
		general.scopeIDs()
		nFast := 0
		for _, in := range ins {
			got, gotReason := fast.indicator(in)
			want, wantReason := general.slowIndicator(in)
			if !bytes.Equal(got, want) || gotReason != wantReason {
				t.Fatalf("%v %q:\n got %s %q\nwant %s %q", in.Type, in.Value, got, gotReason, want, wantReason)
			}
			if _, ok := general.fastIndicator(in); ok {
				nFast++
			}
		}
		if nFast < len(ins)/2 {
			t.Errorf("fast path took %d of %d indicators", nFast, len(ins))
		}
	}
}

// FuzzFastMatchesGeneral compares both paths on arbitrary values.
func FuzzFastMatchesGeneral(f *testing.F) {
	for _, in := range tricky() {
		f.Add(uint8(in.Type), in.Value, in.Timestamp)
	}
	f.Add(uint8(indicator.URL), "example.com/a?u=http://x", int64(951782400))
	c, err := Renderer{}.Parse(map[string]string{OptTLP: "amber"})
	if err != nil {
		f.Fatal(err)
	}
	fast := newEncoder(c, generated)
	general := newEncoder(c, generated)
	fast.scopeIDs()
	general.scopeIDs()
	f.Fuzz(func(t *testing.T, typ uint8, v string, ts int64) {
		in := indicator.Indicator{Type: indicator.Type(typ), Value: v, Timestamp: ts}
		got, gotReason := fast.indicator(in)
		want, wantReason := general.slowIndicator(in)
		if !bytes.Equal(got, want) || gotReason != wantReason {
			t.Fatalf("%v %q %d:\n got %s %q\nwant %s %q", in.Type, v, ts, got, gotReason, want, wantReason)
		}
	})
}
