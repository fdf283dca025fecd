package taxii

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/stixschema"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers/stix21"
)

// stixObject is what a TIP reads of an indicator's producer and marking.
type stixObject struct {
	Type      string   `json:"type"`
	ID        string   `json:"id"`
	Created   string   `json:"created"`
	Modified  string   `json:"modified"`
	Revoked   bool     `json:"revoked"`
	CreatedBy string   `json:"created_by_ref"`
	Markings  []string `json:"object_marking_refs"`
}

// pollRaw returns the objects of a poll, each checked against the STIX
// schema.
func pollRaw(t *testing.T, c *Collection, query string) (Page, []stixObject) {
	t.Helper()
	v := stixschema.ForTest(t)
	p := mustObjects(t, c, query, "")
	e, _ := decode(t, p)
	var out []stixObject
	for _, raw := range e.Objects {
		if err := v.ValidateObject(raw); err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		var o stixObject
		if err := json.Unmarshal(raw, &o); err != nil {
			t.Fatal(err)
		}
		out = append(out, o)
	}
	return p, out
}

// TestMarkingChangeIsANewVersion: when the site's TLP changes, every
// active indicator gets a new version dated then, so a client polling
// added_after receives them again and, keeping the latest version of
// each id, ends with the new marking. Its producer stays that of its
// first version, and a change of identity_name alone adds no version.
// The versions stay in order through a later revocation and a restart.
func TestMarkingChangeIsANewVersion(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	a, b := ind(indicator.IPv4, "192.0.2.1", 1700000000), ind(indicator.Domain, "evil.example", 1700000100)
	// An attribute dated after the change (a MISP clock ahead): its new
	// version must still come after its first.
	ahead := ind(indicator.URL, "http://ahead.example/", t0.Add(time.Hour).Unix())
	tlpClear, red := map[string]string{stix21.OptTLP: "clear"}, map[string]string{stix21.OptTLP: "red"}
	renamed := map[string]string{stix21.OptTLP: "red", stix21.OptIdentityName: "CERT"}
	markingOf := func(opts map[string]string) (identity, marking string) {
		enc, err := stix21.NewObjects(opts, t0)
		if err != nil {
			t.Fatal(err)
		}
		identity, _ = enc.Identity()
		marking, _ = enc.Marking()
		return identity, marking
	}

	c := NewCollection(testID)
	apply(t, c, t0, tlpClear, a, b, ahead)
	p1, _ := pollRaw(t, c, "")
	latest := map[string]stixObject{}
	keep := func(objs []stixObject) {
		for _, o := range objs {
			if p, ok := latest[o.ID]; ok && p.Type == "indicator" && o.Modified <= p.Modified {
				t.Fatalf("%s: version %s after %s", o.ID, o.Modified, p.Modified)
			}
			latest[o.ID] = o
		}
	}
	_, objs := pollRaw(t, c, "")
	keep(objs)
	after := p1.Last
	for i, opts := range []map[string]string{red, renamed} {
		at := t0.Add(time.Duration(i+1) * time.Minute)
		apply(t, c, at, opts, a, b, ahead)
		p, objs := pollRaw(t, c, "added_after="+after)
		after = p.Last
		keep(objs)
		_, marking := markingOf(opts)
		identity, _ := markingOf(tlpClear)
		for _, in := range []indicator.Indicator{a, b, ahead} {
			o, ok := latest[sid(in)]
			if !ok || o.CreatedBy != identity || !slices.Equal(o.Markings, []string{marking}) {
				t.Fatalf("after %v: %s held as %+v, want by %s marked %s; poll %+v", opts, in.Value, o, identity, marking, objs)
			}
		}
		if o, want := latest[sid(a)], stamp(t0.Add(time.Minute).UnixMilli()); o.Modified != want {
			t.Fatalf("after %v: modified %s, want %s", opts, o.Modified, want)
		}
		if _, ok := latest[marking]; !ok {
			t.Fatalf("after %v: marking %s not served", opts, marking)
		}
	}

	// b leaves: its revoked version comes after its new ones.
	apply(t, c, t0.Add(3*time.Minute), renamed, a, ahead)
	_, objs = pollRaw(t, c, "added_after="+after)
	keep(objs)
	if o := latest[sid(b)]; !o.Revoked {
		t.Fatalf("b held as %+v", o)
	}
	want := []string{"2023-11-14T22:15:00.000Z", "2026-05-01T10:01:00.000Z", "2026-05-01T10:03:00.000Z"}
	vp, verr := c.Versions(mustQuery(t, ""), sid(b))
	if verr != nil {
		t.Fatal(verr)
	}
	if ve, _ := decode(t, vp); !slices.Equal(ve.Versions, want) {
		t.Fatalf("versions of b %v, want %v", ve.Versions, want)
	}
	for _, q := range []string{"", "match[version]=all", "match[version]=first", "match[version]=" + want[1]} {
		r, _ := saved(t, c)
		x, y := mustObjects(t, c, q, ""), mustObjects(t, r, q, "")
		if string(x.Body) != string(y.Body) {
			t.Fatalf("%q: saved collection serves %s, want %s", q, y.Body, x.Body)
		}
	}
	_, m := decode(t, mustManifest(t, c, "match[id]="+sid(a)))
	if len(m) != 1 || m[0].Version != "2026-05-01T10:01:00.000Z" {
		t.Fatalf("manifest of a %+v", m)
	}
}
