package taxii

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
)

// TestPageBytesBounded: a page of large objects (YARA rules) stops once
// its body passes maxPageBytes, with more and next leading to the rest;
// walking next still returns every object once.
func TestPageBytesBounded(t *testing.T) {
	const rules, size = 48, 512 << 10 // 24 MiB of rules
	var ins []indicator.Indicator
	for i := range rules {
		body := strings.Repeat("a", size)
		ins = append(ins, ind(indicator.Yara, fmt.Sprintf("rule r%d\n{\nstrings: $a = \"%s\"\ncondition: $a\n}", i, body), 1700000000))
	}
	c := NewCollection(testID)
	apply(t, c, time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC), nil, ins...)
	seen := map[string]bool{}
	next, pages := "", 0
	for {
		q := "limit=10000"
		if next != "" {
			q += "&next=" + next
		}
		p := mustObjects(t, c, q, "")
		if len(p.Body) > maxPageBytes+size+4096 {
			t.Fatalf("page of %d bytes", len(p.Body))
		}
		e, objs := decode(t, p)
		for _, o := range objs {
			if seen[o.ID] {
				t.Fatalf("%s twice", o.ID)
			}
			seen[o.ID] = true
		}
		pages++
		if !e.More {
			break
		}
		next = e.Next
	}
	if len(seen) != rules+1 || pages < 2 { // the rules and the identity
		t.Fatalf("%d objects in %d pages", len(seen), pages)
	}
}
