package server_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/conformance/stixschema"
	"github.com/cratos-project/cratos/core/state"
	"github.com/cratos-project/cratos/core/taxii"
	"github.com/cratos-project/cratos/internal/testtool"
)

const taxiiAccept = "application/taxii+json;version=2.1"

// taxiiGet requests path as a TAXII client does: HTTP Basic with user
// cratos and the token, and the TAXII Accept header.
func (h *harness) taxiiGet(path string, headers ...string) (*http.Response, string) {
	h.t.Helper()
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("cratos:"+h.token))
	return h.get(path, append([]string{"Authorization", basic, "Accept", taxiiAccept}, headers...)...)
}

var taxiiStamp = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$`)

// checkTAXII applies the TAXII 2.1 rules to a response: the media type,
// an error message for every failure, and for envelopes and manifests
// their properties, with each STIX object valid against the OASIS schemas.
func checkTAXII(t *testing.T, resp *http.Response, body string) (testtool.TAXIIEnvelope, []testtool.TAXIIObject) {
	t.Helper()
	if resp.StatusCode == http.StatusNotModified {
		return testtool.TAXIIEnvelope{}, nil
	}
	if ct := resp.Header.Get("Content-Type"); ct != taxii.MediaType {
		t.Fatalf("%d: Content-Type %q: %s", resp.StatusCode, ct, body)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal([]byte(body), &top); err != nil {
		t.Fatalf("body is not a JSON object: %v: %s", err, body)
	}
	if resp.StatusCode >= 400 {
		var e struct {
			Title      string `json:"title"`
			HTTPStatus string `json:"http_status"`
		}
		_ = json.Unmarshal([]byte(body), &e)
		if e.Title == "" || e.HTTPStatus != strconv.Itoa(resp.StatusCode) {
			t.Fatalf("error message %s for status %d", body, resp.StatusCode)
		}
		for k := range top {
			if k != "title" && k != "description" && k != "http_status" {
				t.Fatalf("error message property %q", k)
			}
		}
		return testtool.TAXIIEnvelope{}, nil
	}
	var env testtool.TAXIIEnvelope
	if _, ok := top["more"]; !ok {
		return env, nil // a discovery, api root or collection resource
	}
	_ = json.Unmarshal([]byte(body), &env)
	for k := range top {
		if k != "more" && k != "next" && k != "objects" && k != "versions" {
			t.Fatalf("envelope property %q", k)
		}
	}
	if env.More != (env.Next != "") {
		t.Fatalf("more %v with next %q", env.More, env.Next)
	}
	if env.More && len(env.Objects)+len(env.Versions) == 0 {
		t.Fatal("more without objects")
	}
	if h := resp.Header.Get("X-TAXII-Date-Added-First"); (h != "") != (len(env.Objects)+len(env.Versions) > 0) || (h != "" && !taxiiStamp.MatchString(h)) {
		t.Fatalf("X-TAXII-Date-Added-First %q with %d entries", h, len(env.Objects)+len(env.Versions))
	}
	v := stixschema.ForTest(t)
	var objs []testtool.TAXIIObject
	for _, raw := range env.Objects {
		var o testtool.TAXIIObject
		if err := json.Unmarshal(raw, &o); err != nil {
			t.Fatal(err)
		}
		if o.MediaType != "" { // a manifest record
			if !strings.Contains(o.ID, "--") || !taxiiStamp.MatchString(o.DateAdded) || !taxiiStamp.MatchString(o.Version) || o.MediaType != taxii.StixMediaType {
				t.Fatalf("manifest record %s", raw)
			}
		} else if err := v.ValidateObject(raw); err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		objs = append(objs, o)
	}
	for _, s := range env.Versions {
		if !taxiiStamp.MatchString(s) {
			t.Fatalf("version %q", s)
		}
	}
	return env, objs
}

// openTAXIIState opens a state directory under the test's temporary
// directory and returns its path and the directory.
func openTAXIIState(t *testing.T) (string, *state.Dir) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state")
	dir, err := state.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return path, dir
}

// withTAXIIState has the server keep its TAXII histories in dir.
func withTAXIIState(dir *state.Dir) harnessOption {
	return func(h *harness) { h.taxii = taxii.NewManager(dir, nil) }
}

// restartWithTAXIIState starts the server again with a TAXII manager
// that reads its histories from dir afresh, as a new process would.
func (h *harness) restartWithTAXIIState(dir *state.Dir) {
	h.taxii = taxii.NewManager(dir, nil)
	h.start()
}
