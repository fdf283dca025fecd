package ioc

import (
	"encoding/csv"
	"encoding/hex"
	"hash/fnv"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestPlainText(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"", true}, {"plain text", true}, {"Überweisung – bitte", true},
		{"a\tb", false}, {"a\nb", false}, {"a\x7fb", false}, {"a\u0085b", false}, {"ü\x01", false}, {"\xff", false},
	}
	for _, tt := range tests {
		if got := PlainText(tt.in); got != tt.want {
			t.Errorf("PlainText(%q) = %v", tt.in, got)
		}
	}
	for s, want := range map[string]bool{
		"": false, "plain text": false, "Überweisung – bitte": false, "a\u0085b": false, "\xff": false, "~": false,
		"a\tb": true, "a\nb": true, "\x00": true, "a\x1f": true, "a\x7fb": true, "ü\x01": true, "\xff\x1b": true,
	} {
		if got := HasControl(s); got != want {
			t.Errorf("HasControl(%q) = %v", s, got)
		}
	}
	if got := OneLine("a\nb\xffc"); got != "a b c" {
		t.Errorf("OneLine = %q", got)
	}
}

// TestAppendName compares the hand-rolled FNV-1a 128 with hash/fnv.
func TestAppendName(t *testing.T) {
	for _, c := range [][2]string{{"", ""}, {"IP", "198.51.100.7"}, {"URL", "http://bad.example/" + strings.Repeat("x", 300)}} {
		h := fnv.New128a()
		h.Write([]byte(c[0] + "\x00" + c[1]))
		want := "p-" + hex.EncodeToString(h.Sum(nil)[:12])
		if got := string(AppendName(nil, "p-", c[0], c[1])); got != want {
			t.Errorf("AppendName(%q, %q) = %s, want %s", c[0], c[1], got, want)
		}
	}
}

func TestAppendCSVField(t *testing.T) {
	fields := []string{"", "plain", "a,b", `a"b`, `"`, " lead", "x\ny", "ü;'"}
	var line []byte
	for i, f := range fields {
		if i > 0 {
			line = append(line, ',')
		}
		line = AppendCSVField(line, f)
	}
	var b strings.Builder
	w := csv.NewWriter(&b)
	_ = w.Write(fields)
	w.Flush()
	if got, want := string(line)+"\n", b.String(); got != want {
		t.Errorf("got %q, encoding/csv writes %q", got, want)
	}
}

// TestKeeper compares the heap with Newest on random streams.
func TestKeeper(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		n, max := r.IntN(60), r.IntN(10)
		ts := make([]int64, n)
		for i := range ts {
			ts[i] = int64(r.IntN(8))
		}
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		want, dropped := Newest(slices.Clone(idx), max, func(i int) int64 { return ts[i] })
		k := NewKeeper[int](max)
		for i := range idx {
			k.Add(i, ts[i])
		}
		if got := k.Items(); !slices.Equal(got, want) || k.Dropped() != dropped {
			t.Fatalf("max %d, ts %v: kept %v (%d dropped), want %v (%d)", max, ts, got, k.Dropped(), want, dropped)
		}
	}
}

// TestKeeperReplace compares the heap with Newest over the items not
// replaced, on random streams where tracked items are replaced by newer
// ones.
func TestKeeperReplace(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 100 {
		n, max := r.IntN(60), r.IntN(10)
		ts := make([]int64, n)
		k := NewKeeper[int](max)
		var left []int
		tracked := map[int]int{} // item -> id
		for i := range n {
			ts[i] = int64(r.IntN(8))
			replaced := false
			for _, j := range slices.Sorted(maps.Keys(tracked)) {
				if ts[j] < ts[i] && r.IntN(4) == 0 {
					tracked[i] = k.Replace(tracked[j], i, ts[i])
					delete(tracked, j)
					replaced = true
					break
				}
			}
			switch {
			case replaced:
			case r.IntN(2) == 0:
				tracked[i] = k.Track(i, ts[i])
			default:
				k.Add(i, ts[i])
				left = append(left, i)
			}
		}
		for i := range tracked {
			left = append(left, i)
		}
		slices.Sort(left)
		want, dropped := Newest(left, max, func(i int) int64 { return ts[i] })
		if got := k.Items(); !slices.Equal(got, want) || k.Dropped() != dropped {
			t.Fatalf("max %d, ts %v, not replaced %v: kept %v (%d dropped), want %v (%d)", max, ts, left, got, k.Dropped(), want, dropped)
		}
	}
}
