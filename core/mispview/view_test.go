package mispview

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fastjson"
)

// viewBody is a /warninglists/view answer of n entries, as MISP writes it.
func viewBody(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"Warninglist":{"id":"93","name":"Top 1,000,000 most-used sites from Tranco","type":"hostname","enabled":false,"WarninglistEntry":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"%d","value":"site%d.example.com","warninglist_id":"93","comment":null}`, 100000+i, i)
	}
	b.WriteString(`],"WarninglistType":[{"id":"1","type":"hostname","warninglist_id":"93"}]}}`)
	return []byte(b.String())
}

// TestLargeViewMemory: a view is written in memory of the order of its
// answer, whatever its format; parsed whole, it took some 25 times its
// size. The heap is sampled with the collector kept busy (GOGC=10), so
// that what is sampled is mostly live memory.
func TestLargeViewMemory(t *testing.T) {
	body := viewBody(100_000)
	src, _ := fakeMISP(t, map[string]string{"/warninglists/view/93": string(body)})
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	for _, out := range WarninglistOutputs {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		base, peak := ms.HeapAlloc, ms.HeapAlloc
		stop, stopped := make(chan struct{}), make(chan struct{})
		go func() {
			defer close(stopped)
			for {
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapAlloc)
				select {
				case <-stop:
					return
				case <-time.After(time.Millisecond):
				}
			}
		}()
		a, err := Warninglist(context.Background(), src, 93, out)
		close(stop)
		<-stopped
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(a.Body), "site99999.example.com") {
			t.Errorf("%s: the last entry is missing", out)
		}
		if peak-base > 10*uint64(len(body)) {
			t.Errorf("%s: %d MB of heap for an answer of %d MB", out, (peak-base)>>20, len(body)>>20)
		}
	}
}

// TestViewEntriesAsParsedWhole: the entries read one by one are those a
// parse of the whole answer finds, whatever its shape.
func TestViewEntriesAsParsedWhole(t *testing.T) {
	for _, body := range []string{
		`{"Warninglist":{"WarninglistEntry":[{"value":"a"},{"value":"b","comment":"c"}]}}`,
		`{"x":[{"Warninglist":1}],"Warninglist":{"a":{"WarninglistEntry":[1]},"WarninglistEntry":[{"value":"a"}]}}`,
		`{"Warninglist":{"WarninglistEntry":[{"value":"a"}],"WarninglistEntry":[{"value":"b"}]},"Warninglist":{}}`,
		`{"Warninglist":{"WarninglistEntry":{"value":"a"}}}`, `{"Warninglist":{"WarninglistEntry":[]}}`,
		`{"Warninglist":[{"WarninglistEntry":[{"value":"a"}]}]}`, `{"Warninglist":"x"}`, `{"Warninglist":{}}`,
		`{"Warninglist":{"WarninglistEntry":[1,"s",null,[{"value":"a"}],{"value":2}]}}`,
		`{"Warninglist":{"WarninglistEntry":[{"value":"a","n":NaN}]}}`, "{\"Warninglist\":{\"WarninglistEntry\":[{\"value\":\"a\x01\xff\"}]}}",
		`{"other":1}`, `[]`, `"x"`, `{"Warninglist":{"WarninglistEntry":[{"value":"a"}]}} x`, `{"Warninglist":{"WarninglistEntry":[`, ``,
	} {
		var got []string
		err := viewEntries([]byte(body), func(e *fastjson.Value) { got = append(got, e.String()) })
		var want []string
		var werr error
		if doc, err := fastjson.Parse(body); err != nil {
			werr = errMalformed
		} else if wl := doc.Get("Warninglist"); wl == nil {
			werr = errNoWarninglist
		} else {
			for _, e := range wl.GetArray("WarninglistEntry") {
				want = append(want, e.String())
			}
		}
		if fmt.Sprint(got, err) != fmt.Sprint(want, werr) {
			t.Errorf("%s: %q, %v; parsed whole %q, %v", body, got, err, want, werr)
		}
	}
}
