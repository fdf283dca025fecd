package workgroup

import (
	"strings"
	"sync/atomic"
	"testing"
)

func TestGroup(t *testing.T) {
	for _, tc := range []struct {
		name   string
		panics []int // which of five workers panic
	}{
		{"none", nil},
		{"one", []int{3}},
		{"several", []int{0, 2, 4}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var g Group
			var ran atomic.Int32
			for i := range 5 {
				g.Go(func() {
					ran.Add(1)
					for _, p := range tc.panics {
						if p == i {
							panic(i)
						}
					}
				})
			}
			got := func() (p any) {
				defer func() { p = recover() }()
				g.Wait()
				return nil
			}()
			if ran.Load() != 5 {
				t.Fatalf("%d workers ran, want 5", ran.Load())
			}
			if len(tc.panics) == 0 {
				if got != nil {
					t.Fatalf("Wait panicked with %v", got)
				}
				return
			}
			p, ok := got.(*Panic)
			if !ok {
				t.Fatalf("Wait panicked with %#v, want a *Panic", got)
			}
			v, _ := p.Value.(int)
			found := false
			for _, want := range tc.panics {
				found = found || v == want
			}
			if !found || !strings.Contains(string(p.Stack), "workgroup_test.go") || p.Error() != "panic in a worker: "+string(rune('0'+v)) {
				t.Fatalf("panic %v, error %q, stack:\n%s", p.Value, p.Error(), p.Stack)
			}
		})
	}
}
