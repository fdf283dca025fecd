package export

import (
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
