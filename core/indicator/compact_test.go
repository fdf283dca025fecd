package indicator

import (
	"fmt"
	"slices"
	"testing"
	"unsafe"
)

// Compact keeps every value and uuid as it was, and lays them one after
// the other in list order.
func TestCompact(t *testing.T) {
	for _, n := range []int{0, 1, 2, 1000} {
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
