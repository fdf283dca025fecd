package server_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/core/taxii"
	"github.com/cratos-project/cratos/internal/testtool"
)

func TestTAXIIDiscoveryAndCollections(t *testing.T) {
	h := newHarness(t)
	site := h.site.Name
	resp, body := h.taxiiGet("/taxii2/")
	checkTAXII(t, resp, body)
	var disc struct {
		Default  string   `json:"default"`
		APIRoots []string `json:"api_roots"`
	}
	_ = json.Unmarshal([]byte(body), &disc)
	if resp.StatusCode != 200 || disc.Default != "/taxii2/"+site+"/" || !slices.Equal(disc.APIRoots, []string{disc.Default}) {
		t.Fatalf("discovery %d %s", resp.StatusCode, body)
	}
	resp, body = h.taxiiGet(disc.Default)
	checkTAXII(t, resp, body)
	if resp.StatusCode != 200 || !strings.Contains(body, `"versions":["application/taxii+json;version=2.1"]`) || !strings.Contains(body, `"max_content_length":65536`) {
		t.Fatalf("api root %d %s", resp.StatusCode, body)
	}
	resp, body = h.taxiiGet(disc.Default + "collections/")
	checkTAXII(t, resp, body)
	var colls struct {
		Collections []taxii.Info `json:"collections"`
	}
	_ = json.Unmarshal([]byte(body), &colls)
	// The title is the feed name alone: OpenCTI's taxii2 connector
	// selects a collection as <api root>.<title> (*.block), split at
	// its one dot, and the site is a name with dots.
	var titles []string
	for _, c := range colls.Collections {
		feed := c.Title
		titles = append(titles, feed)
		if c.ID != taxii.CollectionID(site, feed) || !c.CanRead || c.CanWrite || c.Description == "" ||
			!slices.Equal(c.MediaTypes, []string{"application/stix+json;version=2.1"}) {
			t.Fatalf("collection %+v", c)
		}
	}
	// Only the custom feed the site configures is offered.
	if want := []string{"incident", "block", "alert", "hunt", "cust1", "any", "42"}; !slices.Equal(titles, want) {
		t.Fatalf("collections %v, want %v", titles, want)
	}
	id := taxii.CollectionID(site, "block")
	resp, body = h.taxiiGet(disc.Default + "collections/" + id + "/")
	checkTAXII(t, resp, body)
	if resp.StatusCode != 200 || !strings.Contains(body, `"id":"`+id+`"`) || !strings.Contains(body, `"can_write":false`) {
		t.Fatalf("collection %d %s", resp.StatusCode, body)
	}
	// The id is a UUID derived from site and feed.
	if taxii.CollectionID(site, "block") == taxii.CollectionID("other.example", "block") || len(id) != 36 {
		t.Fatalf("collection id %s", id)
	}
}

func TestTAXIIErrors(t *testing.T) {
	h := newHarness(t)
	root := "/taxii2/" + h.site.Name + "/"
	coll := root + "collections/" + taxii.CollectionID(h.site.Name, "block") + "/"
	basic := func(user, pass string) string {
		return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
	}
	otherClaims := h.claims
	otherClaims.Host = "other.example"
	other := h.mint(otherClaims)
	cases := []struct {
		name, method, path string
		headers            []string
		status             int
	}{
		{"no credentials", "GET", root, []string{"Accept", taxiiAccept}, 401},
		{"bad token", "GET", root, []string{"Accept", taxiiAccept, "Authorization", basic("cratos", "gAAAAAbad")}, 403},
		{"malformed basic", "GET", root, []string{"Accept", taxiiAccept, "Authorization", "Basic !!!"}, 401},
		{"token of an unknown site", "GET", "/taxii2/", []string{"Accept", taxiiAccept, "Authorization", basic("cratos", other)}, 403},
		{"no accept", "GET", root, []string{"token", h.token}, 406},
		{"json accept", "GET", coll + "objects/", []string{"token", h.token, "Accept", "application/json"}, 406},
		{"taxii 2.0 accept", "GET", root, []string{"token", h.token, "Accept", "application/taxii+json;version=2.0"}, 406},
		{"other api root", "GET", "/taxii2/other.example/collections/", []string{"token", h.token, "Accept", taxiiAccept}, 404},
		{"unknown collection", "GET", root + "collections/" + taxii.CollectionID(h.site.Name, "cust2") + "/objects/", []string{"token", h.token, "Accept", taxiiAccept}, 404},
		{"other site's collection", "GET", root + "collections/" + taxii.CollectionID("other.example", "block") + "/", []string{"token", h.token, "Accept", taxiiAccept}, 404},
		{"unknown object", "GET", coll + "objects/indicator--00000000-0000-5000-8000-000000000000/", []string{"token", h.token, "Accept", taxiiAccept}, 404},
		{"unknown object versions", "GET", coll + "objects/indicator--00000000-0000-5000-8000-000000000000/versions/", []string{"token", h.token, "Accept", taxiiAccept}, 404},
		{"bad limit", "GET", coll + "objects/?limit=0", []string{"token", h.token, "Accept", taxiiAccept}, 400},
		{"bad added_after", "GET", coll + "manifest/?added_after=yesterday", []string{"token", h.token, "Accept", taxiiAccept}, 400},
		{"bad next", "GET", coll + "objects/?next=xyz", []string{"token", h.token, "Accept", taxiiAccept}, 400},
		{"bad match version", "GET", coll + "objects/?match[version]=newest", []string{"token", h.token, "Accept", taxiiAccept}, 400},
		{"write", "POST", coll + "objects/", []string{"token", h.token, "Accept", taxiiAccept}, 403},
		{"delete", "DELETE", coll + "objects/indicator--00000000-0000-5000-8000-000000000000/", []string{"token", h.token, "Accept", taxiiAccept}, 403},
		{"status resource", "GET", root + "status/2d086da7-4bdc-4f91-900e-d77486753710/", []string{"token", h.token, "Accept", taxiiAccept}, 404},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := h.do(tc.method, tc.path, tc.headers...)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, body)
			}
			checkTAXII(t, resp, body)
			if strings.Contains(body, h.token) || strings.Contains(body, h.claims.Key) {
				t.Fatal("credential in an error")
			}
		})
	}
}

func TestTAXIIObjectsPagingAndETag(t *testing.T) {
	h := newHarness(t)
	coll := "/taxii2/" + h.site.Name + "/collections/" + taxii.CollectionID(h.site.Name, "block") + "/"
	resp, body := h.taxiiGet(coll + "objects/")
	env, objs := checkTAXII(t, resp, body)
	if resp.StatusCode != 200 || env.More || len(objs) < 10 {
		t.Fatalf("objects %d: %d objects: %s", resp.StatusCode, len(objs), body)
	}
	if objs[0].Type != "identity" {
		t.Fatalf("first object %+v", objs[0])
	}
	var all []string
	for _, o := range objs {
		all = append(all, o.ID)
		if o.Type == "indicator" && strings.Contains(o.Pattern, "198.51.100.66") {
			t.Fatal("false positive in the block collection")
		}
	}
	// The same indicators as the stix21 bundle of the feed, but for what
	// the bundle's data type leaves out, under ids of the collection.
	_, domains := h.authed("/v1/feed/block/type/domain/age/10y/output/stix21")
	_, hosts := h.authed("/v1/feed/block/type/hostname/age/10y/output/stix21")
	names := 0
	for _, o := range objs {
		if !strings.HasPrefix(o.Pattern, "[domain-name:value") {
			continue
		}
		names++
		if !strings.Contains(domains+hosts, `"pattern":"`+o.Pattern+`"`) || strings.Contains(domains+hosts, o.ID) {
			t.Fatalf("%s %s: not in the stix21 bundles, or under the same id", o.ID, o.Pattern)
		}
	}
	if names < 3 {
		t.Fatalf("%d domain names", names)
	}
	// Walk with limit 3: every object exactly once, in the same order.
	var walked []string
	next := ""
	for range 100 {
		q := "?limit=3"
		if next != "" {
			q += "&next=" + url.QueryEscape(next)
		}
		resp, body := h.taxiiGet(coll + "objects/" + q)
		env, objs := checkTAXII(t, resp, body)
		if len(objs) > 3 {
			t.Fatalf("page of %d", len(objs))
		}
		for _, o := range objs {
			walked = append(walked, o.ID)
		}
		if !env.More {
			break
		}
		next = env.Next
	}
	if !slices.Equal(walked, all) {
		t.Fatalf("walk %v\nwant %v", walked, all)
	}
	// Conditional request.
	etag := resp.Header.Get("ETag")
	resp, body = h.taxiiGet(coll+"objects/", "If-None-Match", etag)
	if resp.StatusCode != http.StatusNotModified || body != "" || etag == "" {
		t.Fatalf("If-None-Match: %d %q", resp.StatusCode, body)
	}
	// Large pages are compressed for clients that accept it: another
	// representation, with its own tag; If-None-Match matches either, and
	// the 304 carries the tag of the form the client would get.
	gzETag := strings.TrimSuffix(etag, `"`) + `-gzip"`
	resp, body = h.taxiiGet(coll+"objects/", "Accept-Encoding", "gzip")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "gzip" || resp.Header.Get("ETag") != gzETag || !strings.HasPrefix(body, "\x1f\x8b") {
		t.Fatalf("gzip: %d %v", resp.StatusCode, resp.Header)
	}
	for _, tc := range []struct{ tag, encoding, want string }{
		{gzETag, "gzip", gzETag}, {etag, "gzip", gzETag}, {gzETag, "identity", etag},
	} {
		resp, body = h.taxiiGet(coll+"objects/", "If-None-Match", tc.tag, "Accept-Encoding", tc.encoding)
		if resp.StatusCode != http.StatusNotModified || body != "" || resp.Header.Get("ETag") != tc.want {
			t.Fatalf("If-None-Match %s, Accept-Encoding %s: %d, ETag %s; want 304, %s", tc.tag, tc.encoding, resp.StatusCode, resp.Header.Get("ETag"), tc.want)
		}
	}
	// The manifest lists the same ids with their versions.
	resp, body = h.taxiiGet(coll + "manifest/")
	_, recs := checkTAXII(t, resp, body)
	if len(recs) != len(all) || recs[0].ID != all[0] {
		t.Fatalf("manifest %d records", len(recs))
	}
	// One object, its versions, and filters.
	var ind testtool.TAXIIObject
	for _, o := range objs {
		if o.Type == "indicator" {
			ind = o
		}
	}
	resp, body = h.taxiiGet(coll + "objects/" + ind.ID + "/")
	_, one := checkTAXII(t, resp, body)
	if len(one) != 1 || one[0].ID != ind.ID {
		t.Fatalf("object: %s", body)
	}
	resp, body = h.taxiiGet(coll + "objects/" + ind.ID + "/versions/")
	venv, _ := checkTAXII(t, resp, body)
	if !slices.Equal(venv.Versions, []string{ind.Modified}) {
		t.Fatalf("versions %s", body)
	}
	for q, want := range map[string]int{
		"match[type]=identity":                                    1,
		"match[type]=indicator,identity":                          len(all),
		"match[spec_version]=2.0":                                 0,
		"match[id]=" + ind.ID:                                     1,
		"match[version]=" + ind.Modified + "&match[id]=" + ind.ID: 1,
		"added_after=2999-01-01T00:00:00Z":                        0,
		"limit=99999999999999999999":                              len(all),
	} {
		resp, body := h.taxiiGet(coll + "objects/?" + q)
		_, objs := checkTAXII(t, resp, body)
		if len(objs) != want {
			t.Errorf("%s: %d objects, want %d", q, len(objs), want)
		}
	}
}
