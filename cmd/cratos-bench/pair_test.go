package main

import (
	"testing"
	"time"
)

func TestCombineWrk(t *testing.T) {
	ms := time.Millisecond
	cases := []struct {
		name string
		runs []wrkResult
		want wrkResult
	}{
		{"none", nil, wrkResult{}},
		{"one", []wrkResult{{RPS: 100, Requests: 200, P50: ms, P99: 5 * ms, Bad: 1}}, wrkResult{RPS: 100, Requests: 200, P50: ms, P99: 5 * ms, Bad: 1}},
		// 200 requests in 2 s and 600 in 2 s: 800 in 4 s.
		{"turns", []wrkResult{{RPS: 100, Requests: 200, P50: ms, P99: 9 * ms}, {RPS: 300, Requests: 600, P50: 3 * ms, P99: 4 * ms, Bad: 2},
			{RPS: 200, Requests: 400, P50: 2 * ms, P99: 6 * ms}},
			wrkResult{RPS: 200, Requests: 1200, P50: 2 * ms, P99: 6 * ms, Bad: 2}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := combineWrk(tc.runs); got != tc.want {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}
