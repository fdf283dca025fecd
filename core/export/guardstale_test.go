package export

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/misp"
)

// firstEntry returns the first line of a txt list that is not a comment.
func firstEntry(t *testing.T, body []byte) string {
	t.Helper()
	for line := range strings.SplitSeq(string(body), "\n") {
		if line != "" && !strings.HasPrefix(line, "#") {
			return line
		}
	}
	t.Fatalf("no entry in %q", body)
	return ""
}

// A guard change does not change what is asked of MISP: when MISP is down
// right after it, the list is built from MISP's last answer (the feed
// snapshot) under the new guard and served STALE, rather than the list
// built under the former guard, which holds what the new never_block
// keeps out.
func TestGuardChangeBuildsFromLastFeedSnapshot(t *testing.T) {
	misp := newGatedMISP(t)
	rig := newSWRRig(t, misp, Options{})
	good := rig.get(t, Miss)
	protected := firstEntry(t, good.Body)
	site := *rig.req.Site
	site.Guard.NeverBlock = config.NeverBlock{CIDRs: []string{protected}}
	rig.req.Site = &site

	misp.fail.Store(true)
	rig.clock.advance(time.Hour)
	want := bytes.Replace(good.Body, []byte(protected+"\n"), nil, 1)
	for _, step := range []string{"first request", "second request"} {
		res, err := rig.svc.Get(t.Context(), rig.req)
		if err != nil {
			t.Fatalf("%s with MISP down after the guard change: %v", step, err)
		}
		if res.Status != Stale || res.Upstream == nil {
			t.Fatalf("%s: status %s, upstream %v; want STALE with MISP's error", step, res.Status, res.Upstream)
		}
		if bytes.Contains(res.Body, []byte(protected)) {
			t.Fatalf("%s: list holds %s, which the new never_block keeps out", step, protected)
		}
		if !bytes.Equal(res.Body, want) {
			t.Fatalf("%s: body\n%s\nwant the former list without %s:\n%s", step, res.Body, protected, want)
		}
		if !res.Fetched.Equal(good.Fetched) {
			t.Fatalf("%s: list read from MISP at %s, want %s (the last read)", step, res.Fetched, good.Fetched)
		}
	}

	misp.fail.Store(false)
	rig.clock.advance(48 * time.Hour)
	res, err := rig.svc.Get(t.Context(), rig.req)
	if err != nil {
		t.Fatal(err)
	}
	for res.Status != Miss && res.Status != Hit {
		if err := rig.waitRefresh(t); err != nil {
			t.Fatalf("rebuild once MISP answers: %v", err)
		}
		if res, err = rig.svc.Get(t.Context(), rig.req); err != nil {
			t.Fatal(err)
		}
	}
	if bytes.Contains(res.Body, []byte(protected)) || !res.Fetched.After(good.Fetched) {
		t.Fatalf("list once MISP answers: fetched %s, body\n%s", res.Fetched, res.Body)
	}
}

// With no feed snapshot to build from (a restart with MISP down), a list
// whose guard changed is not served as the list built under the former
// guard, which may hold what the new one keeps out: the request fails,
// and the device keeps the list it has. A change of the query (the tag)
// still serves the former list STALE (TestStaleListAfterSettingsChange).
func TestGuardChangeAfterRestartRefusesFormerList(t *testing.T) {
	var protected string
	_, res, err := guardChangedAfterRestart(t, func(good Result, g *config.Guard) {
		protected = firstEntry(t, good.Body)
		g.NeverBlock = config.NeverBlock{CIDRs: []string{protected}}
	})
	if err == nil {
		t.Fatalf("status %s, body holds %s: %v; want MISP's error, not the list built under the former guard",
			res.Status, protected, bytes.Contains(res.Body, []byte(protected)))
	}
	if !errors.As(err, new(*misp.Error)) {
		t.Fatalf("error %v, want MISP's", err)
	}
}

// guardChangedAfterRestart builds a list into a state directory, starts
// the service again on it with the site's guard changed by change (given
// the list built), and returns the list built and what the list's
// request gets an hour later, MISP down.
func guardChangedAfterRestart(t *testing.T, change func(good Result, g *config.Guard)) (good, res Result, err error) {
	t.Helper()
	gate := newGatedMISP(t)
	dir := t.TempDir()
	rig := newSWRRig(t, gate, stateOptions(t, dir))
	good = rig.get(t, Miss)
	rig.svc.WaitDurable()
	site := *rig.req.Site
	change(good, &site.Guard)
	req := rig.req
	req.Site = &site

	rig = newSWRRig(t, gate, stateOptions(t, dir))
	t.Cleanup(rig.svc.WaitDurable)
	rig.req = req
	gate.fail.Store(true)
	rig.clock.advance(time.Hour)
	res, err = rig.svc.Get(t.Context(), rig.req)
	return good, res, err
}
