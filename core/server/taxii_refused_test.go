package server_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/core/taxii"
	"github.com/cratos-project/cratos/renderers/stix21"
)

// TestTAXIIObjectNeverServedIsNotFound: an object of a history an
// earlier version wrote whose every version the STIX encoder refuses
// (its value holds a control character) is a TAXII 404 at
// objects/{id}/ and versions/, as an unknown object, and is not in the
// manifest: a client walking the manifest asked for it and got 200
// {"more":false}.
func TestTAXIIObjectNeverServedIsNotFound(t *testing.T) {
	dirPath, dir := openTAXIIState(t)
	h := newHarness(t, withTAXIIState(dir))
	block := newPoller(h, "block")
	block.poll(t)
	// Added by a refresh of its own: the history's versions stay in order
	// once its id is that of the value below.
	if _, err := h.sim.AddEvent(mispsim.Event{Info: "new", Published: true, OrgName: "Acme", OrgUUID: acmeUUID,
		Attributes: []mispsim.Attribute{{ID: 9001, Type: "domain", Value: "refused.example", ToIDS: true,
			Tags: []string{"example:incident-classification=block"}}}}); err != nil {
		t.Fatal(err)
	}
	h.start()
	if got := strings.Join(patterns(block.poll(t)), "\n"); got != "[domain-name:value = 'refused.example']" {
		t.Fatalf("second poll:\n%s", got)
	}
	// The history as an earlier version wrote it, with a value the
	// encoder refuses; the attribute leaves the feed meanwhile.
	files, _ := filepath.Glob(filepath.Join(dirPath, "taxii-*.json"))
	if len(files) != 1 {
		t.Fatalf("state files %v", files)
	}
	b, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	_, payload, _ := bytes.Cut(b, []byte("\n"))
	payload = bytes.ReplaceAll(payload, []byte(`"refused.example"`), []byte("\"refused\x01.example\""))
	sum := sha256.Sum256(payload)
	if err := os.WriteFile(files[0], append([]byte("cratos-state/1 "+hex.EncodeToString(sum[:])+"\n"), payload...), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := h.sim.EditAttribute(9001, mispsim.AttributeEdit{Deleted: true}); err != nil {
		t.Fatal(err)
	}
	h.restartWithTAXIIState(dir)

	coll := "/taxii2/" + h.site.Name + "/collections/" + taxii.CollectionID(h.site.Name, "block") + "/"
	id := "indicator--" + stix21.NameUUID("taxii-indicator|"+taxii.CollectionID(h.site.Name, "block")+"|"+indicator.Domain.String()+"|refused\x01.example|0")
	const notFound = `{"title":"object not found","description":"the collection holds no object with this id","http_status":"404"}`
	for _, path := range []string{"objects/" + id + "/", "objects/" + id + "/?match[version]=all", "objects/" + id + "/versions/"} {
		resp, body := h.taxiiGet(coll + path)
		if resp.StatusCode != 404 || body != notFound || resp.Header.Get("Content-Type") != taxii.MediaType {
			t.Fatalf("%s: %d %q %s", path, resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
	}
	resp, body := h.taxiiGet(coll + "manifest/?match[version]=all")
	_, entries := checkTAXII(t, resp, body)
	oresp, obody := h.taxiiGet(coll + "objects/?match[version]=all")
	_, objs := checkTAXII(t, oresp, obody)
	if resp.StatusCode != 200 || len(entries) == 0 || len(entries) != len(objs) || strings.Contains(body, id) {
		t.Fatalf("manifest of %d entries for %d objects: %d %s", len(entries), len(objs), resp.StatusCode, body)
	}
	for i := range entries {
		if entries[i].ID != objs[i].ID {
			t.Fatalf("manifest entry %d %s, object %s", i, entries[i].ID, objs[i].ID)
		}
	}
}
