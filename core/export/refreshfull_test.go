package export_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/export"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/internal/testtool"
)

// refreshStep is one rebuild of a list: the seconds the clock moves
// before it, the full searches MISP should have received by its end, and
// the list served, STALE or not.
type refreshStep struct {
	name      string
	advance   int64
	fullAsked int32
	list      string
	stale     bool
}

// runRefreshSteps rebuilds e's ipv4 list of feed at each step and checks
// what MISP received and what was served.
func runRefreshSteps(t *testing.T, svc *export.Service, e *emulated, feed string, fullAsked *atomic.Int32, steps []refreshStep) {
	t.Helper()
	ipv4, _ := indicator.LookupDataType("ipv4")
	for _, s := range steps {
		e.clock.Add(s.advance)
		res, err := svc.Get(context.Background(), export.Request{Site: e.site, MISPURL: e.url, MISPKey: mispsim.DefaultKey,
			Kind: export.KindFeed, Feed: feed, DataType: ipv4, Age: "1y", Output: "txt", TTL: time.Minute, WaitFresh: true})
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		got := strings.TrimSpace(strings.ReplaceAll(string(res.Body), "\r", ""))
		if got != s.list || (res.Status == export.Stale) != s.stale || fullAsked.Load() != s.fullAsked {
			t.Fatalf("%s: list %q (%v, %v) after %d full searches; want %q, stale %v, after %d", s.name, got, res.Status,
				res.Upstream, fullAsked.Load(), s.list, s.stale, s.fullAsked)
		}
	}
}

// blockEvent is a published event of the block feed holding ip.
func blockEvent(ip string, tags ...string) mispsim.Event {
	return mispsim.Event{Info: ip, Published: true, Tags: append([]string{"cratos:incident-classification=block"}, tags...),
		Attributes: []mispsim.Attribute{{Type: "ip-dst", Value: ip, ToIDS: true}}}
}

// logCount is how many records logs holds of msg with the given reason.
func logCount(logs *testtool.LogBuffer, msg, reason string) int {
	n := 0
	for _, r := range logs.Records(msg) {
		if r["reason"] == reason {
			n++
		}
	}
	return n
}

const (
	heldMsg      = "full read failed; the feed's last good lists are served, within max_stale_seconds, until it succeeds"
	refreshedMsg = "full read failed; the feed is refreshed instead until it is tried again"
)

// A tag of the feed renamed while MISP fails the feed's full search: a
// refresh cannot tell which events the renamed tag gives or takes, so the
// last good list is served STALE, but the full read is asked again only
// after its back-off (5 minutes after it failed, then 10), not at every
// rebuild, each failure logged once; the first that succeeds brings the
// rename's change.
func TestRefreshTagRenamedFullReadFailing(t *testing.T) {
	const fp = "cratos:incident-classification=false-positive"
	e, failing, fullAsked := failingEmulated(t)
	logger, logs := testtool.JSONLogger()
	e.addEventsHourOld(t, blockEvent("100.128.0.1", fp), blockEvent("100.128.0.2"))
	svc := e.service(export.Options{ReconcileEvery: time.Hour, Logger: logger})
	runRefreshSteps(t, svc, e, "block", fullAsked, []refreshStep{{"first list", 0, 1, "100.128.0.2", false}})
	failing.Store(true)
	e.clock.Add(60)
	renameTag(t, e, fp, fp+"-reviewed")
	runRefreshSteps(t, svc, e, "block", fullAsked, []refreshStep{
		{"rename seen, full read failing", 60, 2, "100.128.0.2", true}, // at 120, fails at 360: retry at 660
		{"within the back-off", 120, 2, "100.128.0.2", true},           // 480
		{"still within it", 120, 2, "100.128.0.2", true},               // 600
		{"back-off over, failing again", 120, 3, "100.128.0.2", true},  // 720, fails at 960: retry at 1560
		{"within the doubled back-off", 500, 3, "100.128.0.2", true},   // 1460
	})
	if n := logCount(logs, heldMsg, "a tag of the feed renamed"); n != 2 {
		t.Errorf("%d log lines of the failed full read, want one per attempt, 2:\n%s", n, logs)
	}
	failing.Store(false)
	runRefreshSteps(t, svc, e, "block", fullAsked, []refreshStep{
		{"MISP answering", 120, 4, "100.128.0.1\n100.128.0.2", false}, // 1580
		{"refreshed after", 120, 4, "100.128.0.1\n100.128.0.2", false},
	})
}

// More than half the events held changed while MISP fails the feed's
// full search: the full read was only the cheaper way, so the refresh
// goes on in its place, the list served current, and while its back-off
// lasts a refresh finding most events changed again does not try it.
func TestRefreshMostEventsChangedFullReadFailing(t *testing.T) {
	e, failing, fullAsked := failingEmulated(t)
	logger, logs := testtool.JSONLogger()
	svc := e.service(export.Options{ReconcileEvery: time.Hour, Logger: logger})
	change, want := mostEventsChanging(t, svc, e, fullAsked)
	failing.Store(true)
	e.clock.Add(60)
	change("tlp:green", "100.128.1.1")
	runRefreshSteps(t, svc, e, "block", fullAsked, []refreshStep{{"most changed, full read failing", 60, 2, *want, false}})
	change("tlp:amber", "100.128.1.2")
	runRefreshSteps(t, svc, e, "block", fullAsked, []refreshStep{{"most changed within the back-off", 120, 2, *want, false}})
	if n := logCount(logs, refreshedMsg, "most events held changed"); n != 1 {
		t.Errorf("%d log lines of the failed full read, want 1:\n%s", n, logs)
	}
	failing.Store(false)
	change("tlp:white", "100.128.1.3")
	runRefreshSteps(t, svc, e, "block", fullAsked, []refreshStep{{"most changed past the back-off", 300, 3, *want, false}})
}

// The same, the full read failing at the build timeout (MISP answering
// nothing): the rebuild ends with it, the last list served STALE, and the
// full read then waits for its back-off as after any failure, the next
// rebuilds refreshing the feed, not asking MISP the full search again
// (and waiting for the build timeout) each time.
func TestRefreshMostEventsChangedFullReadTimingOut(t *testing.T) {
	e, hanging, fullAsked := failingEmulatedAfter(t, -1)
	logger, logs := testtool.JSONLogger()
	svc := e.service(export.Options{ReconcileEvery: time.Hour, Logger: logger, BuildTimeout: 5 * time.Second})
	change, want := mostEventsChanging(t, svc, e, fullAsked)
	before := *want
	hanging.Store(true)
	e.clock.Add(60)
	change("tlp:green", "100.128.1.1")
	runRefreshSteps(t, svc, e, "block", fullAsked, []refreshStep{{"most changed, full read timing out", 60, 2, before, true}})
	change("tlp:amber", "100.128.1.2")
	runRefreshSteps(t, svc, e, "block", fullAsked, []refreshStep{{"most changed within the back-off", 120, 2, *want, false}})
	if n := logCount(logs, refreshedMsg, "most events held changed"); n != 1 {
		t.Errorf("%d log lines of the failed full read, want 1:\n%s", n, logs)
	}
}

// mostEventsChanging adds eight events of the block feed to e and serves
// svc's first list of it; change then attaches tag, local (no timestamp
// moves), to six of them, each then read whole, more than half of the
// ten at most held, and adds the event of ip; list is the list expected.
func mostEventsChanging(t *testing.T, svc *export.Service, e *emulated, fullAsked *atomic.Int32) (change func(tag, ip string), list *string) {
	t.Helper()
	var ids []int64
	want := ""
	for i := 1; i <= 8; i++ {
		ip := fmt.Sprintf("100.128.0.%d", i)
		id, err := e.sim.AddEvent(blockEvent(ip))
		if err != nil {
			t.Fatal(err)
		}
		ids, want = append(ids, id), strings.TrimPrefix(want+"\n"+ip, "\n")
	}
	// An event outside the feed makes the tags attached below.
	if _, err := e.sim.AddEvent(mispsim.Event{Info: "tags", Tags: []string{"tlp:green", "tlp:amber", "tlp:white"},
		Attributes: []mispsim.Attribute{{Type: "ip-dst", Value: "100.128.2.1"}}}); err != nil {
		t.Fatal(err)
	}
	runRefreshSteps(t, svc, e, "block", fullAsked, []refreshStep{{"first list", 0, 1, want, false}})
	return func(tag, ip string) {
		t.Helper()
		for _, id := range ids[:6] {
			if out := mispCall(t, e, fmt.Sprintf("/events/addTag/%d/%s/local:1", id, tag), nil); !strings.Contains(string(out), `"saved":true`) {
				t.Fatalf("tag %s not attached to event %d: %s", tag, id, out)
			}
		}
		if _, err := e.sim.AddEvent(blockEvent(ip)); err != nil {
			t.Fatal(err)
		}
		want += "\n" + ip
	}, &want
}

// MISP's clock found set back before the window's start while MISP fails
// the feed's full search: the refresh goes on in its place, its window
// then on MISP's clock as it is, so what MISP writes from then on reaches
// the list; what it stamped before the window (B) waits for the full
// read, tried again after its back-off rather than an hour later.
func TestRefreshMISPClockSetBackFullReadFailing(t *testing.T) {
	e, failing, fullAsked := failingEmulated(t)
	logger, logs := testtool.JSONLogger()
	var ahead atomic.Int64 // how far Cratos' clock is ahead of MISP's
	opts := export.Options{ReconcileEvery: time.Hour, Logger: logger,
		Now: func() time.Time { return time.Unix(e.clock.Load()+ahead.Load(), 0) }}
	svc := memoryService(opts)
	e.addEventsHourOld(t, blockEvent("100.128.0.1"))
	runRefreshSteps(t, svc, e, "block", fullAsked, []refreshStep{{"first list", 0, 1, "100.128.0.1", false}})
	failing.Store(true)
	e.clock.Add(120 - 1200) // MISP's clock set back 20 minutes
	ahead.Add(1200)
	add := func(ip string) {
		t.Helper()
		if _, err := e.sim.AddEvent(blockEvent(ip)); err != nil {
			t.Fatal(err)
		}
	}
	add("100.128.0.2") // B
	runRefreshSteps(t, svc, e, "block", fullAsked, []refreshStep{
		{"set back, full read failing", 600, 2, "100.128.0.1", false}, // fails 240 s later: retry 5 minutes after
	})
	add("100.128.0.3")
	runRefreshSteps(t, svc, e, "block", fullAsked, []refreshStep{{"within the back-off", 60, 2, "100.128.0.1\n100.128.0.3", false}})
	add("100.128.0.4")
	runRefreshSteps(t, svc, e, "block", fullAsked, []refreshStep{
		{"back-off over, failing again", 300, 3, "100.128.0.1\n100.128.0.3\n100.128.0.4", false}, // retry 10 minutes after
	})
	if n := logCount(logs, refreshedMsg, "a clock set back"); n != 2 {
		t.Errorf("%d log lines of the failed full read, want 2:\n%s", n, logs)
	}
	failing.Store(false)
	runRefreshSteps(t, svc, e, "block", fullAsked, []refreshStep{
		{"MISP answering", 900, 4, "100.128.0.1\n100.128.0.2\n100.128.0.3\n100.128.0.4", false},
		{"refreshed after", 120, 4, "100.128.0.1\n100.128.0.2\n100.128.0.3\n100.128.0.4", false},
	})
}
