package export

import (
	"encoding/binary"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
)

// A snapshot read from the shared level (memcached) is whatever bytes it
// holds: decodeSnapshot refuses what it cannot read, and what it reads
// is written back and read again the same.
func FuzzDecodeSnapshot(f *testing.F) {
	f.Add(encodeSnapshot(&Snapshot{Fetched: time.Unix(1700000000, 0)}))
	list, err := indicator.NewList([]indicator.Indicator{
		{Type: indicator.IPv4, Value: "192.0.2.1", MISPType: "ip-dst", Category: "Network activity", UUID: "u1", EventID: 7, Timestamp: 1699999999, ToIDS: true},
		{Type: indicator.Domain, Value: "example.org", MISPType: "domain", EventID: -1, Timestamp: 1 << 40},
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(encodeSnapshot(&Snapshot{Fetched: time.Unix(1700000000, 5), Indicators: list, Stats: indicator.Stats{Attributes: 3},
		Refused: []indicator.Indicator{{Type: indicator.IPv4Net, Value: "10.0.0.0/8"}}}))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := decodeSnapshot(b)
		if err != nil {
			return
		}
		again, err := decodeSnapshot(encodeSnapshot(s))
		if err != nil {
			t.Fatalf("a snapshot read is not read again: %v", err)
		}
		if !again.Fetched.Equal(s.Fetched) || again.Stats != s.Stats || !slices.Equal(again.Indicators.Slice(), s.Indicators.Slice()) ||
			!slices.Equal(again.Refused, s.Refused) {
			t.Fatalf("read again differently: %+v, then %+v", s, again)
		}
	})
}

// TestDecodeSnapshotCounts reads the smallest indicators encoder.list
// writes, and refuses a count that bytes of that size could not hold
// before allocating for it.
func TestDecodeSnapshotCounts(t *testing.T) {
	zero := encodeSnapshot(&Snapshot{Fetched: time.Unix(1, 0), Refused: make([]indicator.Indicator, 3)})
	s, err := decodeSnapshot(zero)
	if err != nil || len(s.Refused) != 3 {
		t.Fatalf("three zero indicators: %v, %v", s, err)
	}
	head := encodeSnapshot(&Snapshot{Fetched: time.Unix(1, 0)})
	head = head[:len(head)-2] // the two empty lists' counts
	claim := binary.AppendUvarint(slices.Clone(head), 1<<20)
	claim = append(claim, make([]byte, 1<<20)...) // a byte for each, not eight
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err = decodeSnapshot(claim)
	runtime.ReadMemStats(&after)
	if err == nil {
		t.Fatal("a count of 1 Mi indicators in 1 MiB was read")
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
		t.Errorf("%d bytes allocated for a refused count", n)
	}
}
