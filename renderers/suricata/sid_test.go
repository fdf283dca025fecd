package suricata

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

func TestSnortSIDInGeneratedRange(t *testing.T) {
	top := strconv.Itoa(DefaultSIDBase + SIDSpace) // first SID past the default range
	for _, tc := range []struct {
		sid, bits string
		dropped   bool
	}{
		{strconv.Itoa(DefaultSIDBase - 1), "26", false},
		{strconv.Itoa(DefaultSIDBase), "26", true},
		{strconv.Itoa(DefaultSIDBase + SIDSpace - 1), "26", true},
		{top, "26", false},
		{top, "27", true},
		{strconv.Itoa(DefaultSIDBase + 1<<31), "31", false},
	} {
		rule := `alert tcp any any -> any any (msg:"a"; sid:` + tc.sid + `;)`
		out, drops := renderOut(t, "", map[string]string{"sid_bits": tc.bits}, []indicator.Indicator{ind(indicator.Snort, rule)})
		if got := drops["snort rule whose sid is in the generated range"] == 1; got != tc.dropped || got == strings.Contains(out, rule) {
			t.Errorf("sid %s, sid_bits %s: dropped %v, want %v", tc.sid, tc.bits, got, tc.dropped)
		}
	}
}

func TestSIDCollision(t *testing.T) {
	// h2821.example and h6558.example share the hostname-dns slot.
	a, b := ind(indicator.Hostname, "h2821.example"), ind(indicator.Hostname, "h6558.example")
	hashed := DefaultSIDBase + slotOf(ruleHash("hostname-dns", indicator.Hostname, "h2821.example"), DefaultSIDBits)
	rule := func(v string, sid uint32) string {
		return `alert dns $HOME_NET any -> any any (msg:"CRATOS hostname-dns ` + v + `"; dns.query; content:"` + v +
			`"; nocase; bsize:13; classtype:trojan-activity; sid:` + strconv.FormatUint(uint64(sid), 10) + "; rev:1;)\n"
	}
	note := "# sid " + strconv.FormatUint(uint64(hashed+1), 10) + ": its hashed SID " + strconv.FormatUint(uint64(hashed), 10) +
		" is taken by an earlier rule; this SID can change when that rule comes or goes\n"
	for _, tc := range []struct {
		name string
		in   []indicator.Indicator
		want string
	}{
		{"alone", []indicator.Indicator{b}, rule("h6558.example", hashed)},
		{"after the rule it collides with", []indicator.Indicator{a, b}, rule("h2821.example", hashed) + note + rule("h6558.example", hashed+1)},
	} {
		out, _ := renderOut(t, "", nil, tc.in)
		var got string
		for line := range strings.Lines(out) {
			if strings.Contains(line, "hostname-dns") || strings.HasPrefix(line, "# sid ") {
				got += line
			}
		}
		if got != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
	}
}

// BenchmarkSIDChurn renders a list and the same list with 1 % of its
// values removed and 1 % added, and reports how many of the rules in both
// have another SID in the second (changed) out of how many (common). An
// IP group's rule is its kind and first member.
func BenchmarkSIDChurn(b *testing.B) {
	for _, tc := range []struct {
		name string
		n    int // 0: the real data
		opts map[string]string
	}{
		{"real", 0, nil},
		{"100k", 100_000, nil},
		{"1M", 1_000_000, nil},
		{"real, sid_bits 31", 0, map[string]string{"sid_bits": "31"}},
		{"100k, sid_bits 31", 100_000, map[string]string{"sid_bits": "31"}},
		{"1M, sid_bits 31", 1_000_000, map[string]string{"sid_bits": "31"}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var base []indicator.Indicator
			if tc.n == 0 {
				base, _ = rendertest.RealData(b)
			} else {
				base = conformance.Generated(tc.n, 11)
			}
			base = rendertest.OfTypes(base, info.Types...)
			var next []indicator.Indicator
			for i, v := range base {
				if i%100 != 50 {
					next = append(next, v)
				}
			}
			added := rendertest.OfTypes(conformance.Generated(max(1, len(base)/100), 12), info.Types...)
			next = indicator.Normalize(append(next, added...))
			var changed, common int
			for b.Loop() {
				changed, common = sidChurn(b, tc.opts, base, next)
			}
			b.ReportMetric(float64(changed), "changed")
			b.ReportMetric(float64(common), "common")
		})
	}
}

// sidChurn counts the rules of a's and b's renders that both have (common)
// and those of them whose SID differs (changed).
func sidChurn(tb testing.TB, opts map[string]string, a, b []indicator.Indicator) (changed, common int) {
	sa := ruleSIDs(tb, opts, a)
	for k, sid := range ruleSIDs(tb, opts, b) {
		if old, ok := sa[k]; ok {
			common++
			if old != sid {
				changed++
			}
		}
	}
	return changed, common
}

// ruleSIDs renders in and returns the SID of each generated rule by its
// msg, with an IP group's " and N more" cut off.
func ruleSIDs(tb testing.TB, opts map[string]string, in []indicator.Indicator) map[string]uint32 {
	var buf bytes.Buffer
	req := renderers.Request{Options: opts, Generated: rendertest.BlockGenerated}
	if err := (Renderer{}).Render(context.Background(), &buf, req, renderers.Slice(in)); err != nil {
		tb.Fatal(err)
	}
	m := map[string]uint32{}
	for line := range strings.Lines(buf.String()) {
		i := strings.Index(line, `msg:"CRATOS `)
		if i < 0 {
			continue
		}
		msg := line[i+5:]
		msg = msg[:strings.Index(msg, `";`)]
		if j := strings.Index(msg, " and "); j > 0 && strings.HasPrefix(msg, "CRATOS ip-") {
			msg = msg[:j]
		}
		s := line[strings.LastIndex(line, "; sid:")+6:]
		n, _ := strconv.ParseUint(s[:strings.IndexByte(s, ';')], 10, 32)
		m[msg] = uint32(n)
	}
	return m
}
