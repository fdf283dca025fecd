package taxii

import (
	"slices"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers/stix21"
)

// markingID returns the marking-definition id objects encoded with opts
// refer to.
func markingID(t *testing.T, opts map[string]string) string {
	t.Helper()
	enc, err := stix21.NewObjects(opts, timeZero)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := enc.Marking()
	return id
}

// TestVersionsKeepTheirMarking: a version is identified by its id and
// modified time and never changes, so after a change of TLP each
// version of an indicator is served with the marking it was made under:
// the first TLP:CLEAR, the one the change added TLP:RED, and a revoked
// version made before the change TLP:CLEAR. This holds for every
// match[version] and after a restart.
func TestVersionsKeepTheirMarking(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	a, b := ind(indicator.IPv4, "192.0.2.1", 1700000000), ind(indicator.Domain, "evil.example", 1700000100)
	clearOpts, redOpts := map[string]string{stix21.OptTLP: "clear"}, map[string]string{stix21.OptTLP: "red"}
	clearID, redID := markingID(t, clearOpts), markingID(t, redOpts)

	c := NewCollection(testID)
	apply(t, c, t0, clearOpts, a, b)
	apply(t, c, t0.Add(time.Minute), clearOpts, a)                    // b revoked under TLP:CLEAR
	apply(t, c, t0.Add(2*time.Minute), redOpts, a)                    // a re-marked TLP:RED
	apply(t, c, t0.Add(3*time.Minute), redOpts, a, ind(indicator.URL, // added under TLP:RED
		"http://new.example/", 1700000200))
	restored, _ := saved(t, c)

	tests := []struct {
		name, query, id string
		want            []string // modified and marking of each version served
	}{
		{"a first", "match[version]=first", sid(a), []string{"2023-11-14T22:13:20.000Z", clearID}},
		{"a last", "", sid(a), []string{"2026-05-01T10:02:00.000Z", redID}},
		{"a all", "match[version]=all", sid(a), []string{"2023-11-14T22:13:20.000Z", clearID, "2026-05-01T10:02:00.000Z", redID}},
		{"a by version", "match[version]=2023-11-14T22:13:20.000Z", sid(a), []string{"2023-11-14T22:13:20.000Z", clearID}},
		{"b all", "match[version]=all", sid(b), []string{"2023-11-14T22:15:00.000Z", clearID, "2026-05-01T10:01:00.000Z", clearID}},
		{"new", "", sid(ind(indicator.URL, "http://new.example/", 0)), []string{"2023-11-14T22:16:40.000Z", redID}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, coll := range []*Collection{c, restored} {
				p := mustObjects(t, coll, tt.query, tt.id)
				_, objs := pollRaw(t, coll, tt.query+"&match[id]="+tt.id)
				var got []string
				for _, o := range objs {
					got = append(got, o.Modified)
					got = append(got, o.Markings...)
				}
				if !slices.Equal(got, tt.want) {
					t.Fatalf("served %v, want %v: %s", got, tt.want, p.Body)
				}
			}
		})
	}
	// The whole collection from the start: every version as it was made.
	_, objs := pollRaw(t, c, "match[version]=all")
	var clear, red int
	for _, o := range objs {
		for _, m := range o.Markings {
			clear += b2i(m == clearID)
			red += b2i(m == redID)
		}
	}
	if clear != 3 || red != 2 {
		t.Fatalf("%d versions marked TLP:CLEAR and %d TLP:RED, want 3 and 2: %+v", clear, red, objs)
	}
}

// TestProducerKeptAcrossVersions: created_by_ref must not change across
// the versions of an object (STIX 2.1, 3.6), so a change of
// identity_name gives indicators added from then on the new producer,
// while those already served keep theirs in every later version, a
// marking change's and the revoked one included, and get no version of
// their own. The former producer's identity is still served.
func TestProducerKeptAcrossVersions(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	a, b := ind(indicator.IPv4, "192.0.2.1", 1700000000), ind(indicator.Domain, "evil.example", 1700000100)
	fresh := ind(indicator.URL, "http://new.example/", 1700000200)
	cratos, cert := map[string]string{}, map[string]string{stix21.OptIdentityName: "CERT"}
	certRed := map[string]string{stix21.OptIdentityName: "CERT", stix21.OptTLP: "red"}
	identityOf := func(opts map[string]string) string {
		enc, err := stix21.NewObjects(opts, timeZero)
		if err != nil {
			t.Fatal(err)
		}
		id, _ := enc.Identity()
		return id
	}
	old, renamed := identityOf(cratos), identityOf(cert)

	c := NewCollection(testID)
	apply(t, c, t0, cratos, a, b)
	apply(t, c, t0.Add(time.Minute), cert, a, b)
	vp, verr := c.Versions(mustQuery(t, ""), sid(a))
	if verr != nil {
		t.Fatal(verr)
	}
	if ve, _ := decode(t, vp); !slices.Equal(ve.Versions, []string{"2023-11-14T22:13:20.000Z"}) {
		t.Fatalf("a renamed producer added versions %v", ve.Versions)
	}
	apply(t, c, t0.Add(2*time.Minute), certRed, a, b, fresh) // a and b re-marked, fresh added
	apply(t, c, t0.Add(3*time.Minute), certRed, a, fresh)    // b revoked
	restored, _ := saved(t, c)

	tests := []struct {
		name     string
		id       string
		versions int
		by       string
	}{
		{"a", sid(a), 2, old},
		{"b", sid(b), 3, old},
		{"fresh", sid(fresh), 1, renamed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, coll := range []*Collection{c, restored} {
				_, objs := pollRaw(t, coll, "match[version]=all&match[id]="+tt.id)
				if len(objs) != tt.versions {
					t.Fatalf("%d versions, want %d: %+v", len(objs), tt.versions, objs)
				}
				for _, o := range objs {
					if o.CreatedBy != tt.by {
						t.Fatalf("version %s by %s, want %s", o.Modified, o.CreatedBy, tt.by)
					}
				}
			}
		})
	}
	_, objs := pollRaw(t, c, "match[type]=identity")
	var ids []string
	for _, o := range objs {
		ids = append(ids, o.ID)
	}
	if !slices.Contains(ids, old) || !slices.Contains(ids, renamed) {
		t.Fatalf("identities served %v, want %s and %s", ids, old, renamed)
	}
}
