package main

import "testing"

func TestParseHeld(t *testing.T) {
	const exposition = `# HELP cratos_memory_held_bytes Bytes each in-process store holds, as its budget charges them.
# TYPE cratos_memory_held_bytes gauge
cratos_memory_held_bytes{store="feed_snapshots"} 2.37220346e+08
cratos_memory_held_bytes{store="last_good_lists"} 1.5232933e+07
cratos_memory_held_bytes{store="list_snapshots"} 1.26425778e+08
cratos_memory_held_bytes{store="lists"} 15232933
cratos_memory_budget_bytes{store="lists"} 2.68435456e+08
go_memstats_heap_alloc_bytes 4.73828712e+08
go_memstats_heap_inuse_bytes 4.75693056e+08
`
	tests := []struct {
		name    string
		text    string
		want    heldMemory
		wantErr bool
	}{
		{"every series", exposition, heldMemory{FeedSnapshots: 237220346, ListSnapshots: 126425778, Lists: 15232933, LastGood: 15232933, Heap: 473828712}, false},
		{"an older cratos: the heap only", "go_memstats_heap_alloc_bytes 1024\n", heldMemory{Heap: 1024}, false},
		{"nothing", "", heldMemory{}, false},
		{"not a number", `cratos_memory_held_bytes{store="lists"} many` + "\n", heldMemory{}, true},
		{"NaN", `cratos_memory_held_bytes{store="lists"} NaN` + "\n", heldMemory{}, true},
		{"negative", "go_memstats_heap_alloc_bytes -1\n", heldMemory{}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseHeld(tc.text)
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Errorf("parseHeld: %+v, %v; want %+v, error %v", got, err, tc.want, tc.wantErr)
			}
		})
	}
}
