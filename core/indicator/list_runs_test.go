package indicator

import (
	"fmt"
	"runtime"
	"slices"
	"testing"
)

// A long list is made in runs, one a core, each naming its origins among
// its own names: whatever the number of runs, each indicator reads back
// as it was, and the list's names are in the order first seen, as one
// namer reading the list in order gives them.
func TestNewListRunsNameOrigins(t *testing.T) {
	ins := make([]Indicator, 2*listRunsMin+5)
	var want namer
	for i := range ins {
		// The later part of the list sees names in another order, and
		// names the earlier part has not.
		mispType := fmt.Sprintf("type-%d", (i*7/len(ins)+i%3)%5)
		if i > len(ins)/2 && i%11 == 0 {
			mispType = fmt.Sprintf("late-%d", i%4)
		}
		ins[i] = Indicator{Type: IPv4, Value: fmt.Sprintf("10.0.%d.%d", i>>8&255, i&255), MISPType: mispType, Category: "Network activity"}
		want.place(names{ins[i].MISPType, ins[i].Category})
	}
	for _, procs := range []int{1, 2, 3, 8} {
		t.Run(fmt.Sprintf("%d cores", procs), func(t *testing.T) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			l, err := NewList(ins)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(l.Slice(), ins) {
				t.Fatal("the list does not read back as made")
			}
			if !slices.Equal(l.names, want.names) {
				t.Errorf("names %v, want %v", l.names, want.names)
			}
		})
	}
}
