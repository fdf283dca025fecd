package export

import (
	"testing"
	"time"
)

func TestArtifactHeaders(t *testing.T) {
	tests := []struct {
		name string
		a    *Artifact
		want HeaderValues
	}{
		{"plain", &Artifact{Generated: time.Date(2026, 11, 23, 2, 53, 42, 5, time.FixedZone("CET", 3600)), Entries: 12, Invalid: 0},
			HeaderValues{LastModified: "Mon, 23 Nov 2026 01:53:42 GMT", LastRead: "Mon, 23 Nov 2026 01:53:42 GMT", Entries: "12", Invalid: "0"}},
		{"read after its content changed", &Artifact{Generated: time.Date(2026, 11, 23, 1, 53, 42, 0, time.UTC), Fetched: time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC), Entries: 1},
			HeaderValues{LastModified: "Mon, 23 Nov 2026 01:53:42 GMT", LastRead: "Tue, 01 Dec 2026 08:00:00 GMT", Entries: "1", Invalid: "0"}},
		{"kept nets and drops", &Artifact{Generated: time.Unix(0, 0), Entries: 3, Invalid: 4, KeptNets: 2,
			Dropped: map[string]int{"name too long": 1, "a,b;c=d": 5}},
			HeaderValues{LastModified: "Thu, 01 Jan 1970 00:00:00 GMT", LastRead: "Thu, 01 Jan 1970 00:00:00 GMT", Entries: "3", Invalid: "4", KeptNets: "2",
				Dropped: "a b c d=5, name too long=1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			first := tt.a.Headers()
			if *first != tt.want {
				t.Errorf("Headers() = %+v, want %+v", *first, tt.want)
			}
			if second := tt.a.Headers(); second != first {
				t.Error("Headers() formats again on the second call")
			}
		})
	}
}
