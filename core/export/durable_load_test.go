package export

import (
	"bytes"
	"sync"
	"testing"
	"time"
)

// Requests that find no last good list in memory at once (every device
// waiting on a list's first build after a restart while MISP is down,
// when the build fails) read its state file once between them: each read
// holds the whole list, and a large list read by hundreds of waiters at
// once exhausted memory.
func TestLastGoodReadOnceForConcurrentRequests(t *testing.T) {
	body := bytes.Repeat([]byte("203.0.113.0/24\n"), 8<<20/15)
	rec := durableRecord{key: "feed/any/ipv4/txt", serial: 7, a: &Artifact{Body: body, ETag: ETagOf(body), ContentType: "text/plain", Generated: time.Unix(1, 0)}}
	d, _ := openState(t)
	if err := writeRecord(d, durableName(rec.key), rec); err != nil {
		t.Fatal(err)
	}
	svc := New(Options{State: d})
	const waiters = 16
	got := make([]*Artifact, waiters)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range got {
		wg.Go(func() {
			<-start
			got[i], _ = svc.lastGood(rec.key)
		})
	}
	close(start)
	wg.Wait()
	copies := map[*Artifact]bool{}
	for _, a := range got {
		if a == nil || !bytes.Equal(a.Body, body) {
			t.Fatal("last good list not read back")
		}
		copies[a] = true
	}
	if len(copies) != 1 {
		t.Fatalf("%d requests read %d copies of the list, want one", waiters, len(copies))
	}
}
