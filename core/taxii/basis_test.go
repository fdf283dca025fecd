package taxii

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers/stix21"
)

// basedSource is a source that tells its Basis.
type basedSource struct {
	settings string
	input    int
}

func (s *basedSource) Basis() (string, int) { return s.settings, s.input }

// TestGateCountsAfterSettingsChange: a Gate is told MISP's input counts
// when a refresh was made under other settings than the one the
// collection carries, both telling their Basis, across a restart on the
// state directory; a history an earlier version saved, without a Basis,
// is asked by its counts alone, as before.
func TestGateCountsAfterSettingsChange(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		first   any  // the source of the history's last refresh
		earlier bool // the history is saved as an earlier version did
		next    any  // the source of the refresh asked about
		want    Counts
	}{
		{name: "settings changed", first: &basedSource{"g1", 40}, next: &basedSource{"g2", 41},
			want: Counts{Prev: 2, Kept: 1, Cur: 2, SettingsChanged: true, Input: 41, FormerInput: 40}},
		{name: "same settings", first: &basedSource{"g1", 40}, next: &basedSource{"g1", 4},
			want: Counts{Prev: 2, Kept: 1, Cur: 2}},
		{name: "history saved by an earlier version", first: &basedSource{"g1", 40}, earlier: true, next: &basedSource{"g2", 41},
			want: Counts{Prev: 2, Kept: 1, Cur: 2}},
		{name: "history of a source without basis", first: new(int), next: &basedSource{"g2", 41},
			want: Counts{Prev: 2, Kept: 1, Cur: 2}},
		{name: "refresh without basis", first: &basedSource{"g1", 40}, next: new(int),
			want: Counts{Prev: 2, Kept: 1, Cur: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, m, c := durableCollection(t)
			view := func(ins ...indicator.Indicator) func() []indicator.Indicator {
				return func() []indicator.Indicator { return indicator.Normalize(slices.Clone(ins)) }
			}
			if _, err := m.Refresh(durableKey, c, tt.first, view(indA, indB), nil, t0, nil); err != nil {
				t.Fatal(err)
			}
			if tt.earlier {
				b, err := c.MarshalState()
				if err != nil {
					t.Fatal(err)
				}
				head, rest, _ := strings.Cut(string(b), "\n")
				f := strings.Fields(head)
				if f[0] != basisHeader {
					t.Fatalf("saved as %q", head)
				}
				// Format 2: no Basis, no count of eras, no re-markings line.
				opts, objs, _ := strings.Cut(rest, "\n")
				objs, ok := strings.CutPrefix(objs, "m\n")
				if !ok {
					t.Fatalf("saved without its re-markings line: %q", rest)
				}
				if err := dir.Write(fileName(durableKey), []byte(stateHeader+" "+strings.Join(f[1:5], " ")+"\n"+opts+"\n"+objs)); err != nil {
					t.Fatal(err)
				}
			}
			m = NewManager(dir, nil) // a restart
			c = mustCollection(t, m, durableKey)
			var asked []Counts
			gate := func(n Counts) bool { asked = append(asked, n); return true }
			held, err := m.Refresh(durableKey, c, tt.next, view(indA, indC), nil, t0.Add(time.Minute), gate)
			if err != nil || !held || len(asked) != 1 || asked[0] != tt.want {
				t.Fatalf("held %v, %v; gate asked %+v, want %+v", held, err, asked, tt.want)
			}
		})
	}
}

// TestStateBasisRoundTrip: a history keeps its Basis through the state
// file, beside its eras and re-markings; one without keeps the format
// earlier versions read.
func TestStateBasisRoundTrip(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	src := &basedSource{"0123abcd+never_block:4567", 1234}
	tests := []struct {
		name   string
		src    any
		opts   []map[string]string // the options of each refresh
		header string
		basis  *Basis
	}{
		{"basis", src, []map[string]string{nil}, basisHeader, &Basis{src.settings, src.input}},
		{"basis and eras", src, []map[string]string{nil, {stix21.OptIdentityName: "SOC"}}, basisHeader, &Basis{src.settings, src.input}},
		{"no basis", new(int), []map[string]string{nil}, stateHeader, nil},
		{"settings not one word", &basedSource{"a b", 3}, []map[string]string{nil}, stateHeader, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewCollection(testID)
			for i, opts := range tt.opts {
				if _, err := c.Apply(tt.src, indicator.Normalize([]indicator.Indicator{indA, indB}), opts, t0.Add(time.Duration(i)*time.Minute)); err != nil {
					t.Fatal(err)
				}
			}
			r, blob := saved(t, c)
			if head, _, _ := strings.Cut(string(blob), " "); head != tt.header {
				t.Fatalf("saved as %s, want %s", head, tt.header)
			}
			if (r.basis == nil) != (tt.basis == nil) || r.basis != nil && *r.basis != *tt.basis || len(r.eras) != len(c.eras) {
				t.Fatalf("read back basis %+v, %d eras; want %+v, %d", r.basis, len(r.eras), tt.basis, len(c.eras))
			}
			if again, _ := saved(t, r); string(mustObjects(t, again, "match[version]=all", "").Body) != string(mustObjects(t, c, "match[version]=all", "").Body) {
				t.Fatal("the history differs after a reload")
			}
		})
	}
	for name, bad := range map[string]string{
		"negative input": basisHeader + " 1 0 0 0 0 g -1\nnull\nm\n",
		"input":          basisHeader + " 1 0 0 0 0 g x\nnull\nm\n",
		"fields":         basisHeader + " 1 0 0 0 0 g\nnull\nm\n",
	} {
		if _, err := UnmarshalState([]byte(bad), testID); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
