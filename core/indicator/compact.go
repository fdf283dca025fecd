package indicator

import (
	"runtime"
	"sync"
	"unsafe"

	"github.com/cratos-project/cratos/internal/hugepage"
)

// Compact copies the Value and UUID of every indicator of ins into one
// string, in list order, and points the indicators there. After Normalize
// a list's values lie wherever extraction made them, so every later pass
// in list order (guard rails, content digest, each rendering) reads them
// from memory at random; in one string they are read in order, and the
// collector sees one object where it saw one per indicator. The types and
// categories are left as they are: they are shared names.
//
// A long list is copied in runs, one a core: reading the scattered text
// is most of the work.
func Compact(ins []Indicator) {
	runs := 1
	if len(ins) >= compactRunsMin {
		runs = min(runtime.GOMAXPROCS(0), 8)
	}
	// Run k is ins[k*len/runs : (k+1)*len/runs]; its text starts at at[k].
	bound := func(k int) int { return k * len(ins) / runs }
	at := make([]int, runs+1)
	each(runs, func(k int) {
		for i := bound(k); i < bound(k+1); i++ {
			at[k+1] += len(ins[i].Value) + len(ins[i].UUID)
		}
	})
	for k := range runs {
		at[k+1] += at[k]
	}
	buf := make([]byte, at[runs])
	hugepage.Back(buf)
	each(runs, func(k int) {
		b := buf[at[k]:at[k]]
		for i := bound(k); i < bound(k+1); i++ {
			b = append(append(b, ins[i].Value...), ins[i].UUID...)
		}
	})
	// buf is not written again.
	all := unsafe.String(unsafe.SliceData(buf), len(buf))
	each(runs, func(k int) {
		rest := all[at[k]:]
		for i := bound(k); i < bound(k+1); i++ {
			in := &ins[i]
			v, u := len(in.Value), len(in.UUID)
			in.Value, in.UUID, rest = rest[:v], rest[v:v+u], rest[v+u:]
		}
	})
}

// compactRunsMin is the length from which Compact copies in runs.
const compactRunsMin = 1 << 16

// each calls f(k) for k in [0, n), each in a goroutine of its own when n
// is more than one, and returns when all have.
func each(n int, f func(k int)) {
	if n == 1 {
		f(0)
		return
	}
	var wg sync.WaitGroup
	for k := range n {
		wg.Go(func() { f(k) })
	}
	wg.Wait()
}
