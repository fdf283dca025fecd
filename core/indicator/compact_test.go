package indicator

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"unsafe"
)

// Compact keeps every value and uuid as it was, and lays them one after
// the other in list order.
func TestCompact(t *testing.T) {
	for _, n := range []int{0, 1, 2, 1000, compactRunsMin + 3} {
		ins := make([]Indicator, n)
		for i := range ins {
			ins[i] = Indicator{Type: IPv4, Value: fmt.Sprintf("192.0.2.%d", i%256), UUID: fmt.Sprintf("u-%d", i), MISPType: "ip-dst"}
			if i%7 == 3 {
				ins[i].UUID = ""
			}
			if i%11 == 5 {
				ins[i].Value = ""
			}
		}
		want := slices.Clone(ins)
		Compact(ins)
		if !slices.Equal(ins, want) {
			t.Fatalf("%d indicators changed", n)
		}
		var next uintptr // where the next text should start
		for i := range ins {
			for _, s := range []string{ins[i].Value, ins[i].UUID} {
				if s == "" {
					continue
				}
				at := uintptr(unsafe.Pointer(unsafe.StringData(s)))
				if next != 0 && at != next {
					t.Fatalf("%d indicators: indicator %d's text does not follow the one before it", n, i)
				}
				next = at + uintptr(len(s))
			}
		}
	}
}

// BenchmarkCompact compacts a list of a million indicators whose text
// lies out of list order, as it does after Normalize.
func BenchmarkCompact(b *testing.B) {
	const n = 1 << 20
	text := make([]byte, 0, n*49)
	for i := range n {
		text = fmt.Appendf(text, "10.%d.%d.%d", i>>16&255, i>>8&255, i&255)
		text = fmt.Appendf(text, "%08x-0000-4000-8000-%012x", i, i)
	}
	all := string(text)
	src := make([]Indicator, n)
	at := 0
	for i := range src {
		v := len(fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255))
		src[i] = Indicator{Type: IPv4, Value: all[at : at+v], UUID: all[at+v : at+v+36]}
		at += v + 36
	}
	rand.New(rand.NewPCG(1, 2)).Shuffle(n, func(i, j int) { src[i], src[j] = src[j], src[i] })
	ins := make([]Indicator, n)
	b.SetBytes(int64(len(all)))
	for b.Loop() {
		copy(ins, src)
		Compact(ins)
	}
}
