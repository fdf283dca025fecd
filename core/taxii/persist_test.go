package taxii

import (
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers/stix21"
)

func TestStateRoundTrip(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	a, b := ind(indicator.SHA256, strings.Repeat("ab", 32), 1700000000), ind(indicator.Email, "x@example.org", 1700000000)
	rule := ind(indicator.Yara, "rule a {\n  strings: $s = \"q\\\" o\"\n  condition: $s\n}", 1700000000)
	c := NewCollection(testID)
	opts := map[string]string{stix21.OptIdentityName: "SOC", stix21.OptTLP: "clear"}
	apply(t, c, t0, opts, a, b, rule)
	apply(t, c, t0.Add(time.Hour), opts, a)
	apply(t, c, t0.Add(2*time.Hour), opts, a, b)
	r, blob := saved(t, c)
	for _, q := range []string{"", "match[version]=all", "limit=2", "added_after=2026-05-01T00:30:00Z"} {
		x, y := mustObjects(t, c, q, ""), mustObjects(t, r, q, "")
		if string(x.Body) != string(y.Body) || x.Last != y.Last {
			t.Fatalf("%q differs after reload:\n%s\n%s", q, x.Body, y.Body)
		}
	}
	// The reloaded collection continues the same history.
	apply(t, c, t0.Add(3*time.Hour), opts, b)
	apply(t, r, t0.Add(3*time.Hour), opts, b)
	if x, y := mustObjects(t, c, "match[version]=all", ""), mustObjects(t, r, "match[version]=all", ""); string(x.Body) != string(y.Body) {
		t.Fatalf("histories diverge:\n%s\n%s", x.Body, y.Body)
	}
	good := string(blob)
	lines := strings.Split(strings.TrimSuffix(good, "\n"), "\n")
	swapped := slices.Clone(lines)
	n := len(swapped)
	swapped[n-1], swapped[n-2] = swapped[n-2], swapped[n-1]
	for name, bad := range map[string]string{
		"empty":          "",
		"other format":   strings.Replace(good, stateHeader, "cratos-taxii/9", 1),
		"bad kind":       strings.Replace(good, "\no 0 ", "\no 7 ", 1),
		"added > last":   strings.Replace(good, lines[0], stateHeader+" 1 "+strings.SplitN(lines[0], " ", 3)[2], 1),
		"type":           strings.Replace(good, " sha256 ", " vulnerability ", 1),
		"legacy count":   strings.Replace(good, lines[0], lines[0]+"99", 1),
		"records order":  strings.Join(swapped, "\n") + "\n",
		"truncated":      strings.Join(lines[:n-1], "\n") + "\n",
		"trailing":       good + "r 0 0\n",
		"value":          strings.Replace(good, `"x@example.org"`, `"x@example.org`, 1),
		"revoked record": strings.Replace(good, " 1\n", " 0\n", 1),
	} {
		if bad == good {
			t.Errorf("%s: mutation did not apply", name)
		}
		if _, err := UnmarshalState([]byte(bad), testID); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// A state file's counts are claims: they are refused when its lines
// could not hold that many objects and records, before anything of their
// size is allocated.
func TestUnmarshalStateCountsBeyondTheFile(t *testing.T) {
	pad := strings.Repeat(" ", 1<<20)
	for _, tc := range []struct {
		name string
		data string
		err  string
	}{
		{"a megabyte claiming a million objects", stateHeader + " 1 1048576 1048576 0\n{}" + pad + "\n", "taxii: collection state is inconsistent: header counts"},
		{"a megabyte claiming more records than it holds", stateHeader + " 1 50000 100000 0\n{}" + pad + "\n", "taxii: collection state is inconsistent: header counts"},
		{"counts the file holds", stateHeader + " 1 1 1 0\n{}\n" + `o 0 ipv4 0 0 1 0 "192.0.2.1"` + "\nr 0 0\n", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			c, err := UnmarshalState([]byte(tc.data), testID)
			runtime.ReadMemStats(&after)
			if tc.err == "" {
				if err != nil || len(c.objs) != 1 {
					t.Fatalf("unmarshal: %v", err)
				}
				return
			}
			if err == nil || err.Error() != tc.err {
				t.Fatalf("error %v, want %q", err, tc.err)
			}
			if n := after.TotalAlloc - before.TotalAlloc; n > 16<<20 {
				t.Fatalf("refusing %d bytes allocated %d", len(tc.data), n)
			}
		})
	}
}

// saved returns c as UnmarshalState reads back what MarshalState wrote,
// and what it wrote.
func saved(t *testing.T, c *Collection) (*Collection, []byte) {
	t.Helper()
	blob, err := c.MarshalState()
	if err != nil {
		t.Fatal(err)
	}
	r, err := UnmarshalState(blob, testID)
	if err != nil {
		t.Fatal(err)
	}
	return r, blob
}
