package server_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/core/taxii"
	"github.com/cratos-project/cratos/renderers/stix21"
)

// TestTAXIISaveRetried: a collection whose first save fails answers 503
// rather than a history a restart would not have; the next request saves
// it, and a restart serves it as it was, not again with a new date_added.
func TestTAXIISaveRetried(t *testing.T) {
	dirPath, dir := openTAXIIState(t)
	h := newHarness(t, withTAXIIState(dir))
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
	h.restartWithTAXIIState(dir)
	if got := block.poll(t); len(got) != 0 {
		t.Fatalf("after a restart, %d objects again: %v", len(got), got)
	}
}

// TestTAXIIChangeServedOnceSaved: a change whose save fails is not
// served (the previous history is, stale); after a restart the change
// is computed again, and a client sees each object version once.
func TestTAXIIChangeServedOnceSaved(t *testing.T) {
	dirPath, dir := openTAXIIState(t)
	h := newHarness(t, withTAXIIState(dir))
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
	h.restartWithTAXIIState(dir)
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
	dirPath, dir := openTAXIIState(t)
	h := newHarness(t, asAdmin(), withTAXIIState(dir))
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
	h.restartWithTAXIIState(dir)
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

// TestTAXIISharedIDsHistory: a history saved when every collection had
// the stix21 output's ids is moved to the collection's ids by the first
// request after the upgrade: the old ids revoked, the indicators added
// again under new ones, in one poll.
func TestTAXIISharedIDsHistory(t *testing.T) {
	dirPath, dir := openTAXIIState(t)
	h := newHarness(t, withTAXIIState(dir))
	block := newPoller(h, "block")
	first := block.poll(t)
	files, _ := filepath.Glob(filepath.Join(dirPath, "taxii-*.json"))
	if len(files) != 1 {
		t.Fatalf("state files %v", files)
	}
	b, err := dir.ReadFile(filepath.Base(files[0]))
	if err != nil {
		t.Fatal(err)
	}
	if err := dir.Write(filepath.Base(files[0]), sharedIDs(t, b)); err != nil {
		t.Fatal(err)
	}
	h.restartWithTAXIIState(dir)
	_, domains := h.authed("/v1/feed/block/type/domain/age/10y/output/stix21")
	_, hosts := h.authed("/v1/feed/block/type/hostname/age/10y/output/stix21")
	got := block.poll(t)
	for _, o := range got {
		if o.Type != "indicator" {
			t.Fatalf("%+v in the migration", o)
		}
		// Old ids (the bundle's) revoked, new ones added.
		if strings.HasPrefix(o.Pattern, "[domain-name:value") && o.Revoked != strings.Contains(domains+hosts, o.ID) {
			t.Fatalf("%s %s, revoked %v: the bundle has it %v", o.ID, o.Pattern, o.Revoked, !o.Revoked)
		}
	}
	want := patterns(first)[1:] // but the identity
	want = append(revokedAll(want), want...)
	slices.Sort(want)
	if got := patterns(got); !slices.Equal(got, want) {
		t.Fatalf("after the upgrade %q, want %q", got, want)
	}
	if again := block.poll(t); len(again) != 0 {
		t.Fatalf("migrated again: %q", patterns(again))
	}
	if b, _ := dir.ReadFile(filepath.Base(files[0])); !strings.HasPrefix(string(b), "cratos-taxii/5 ") {
		t.Fatalf("saved as %.30q", b)
	}
}

func revokedAll(ps []string) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = "revoked " + p
	}
	return out
}

// sharedIDs returns a history of one refresh as the format with shared
// ids wrote it: its records ordered by those ids.
func sharedIDs(t *testing.T, b []byte) []byte {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	f := strings.Fields(lines[0])
	n, _ := strconv.Atoi(f[2])
	if f[0] == "cratos-taxii/5" { // with its basis: no eras or re-markings expected
		if f[5] != "0" || lines[2] != "m" {
			t.Fatalf("a history of one refresh saved as %q, %q", lines[0], lines[2])
		}
		lines = slices.Delete(lines, 2, 3)
	}
	objs, recs := lines[2:2+n], lines[2+n:]
	ids := make([]string, n)
	for i, l := range objs {
		o := strings.SplitN(l, " ", 8)
		v, err := strconv.Unquote(o[7])
		typ, terr := indicator.ParseType(o[2])
		switch {
		case err != nil:
			t.Fatal(err)
		case o[1] == "0" && terr == nil:
			ids[i] = stix21.IndicatorID(indicator.Indicator{Type: typ, Value: v})
		default:
			ids[i], _, _ = strings.Cut(v[strings.Index(v, `"id":"`)+6:], `"`)
		}
	}
	obj := func(r string) int { i, _ := strconv.Atoi(strings.Fields(r)[1]); return i }
	slices.SortFunc(recs, func(a, b string) int { return strings.Compare(ids[obj(a)], ids[obj(b)]) })
	return []byte(strings.Join(append(append([]string{"cratos-taxii/1 " + strings.Join(f[1:4], " "), lines[1]}, objs...), recs...), "\n") + "\n")
}
