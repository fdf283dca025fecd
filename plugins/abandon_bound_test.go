package plugins

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cratos-project/cratos/renderers"
)

// slowPeak returns the most slow renders the faulty plugin p ran at once.
func slowPeak(t *testing.T, p *Plugin) int {
	t.Helper()
	out, err := render(p.Renderer(), "slow-peak", nil)
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.Atoi(strings.TrimSpace(out))
	if err != nil {
		t.Fatalf("slow-peak answered %q", out)
	}
	return n
}

// TestRetriedAbandonedRenderNotStacked: a device that gives up on a slow
// plugin and retries while the plugin still renders the list it gave up
// on starts no second render of it; a device that waits gets the whole
// list once the render given up has ended. Before, every retry started
// one more render of the list in the plugin.
func TestRetriedAbandonedRenderNotStacked(t *testing.T) {
	t.Parallel() // it mostly waits for its plugin's slow or hung renders: beside the other tests that do
	p, rec := launch(t, Config{Name: "faulty", Path: binary(t, "faulty"), RenderTimeout: time.Minute})
	for range 8 {
		renderGivingUp(t, p, "slow", 100*time.Millisecond)
	}
	if out, err := render(p.Renderer(), "slow", ips(2)); err != nil || out != "198.51.0.0\n198.51.0.1\n" {
		t.Fatalf("render of the list by a device that waits: %q, %v", out, err)
	}
	if n := slowPeak(t, p); n != 1 {
		t.Errorf("the plugin ran %d renders of the list at once, want 1", n)
	}
	if n := rec.count(map[string]string{"msg": "plugin failed; it starts again at the next request"}); n != 0 || p.Restarts() != 0 {
		t.Errorf("%d failures logged, %d restarts for a plugin that answered", n, p.Restarts())
	}
}

// TestAbandonedRendersBoundedPerProcess: renders of many lists given up
// on run at most MaxAbandonedRenders at once in the plugin; the others
// never start. Before, each one ran until the plugin answered.
func TestAbandonedRendersBoundedPerProcess(t *testing.T) {
	t.Parallel() // it mostly waits for its plugin's slow or hung renders: beside the other tests that do
	p, _ := launch(t, Config{Name: "faulty", Path: binary(t, "faulty"), RenderTimeout: time.Minute})
	for i := range 2 * MaxAbandonedRenders {
		giveUp(t, p, renderers.Request{Site: "fault-slow", Feed: fmt.Sprint("list-", i)}, 100*time.Millisecond)
	}
	if n := slowPeak(t, p); n > MaxAbandonedRenders || n < 1 {
		t.Errorf("the plugin ran %d abandoned renders at once, want 1 to %d", n, MaxAbandonedRenders)
	}
	waitIdle(t, p)
}

// TestConcurrentRendersOfAListRunTogether: renders whose callers wait run
// at once in the plugin, even of one list, and each gets the whole list.
func TestConcurrentRendersOfAListRunTogether(t *testing.T) {
	t.Parallel() // it mostly waits for its plugin's slow or hung renders: beside the other tests that do
	p, _ := launch(t, Config{Name: "faulty", Path: binary(t, "faulty"), RenderTimeout: time.Minute})
	const renders = 3
	var wg sync.WaitGroup
	for range renders {
		wg.Go(func() {
			if out, err := render(p.Renderer(), "slow", ips(2)); err != nil || out != "198.51.0.0\n198.51.0.1\n" {
				t.Errorf("render: %q, %v", out, err)
			}
		})
	}
	wg.Wait()
	if n := slowPeak(t, p); n != renders {
		t.Errorf("the plugin ran %d renders at once, want %d", n, renders)
	}
}

// TestListOf: what tells one list from another, and what does not.
func TestListOf(t *testing.T) {
	base := renderers.Request{Site: "a", Feed: "b", DataType: "ip", Age: "7d", Options: map[string]string{"x": "1", "y": "2"}}
	tests := []struct {
		name string
		edit func(*renderers.Request)
		same bool
	}{
		{"another build", func(r *renderers.Request) { r.Serial, r.Generated, r.Previous = 9, time.Unix(1, 0), []byte("old") }, true},
		{"options in another map", func(r *renderers.Request) { r.Options = map[string]string{"y": "2", "x": "1"} }, true},
		{"site", func(r *renderers.Request) { r.Site = "ab"; r.Feed = "" }, false},
		{"data type", func(r *renderers.Request) { r.DataType = "domain" }, false},
		{"age", func(r *renderers.Request) { r.Age = "" }, false},
		{"option value", func(r *renderers.Request) { r.Options = map[string]string{"x": "1", "y": "3"} }, false},
		{"option split", func(r *renderers.Request) { r.Options = map[string]string{"x": "1y", "": "2"} }, false},
	}
	for _, tc := range tests {
		r := base
		tc.edit(&r)
		if got := listOf(r) == listOf(base); got != tc.same {
			t.Errorf("%s: same list %v, want %v", tc.name, got, tc.same)
		}
	}
}
