package misp

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestDecodePageRandomAsFastjson builds pages of random attributes from
// the pieces that matter (the seven fields' names, escaped or not, values
// of every kind, escapes, odd numbers, nesting, white space), damages some
// of them by a byte, and checks decodePage answers each as the fastjson
// decoder did.
func TestDecodePageRandomAsFastjson(t *testing.T) {
	keys := []string{"type", "value", "category", "uuid", "event_id", "timestamp", "to_ids",
		`t\u0079pe`, `valu\u0065`, `\u0076alue`, `to_id\u0073`, `uu\u0069d`, `event\u005fid`,
		"Event", "x", `a\"b`, `\\`, `val\ue`, `value\u`, "Value", ""}
	scalars := []string{`"ip-dst"`, `"Network activity"`, `"192.0.2.1"`, `"a\"b\\c"`, `"\u00e9\n\t"`,
		`"\ud83d\ude00"`, `"\ud800"`, `"\udc00\ud800"`, `"\ud800\u0041"`, `"\q\u12"`, `"\u00"`, `"1"`, `"0"`,
		`"true"`, `"tru\u0065"`, `"99999999999999999999"`, `"-7"`, `"+7"`, `"007"`, `""`, "\"\x00\xff\"",
		`0`, `1`, `-1`, `1.5`, `1e3`, `-0`, `NaN`, `nan`, `-Inf`, `inf`, `+1`, `--`, `.`, `e`, `+inf`,
		`12345678901234567890`, `123456789012345678`, `1234567890123456789`, `true`, `false`, `null`}
	ws := []string{"", "", "", " ", "\n", "\t", "\r\n  "}
	r := rand.New(rand.NewPCG(1, 2))
	pick := func(s []string) string { return s[r.IntN(len(s))] }
	var value func(b *strings.Builder, depth int)
	value = func(b *strings.Builder, depth int) {
		switch n := r.IntN(10); {
		case n < 7 || depth > 3:
			b.WriteString(pick(scalars))
		case n < 9:
			b.WriteByte('{')
			for i := range r.IntN(3) {
				if i > 0 {
					b.WriteByte(',')
				}
				b.WriteString(pick(ws) + `"` + pick(keys) + `"` + pick(ws) + ":" + pick(ws))
				value(b, depth+1)
			}
			b.WriteByte('}')
		default:
			b.WriteByte('[')
			for i := range r.IntN(3) {
				if i > 0 {
					b.WriteString(pick(ws) + "," + pick(ws))
				}
				value(b, depth+1)
			}
			b.WriteByte(']')
		}
	}
	attr := func() string {
		var b strings.Builder
		b.WriteString("{" + pick(ws))
		for i := range r.IntN(9) {
			if i > 0 {
				b.WriteString(pick(ws) + "," + pick(ws))
			}
			b.WriteString(`"` + pick(keys) + `"` + pick(ws) + ":" + pick(ws))
			value(&b, 2)
		}
		b.WriteString(pick(ws) + "}")
		return b.String()
	}
	const damage = `"{}[],:\ 0aen`
	accepted := 0
	for range 20000 {
		attrs := make([]string, 1+r.IntN(3))
		for i := range attrs {
			attrs[i] = attr()
		}
		page := attrPage(attrs...)
		if r.IntN(3) == 0 {
			i := r.IntN(len(page))
			switch r.IntN(3) {
			case 0:
				page = append(page[:i:i], page[i+1:]...)
			case 1:
				page = append(page[:i:i], append([]byte{damage[r.IntN(len(damage))]}, page[i:]...)...)
			default:
				page = page[:i]
			}
		}
		if d := sameAsFastjson(t, page); d.err == "" {
			accepted++
		}
	}
	t.Logf("%d of 20000 pages accepted", accepted)
	if accepted < 5000 {
		t.Fatalf("only %d of 20000 pages were accepted: the pages test too little", accepted)
	}
}
