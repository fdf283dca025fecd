package taxii

import (
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
)

// TestMatchExactVersion: match[version] with a timestamp selects the
// version whose modified time is that instant, not one in the same
// millisecond.
func TestMatchExactVersion(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	a := ind(indicator.IPv4, "192.0.2.1", 1700000000) // created 2023-11-14T22:13:20.000Z
	c := NewCollection(testID)
	apply(t, c, t0, nil, a)
	apply(t, c, t0.Add(time.Minute), nil) // revoked at 2026-05-01T10:01:00.000Z
	id := sid(a)
	tests := []struct {
		version string
		want    int
	}{
		{"2023-11-14T22:13:20.000Z", 1},
		{"2023-11-14T22:13:20Z", 1},
		{"2023-11-14T22:13:20.000000Z", 1},
		{"2026-05-01T10:01:00.000Z", 1},
		{"2023-11-14T22:13:20.0005Z", 0},
		{"2023-11-14T22:13:20.000001Z", 0},
		{"2026-05-01T10:01:00.000999Z", 0},
		{"2023-11-14T22:13:20.000Z,2026-05-01T10:01:00.000Z", 2},
	}
	for _, tt := range tests {
		t.Run(tt.version, func(t *testing.T) {
			_, objs := decode(t, mustObjects(t, c, "match[version]="+tt.version, id))
			if len(objs) != tt.want {
				t.Fatalf("%d objects, want %d: %+v", len(objs), tt.want, objs)
			}
			m, _ := decode(t, mustManifest(t, c, "match[id]="+id+"&match[version]="+tt.version))
			if len(m.Objects) != tt.want {
				t.Fatalf("manifest: %d entries, want %d", len(m.Objects), tt.want)
			}
		})
	}
}
