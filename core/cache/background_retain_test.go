package cache

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"
)

// The queue lets go of a value once it is written: the values of the
// writes done must not stay reachable from the queue's array, outside the
// queue's limit, which counts only those still to be written.
func TestBackgroundQueueKeepsNoWrittenValue(t *testing.T) {
	m, release := stuckWriter(t, DefaultBackgroundMaxBytes)
	ctx := context.Background()
	heap := func() int64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return int64(ms.HeapAlloc)
	}
	before := heap()
	const writes, size = 24, 512 << 10 // 12 MiB
	for i := range writes {
		value := bytes.Repeat([]byte{byte('a' + i)}, size)
		if err := m.Set(ctx, fmt.Sprintf("list-%d", i), value, time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	release()
	waitWrites(t, m)
	if held := heap() - before; held > writes*size/2 {
		t.Errorf("after every write was made the heap holds %d bytes more, want well under the %d bytes written", held, writes*size)
	}
}
