package dnsprimary

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/cratos-project/cratos/internal/testtool"
)

// TestStartReturnsWhenCtxEnds: Start waits for the first builds only
// until ctx is done; a build still waiting for its source goes on in the
// background, answered SERVFAIL meanwhile, and the zone is served once it
// ends.
func TestStartReturnsWhenCtxEnds(t *testing.T) {
	release := make(chan struct{})
	src := &fakeSource{text: policyZone(domainsV1)}
	zone := newTestZone(src)
	zone.Source = func(ctx context.Context) (string, error) {
		select {
		case <-release:
			return src.Source(ctx)
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	s, err := New(Options{Addr: "127.0.0.1:0", Zones: []Zone{zone}, Logger: testLogger(t), Now: newClock().Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	started, cancel := context.WithCancel(context.Background())
	cancel()
	returned := make(chan error, 1)
	go func() { returned <- s.Start(started) }()
	select {
	case err := <-returned:
		if err != nil {
			t.Fatalf("Start: %v", err)
		}
	case <-time.After(time.Minute):
		close(release)
		t.Fatal("Start waited for a build its ctx no longer waited for")
	}
	if r := query(t, s.Addr(), "udp", testZone, dns.TypeSOA); r.Rcode != dns.RcodeServerFailure {
		t.Errorf("SOA during the first build: %s, want SERVFAIL", dns.RcodeToString[r.Rcode])
	}
	close(release)
	testtool.WaitFor(t, fmt.Sprintf("serial %d after the build", testEpoch), time.Minute,
		func() bool { return s.Serial(testZone) == testEpoch },
		func() string { return fmt.Sprintf("serial still %d", s.Serial(testZone)) })
}
