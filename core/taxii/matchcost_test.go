package taxii

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
)

// TestManyMatchValuesCostOneLookup: a request naming many match[type]
// or match[version] values costs one lookup per object version, not one
// comparison with each value. Each object was compared with every value,
// so a client naming a few thousand (a URL holds that many) made a poll
// of a large collection take seconds of CPU, with the collection's lock
// held and its refresh waiting; here, comparing each of 50,000 objects
// with 400,000 values takes minutes.
func TestManyMatchValuesCostOneLookup(t *testing.T) {
	const objects, values = 50000, 400000
	ins := make([]indicator.Indicator, objects)
	for i := range ins {
		ins[i] = ind(indicator.Domain, fmt.Sprintf("d%d.example.com", i), 1700000000) // created 2023-11-14T22:13:20.000Z
	}
	c := NewCollection(testID)
	apply(t, c, time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC), nil, ins...)
	types := make([]string, values)
	versions := make([]string, values)
	for i := range values {
		types[i] = fmt.Sprintf("x%08d", i) // as long as "indicator"
		versions[i] = time.Unix(1600000000+int64(i), 0).UTC().Format(time.RFC3339)
	}
	tests := []struct {
		name, query string
		want        int
	}{
		{"types", "match[type]=" + strings.Join(types, ",") + ",identity", 1},
		{"versions", "match[version]=" + strings.Join(versions, ","), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := mustQuery(t, tt.query)
			done := make(chan Page, 1)
			go func() { p, _ := c.Manifest(q); done <- p }()
			select {
			case p := <-done:
				e, _ := decode(t, p)
				if len(e.Objects) != tt.want || e.More {
					t.Fatalf("%d entries, more %v, want %d", len(e.Objects), e.More, tt.want)
				}
			case <-time.After(time.Minute):
				t.Fatal("a manifest page took more than a minute")
			}
		})
	}
}
