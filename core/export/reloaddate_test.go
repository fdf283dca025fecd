package export

import (
	"slices"
	"testing"
	"time"
)

// TestReloadedSettingsRedateList: a site file reloaded with settings that
// change a list's bytes (a guard rule, a renderer option) gives the list
// a date of its own, though MISP is not read again: a device asking
// If-Modified-Since with the date of the list it holds is sent the new
// list, not a 304 that keeps the old one.
func TestReloadedSettingsRedateList(t *testing.T) {
	srv := threeAddressMISP(t)
	const before = reloadSiteBefore
	tests := []struct {
		name, after string
	}{
		{"never_block address", before + "  never_block:\n    cidrs: [100.128.0.2]\n"},
		{"renderer option", before + "renderers:\n  txt: {trailing_newline: \"true\"}\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rig := newReloadRig(t, srv.URL, before)
			prev := rig.get(t)
			// Each change of settings gives the list a date of its own; a
			// request under the same settings keeps it. The last step goes
			// back to the first settings, whose list is still cached: it
			// keeps the date it was served with, which the list before it
			// does not have.
			for i, body := range []string{tc.after, tc.after, before} {
				rig.reload(t, body)
				res := rig.get(t)
				changed := i != 1
				if slices.Equal(res.Body, prev.Body) == changed {
					t.Fatalf("step %d: bytes %q after %q", i, res.Body, prev.Body)
				}
				same := res.Generated.Truncate(time.Second).Equal(prev.Generated.Truncate(time.Second))
				if later := res.Generated.After(prev.Generated); changed && (same || i == 0 && !later) {
					t.Fatalf("step %d: list %q dated %s, the list before it %q dated %s: "+
						"If-Modified-Since with the old date is answered 304", i, res.Body, res.Generated, prev.Body, prev.Generated)
				}
				if !changed && !res.Generated.Equal(prev.Generated) {
					t.Fatalf("step %d: the same list dated %s, then %s", i, prev.Generated, res.Generated)
				}
				prev = res
			}
		})
	}
}
