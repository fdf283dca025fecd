package server_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/state"
	"github.com/cratos-project/cratos/core/taxii"
)

// TestTAXIISaveRetried: a collection whose first save fails answers 503
// rather than a history a restart would not have; the next request saves
// it, and a restart serves it as it was, not again with a new date_added.
func TestTAXIISaveRetried(t *testing.T) {
	dirPath := filepath.Join(t.TempDir(), "state")
	dir, err := state.Open(dirPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, func(h *harness) { h.taxii = taxii.NewManager(dir, nil) })
	// The state directory is gone: the first save fails.
	if err := os.RemoveAll(dirPath); err != nil {
		t.Fatal(err)
	}
	block := newPoller(h, "block")
	resp, body := h.taxiiGet(block.path)
	checkTAXII(t, resp, body)
	if resp.StatusCode != 503 || !strings.Contains(body, "collection history not saved") {
		t.Fatalf("first poll, not saved: %d %s", resp.StatusCode, body)
	}
	if err := os.Mkdir(dirPath, 0o700); err != nil {
		t.Fatal(err)
	}
	if len(block.poll(t)) == 0 {
		t.Fatal("poll once saved: nothing")
	}
	// A restart: the history is read from the state directory.
	h.taxii = taxii.NewManager(dir, nil)
	h.start()
	if got := block.poll(t); len(got) != 0 {
		t.Fatalf("after a restart, %d objects again: %v", len(got), got)
	}
}

// TestTAXIIChangeServedOnceSaved: a change whose save fails is not
// served (the previous history is, stale); after a restart the change
// is computed again, and a client sees each object version once.
func TestTAXIIChangeServedOnceSaved(t *testing.T) {
	dirPath := filepath.Join(t.TempDir(), "state")
	dir, err := state.Open(dirPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, func(h *harness) { h.taxii = taxii.NewManager(dir, nil) })
	event := func(id int64, ip string) {
		t.Helper()
		_, err := h.sim.AddEvent(mispsim.Event{Info: "new", Published: true, OrgName: "Acme", OrgUUID: acmeUUID,
			Attributes: []mispsim.Attribute{{ID: id, Type: "ip-dst", Value: ip, ToIDS: true, Tags: []string{"example:incident-classification=block"}}}})
		if err != nil {
			t.Fatal(err)
		}
	}
	event(9001, "203.0.113.50")
	block := newPoller(h, "block")
	seen := block.poll(t)

	// MISP changes, and the state directory is away: a server reading
	// MISP anew cannot save the change.
	if err := h.sim.EditAttribute(9001, mispsim.AttributeEdit{Deleted: true}); err != nil {
		t.Fatal(err)
	}
	event(9002, "203.0.113.51")
	if err := os.Rename(dirPath, dirPath+".away"); err != nil {
		t.Fatal(err)
	}
	h.start()
	resp, body := h.taxiiGet(block.path + "?added_after=" + block.last)
	if _, objs := checkTAXII(t, resp, body); resp.StatusCode != 200 || len(objs) != 0 ||
		resp.Header.Get("X-Cache") != "STALE" || !strings.Contains(resp.Header.Get("Warning"), "not saved") {
		t.Fatalf("unsaved change served: %d %q %q %v", resp.StatusCode, resp.Header.Get("X-Cache"), resp.Header.Get("Warning"), patterns(objs))
	}

	// The process dies; the next one finds the state directory back.
	if err := os.Rename(dirPath+".away", dirPath); err != nil {
		t.Fatal(err)
	}
	h.taxii = taxii.NewManager(dir, nil)
	h.start()
	changed := block.poll(t)
	if got := strings.Join(patterns(changed), "\n"); got != "[ipv4-addr:value = '203.0.113.51']\nrevoked [ipv4-addr:value = '203.0.113.50']" {
		t.Fatalf("after the restart:\n%s", got)
	}
	versions := map[string]bool{}
	for _, o := range append(seen, changed...) {
		if v := o.ID + " " + o.Modified; versions[v] {
			t.Fatalf("%s seen twice", v)
		} else {
			versions[v] = true
		}
	}
}

// TestTAXIICorruptHistory: a corrupt history with no previous generation
// to fall back on answers 503 (an empty one would never revoke what
// clients hold) and is listed in an admin's /v1/status.
func TestTAXIICorruptHistory(t *testing.T) {
	dirPath := filepath.Join(t.TempDir(), "state")
	dir, err := state.Open(dirPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, asAdmin(), func(h *harness) { h.taxii = taxii.NewManager(dir, nil) })
	block := newPoller(h, "block")
	block.poll(t)
	files, _ := filepath.Glob(filepath.Join(dirPath, "taxii-*.json"))
	if len(files) != 1 {
		t.Fatalf("state files %v", files)
	}
	b, _ := os.ReadFile(files[0])
	if err := os.WriteFile(files[0], b[:len(b)-100], 0o600); err != nil {
		t.Fatal(err)
	}
	h.taxii = taxii.NewManager(dir, nil)
	h.start()
	resp, body := h.taxiiGet(block.path)
	checkTAXII(t, resp, body)
	if resp.StatusCode != 503 || !strings.Contains(body, "collection history unavailable") {
		t.Fatalf("corrupt history: %d %s", resp.StatusCode, body)
	}
	var st struct {
		TAXII []map[string]string `json:"taxii"`
	}
	_, body = h.authed("/v1/status")
	if err := json.Unmarshal([]byte(body), &st); err != nil || len(st.TAXII) != 1 {
		t.Fatalf("status: %v %s", err, body)
	}
	got := st.TAXII[0]
	if got["site"] != h.site.Name || got["feed"] != "block" || got["collection"] != taxii.CollectionID(h.site.Name, "block") ||
		got["state"] != "unavailable" || got["file"] != files[0] || !strings.Contains(got["error"], "no previous generation") {
		t.Fatalf("status: %v", got)
	}
}
