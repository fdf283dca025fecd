package taxii

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers/stix21"
)

// versionBodies returns the bytes of every indicator version c serves,
// by id, modified and revoked.
func versionBodies(t *testing.T, c *Collection) map[string]string {
	t.Helper()
	e, _ := decode(t, mustObjects(t, c, "match[version]=all", ""))
	out := map[string]string{}
	for _, raw := range e.Objects {
		var o struct {
			Type, ID, Modified string
			Revoked            bool
		}
		if err := json.Unmarshal(raw, &o); err != nil {
			t.Fatal(err)
		}
		if o.Type == "indicator" {
			key := o.ID + " " + o.Modified
			if o.Revoked {
				key += " revoked"
			}
			out[key] = string(raw)
		}
	}
	return out
}

// TestMergeKeepsTheOtherKeysMarkings: the other key's history took a
// change of TLP before the user's did, and added and revoked an
// indicator under TLP:RED the user's history never held. Merged in,
// each of that indicator's versions is served as the other key's
// client read it, TLP:RED, never under the marking the user's history
// had then.
func TestMergeKeepsTheOtherKeysMarkings(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	at := func(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }
	clearOpts, redOpts := map[string]string{stix21.OptTLP: "clear"}, map[string]string{stix21.OptTLP: "red"}
	x := ind(indicator.Domain, "red.example", 1700000100)

	user, other := NewCollection(testID), NewCollection(testID)
	apply(t, user, at(0), clearOpts, indA)
	apply(t, other, at(0), clearOpts, indA)
	apply(t, other, at(1), redOpts, indA, x)
	apply(t, other, at(2), redOpts, indA)
	apply(t, user, at(3), redOpts, indA)
	read := versionBodies(t, other)

	user.mu.Lock()
	user.merge(other, at(4))
	user.mu.Unlock()
	merged := versionBodies(t, user)
	restored, _ := saved(t, user)
	id := indicatorID(testID, x.Type, x.Value, 0)
	for name, served := range map[string]map[string]string{"merged": merged, "restored": versionBodies(t, restored)} {
		n := 0
		for version, body := range read {
			if !strings.HasPrefix(version, id) {
				continue
			}
			n++
			if got := served[version]; got != body {
				t.Errorf("%s: version %s served as\n%s\nthe other key's client read\n%s", name, version, got, body)
			}
		}
		if n != 2 {
			t.Fatalf("the other key served %d versions of %s, want 2", n, id)
		}
	}
}
