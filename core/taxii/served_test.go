package taxii

import (
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
)

// refusedHistory is a history a restart reads whose bad1.example and
// bad2.example the encoder refuses: 198.51.100.1 added at 10:00 and
// revoked at 10:03, bad1 and bad2 added at 10:01 (bad1 revoked at 10:03),
// 198.51.100.2 added at 10:02.
func refusedHistory(t *testing.T) *Collection {
	t0 := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	ip1, ip2 := ips(1, 2), ips(2, 3)
	bad1, bad2 := ind(indicator.Domain, "bad1.example", 1700000000), ind(indicator.Domain, "bad2.example", 1700000000)
	c := NewCollection(testID)
	apply(t, c, t0, nil, ip1...)
	apply(t, c, t0.Add(time.Minute), nil, append(slices.Clone(ip1), bad1, bad2)...)
	apply(t, c, t0.Add(2*time.Minute), nil, append(slices.Concat(ip1, ip2), bad1, bad2)...)
	apply(t, c, t0.Add(3*time.Minute), nil, append(slices.Clone(ip2), bad2)...)
	return reloaded(t, c, `.example"`, "\x01.example\"")
}

// servedVersion is an object version as a page names it.
type servedVersion struct{ id, version string }

// TestManifestListsWhatObjectsServe: the manifest pages the versions the
// objects resource serves, with the same more, next and
// X-TAXII-Date-Added-First and -Last, and each of its entries is the
// object a client then asks by id and version. It listed the versions
// the encoder refuses, which a client walking the manifest then asked
// for and never got, and a page ending on them had more true.
func TestManifestListsWhatObjectsServe(t *testing.T) {
	c := refusedHistory(t)
	for _, query := range []string{"", "limit=1", "match[version]=all", "match[version]=all&limit=1", "match[version]=all&limit=2",
		"match[version]=first&limit=1", "added_after=2026-05-01T10:00:00.000Z&limit=1", "match[type]=indicator&match[version]=all&limit=1"} {
		t.Run(query, func(t *testing.T) {
			next := ""
			for page := 0; ; page++ {
				raw := query
				if next != "" {
					raw += "&next=" + url.QueryEscape(next)
				}
				op, mp := mustObjects(t, c, raw, ""), mustManifest(t, c, raw)
				oe, objs := decode(t, op)
				me, entries := decode(t, mp)
				if oe.More != me.More || oe.Next != me.Next || op.First != mp.First || op.Last != mp.Last {
					t.Fatalf("page %d: objects more %v next %q %s..%s, manifest more %v next %q %s..%s",
						page, oe.More, oe.Next, op.First, op.Last, me.More, me.Next, mp.First, mp.Last)
				}
				var served, listed []servedVersion
				for _, o := range objs {
					served = append(served, servedVersion{o.ID, cmpOr(o.Modified, o.Created)})
				}
				for _, m := range entries {
					listed = append(listed, servedVersion{m.ID, m.Version})
					_, got := decode(t, mustObjects(t, c, "match[version]="+m.Version, m.ID))
					if len(got) != 1 || got[0].ID != m.ID || cmpOr(got[0].Modified, got[0].Created) != m.Version {
						t.Fatalf("manifest entry %+v: object %+v", m, got)
					}
				}
				if !slices.Equal(served, listed) {
					t.Fatalf("page %d: objects %v, manifest %v", page, served, listed)
				}
				if !me.More {
					break
				}
				if page > 10 || me.Next == "" {
					t.Fatalf("page %d: more with next %q", page, me.Next)
				}
				next = me.Next
			}
		})
	}
	// The second page of two, exactly: the versions of 10:01 are not.
	id1, id2 := sid(ips(1, 2)[0]), sid(ips(2, 3)[0])
	e, _ := decode(t, mustManifest(t, c, "match[version]=all&limit=2"))
	p := mustManifest(t, c, "match[version]=all&limit=2&next="+url.QueryEscape(e.Next))
	want := `{"more":false,"objects":[` +
		`{"id":"` + id2 + `","date_added":"2026-05-01T10:02:00.000Z","version":"2023-11-14T22:13:20.000Z","media_type":"application/stix+json;version=2.1"},` +
		`{"id":"` + id1 + `","date_added":"2026-05-01T10:03:00.000Z","version":"2026-05-01T10:03:00.000Z","media_type":"application/stix+json;version=2.1"}]}`
	if string(p.Body) != want || p.First != "2026-05-01T10:02:00.000Z" || p.Last != "2026-05-01T10:03:00.000Z" {
		t.Fatalf("second page %s..%s %s\nwant %s", p.First, p.Last, p.Body, want)
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// TestObjectNoVersionServedIsNotFound: an object none of whose versions
// is served is a 404, as an unknown object: it answered 200
// {"more":false}, as if a filter had selected none of its versions. An
// object with a version served answers 200, its versions those served.
func TestObjectNoVersionServedIsNotFound(t *testing.T) {
	c := refusedHistory(t)
	const notFound = `{"title":"object not found","description":"the collection holds no object with this id","http_status":"404"}`
	bad1 := sid(ind(indicator.Domain, "bad1\x01.example", 0))
	bad2 := sid(ind(indicator.Domain, "bad2\x01.example", 0))
	if _, ok := c.byID[bad1]; !ok {
		t.Fatal("bad1 is not in the collection")
	}
	for _, id := range []string{bad1, bad2, "indicator--00000000-0000-5000-8000-000000000000"} {
		for _, query := range []string{"", "match[version]=all", "match[version]=first"} {
			if p, err := c.Objects(mustQuery(t, query), id); err == nil || err.Status != 404 || string(err.JSON()) != notFound {
				t.Fatalf("object %s?%s: %s, error %v", id, query, p.Body, err)
			}
			if p, err := c.Versions(mustQuery(t, query), id); err == nil || err.Status != 404 || string(err.JSON()) != notFound {
				t.Fatalf("versions of %s?%s: %s, error %v", id, query, p.Body, err)
			}
		}
	}
	ip1 := sid(ips(1, 2)[0])
	tests := []struct {
		name, query string
		versions    bool
		want        string
	}{
		{"versions", "", true, `{"more":false,"versions":["2023-11-14T22:13:20.000Z","2026-05-01T10:03:00.000Z"]}`},
		{"versions after its last", "added_after=2026-05-01T10:03:00.000Z", true, `{"more":false}`},
		{"object after its last", "added_after=2026-05-01T10:03:00.000Z", false, `{"more":false}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			get := c.Objects
			if tt.versions {
				get = c.Versions
			}
			p, err := get(mustQuery(t, tt.query), ip1)
			if err != nil || string(p.Body) != tt.want {
				t.Fatalf("%s, error %v; want %s", p.Body, err, tt.want)
			}
		})
	}
}
