package export

import (
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/guard"
)

// A reload whose never_block keeps out most of a list shrinks it by the
// operator's own choice: MISP answering as before, the rebuilt list is
// served at once, not held behind the former list, which still blocks
// what never_block now protects. MISP answering a tenth of the list in
// the same reload is still held, and the former list's content is served
// under the new never_block.
func TestBreakerAfterGuardChangeComparesMISPInput(t *testing.T) {
	for _, tc := range []struct {
		name string
		keep int64 // attributes MISP answers after the reload; -1: all
		held bool
	}{
		{"never_block keeps out 90%, MISP unchanged", -1, false},
		{"never_block changed, MISP answers 10%", 30, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := newShrinkRig(t, "breaker input test")
			good := g.get("first build")
			values := listValues(good.Body)
			if len(values) < 200 || len(values) != good.Entries {
				t.Fatalf("first build: %d values, %d entries", len(values), good.Entries)
			}
			protected := values[:len(values)*9/10]
			site := *g.req.Site
			site.Guard.NeverBlock.CIDRs = protected
			g.req.Site = &site

			g.m.keep.Store(tc.keep)
			g.clock.advance(48 * time.Hour)
			res := g.get("build after the reload")
			if (res.Held != nil) != tc.held {
				t.Fatalf("held %+v, want held %v", res.Held, tc.held)
			}
			want := len(values) - len(protected)
			if got := listValues(res.Body); len(got) != want || res.Entries != want {
				t.Fatalf("served %d values, %d entries; want %d", len(got), res.Entries, want)
			}
			for _, v := range listValues(res.Body) {
				for _, p := range protected {
					if v == p {
						t.Fatalf("never_block value %s still served", v)
					}
				}
			}
			if h := g.svc.Holds(""); len(h) != 0 && !tc.held {
				t.Fatalf("holds: %+v", h)
			}
		})
	}
}

// listValues returns the values of a txt list, comments left out.
func listValues(body []byte) []string {
	var out []string
	for line := range strings.Lines(string(body)) {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			out = append(out, line)
		}
	}
	return out
}

// After a change of the guard or of renderer options the breaker compares
// what MISP gave for each list, when both lists counted it; otherwise, and
// for a baseline an earlier version recorded without that count, their
// entries, as before.
func TestBreakerVerdictCounts(t *testing.T) {
	svc := New(inMemory(Options{}, "verdict test"))
	req := anyFeedRequest("https://misp.test", "ipv4", "10y", "txt", time.Minute)
	keyOf := func(change func(s *config.Site)) string {
		r := req
		site := *r.Site
		if change != nil {
			change(&site)
		}
		r.Site = &site
		return svc.keysFor(r).artifact
	}
	key := keyOf(nil)
	guardKey := keyOf(func(s *config.Site) { s.Guard.NeverBlock.Domains = []string{"example.net"} })
	optionKey := keyOf(func(s *config.Site) { s.Renderers = map[string]map[string]string{"txt": {"line_ending": "crlf"}} })
	tagKey := keyOf(func(s *config.Site) { s.Tag = "other" })
	earlierKey, _, _ := strings.Cut(guardKey, "|rules:") // a key of a version before rules were named
	earlierKey += "|out:txt|-|"
	for _, k := range []string{guardKey, optionKey, tagKey, earlierKey} {
		if k == key {
			t.Fatalf("a change left the artifact key as it was: %s", k)
		}
	}

	counted := func(entries, input int) *Artifact { return &Artifact{Entries: entries, Input: input, HasInput: true} }
	uncounted := &Artifact{Entries: 300}
	b := guard.Breaker{DropPercent: 50, MinEntries: 100}
	for _, tc := range []struct {
		name           string
		prevKey        string
		prev, rebuilt  *Artifact
		held           bool
		reasonContains string
	}{
		{"same settings, guard drops more", key, counted(300, 300), counted(30, 300), true, "30 entries"},
		{"never_block changed, MISP unchanged", guardKey, counted(300, 300), counted(30, 300), false, ""},
		{"renderer option changed, MISP unchanged", optionKey, counted(300, 300), counted(30, 300), false, ""},
		{"never_block changed, MISP answers 10%", guardKey, counted(300, 300), counted(27, 30), true, "MISP gave 30 attributes"},
		{"never_block changed, MISP answers nothing", guardKey, counted(300, 300), counted(0, 0), true, "MISP gave 0 attributes"},
		{"tag changed alone", tagKey, counted(300, 300), counted(30, 300), true, "30 entries"},
		{"baseline recorded without input count", guardKey, uncounted, counted(30, 300), true, "30 entries"},
		{"rebuilt list taken without input count", guardKey, counted(300, 300), &Artifact{Entries: 30}, true, "30 entries"},
		{"baseline key of an earlier version", earlierKey, counted(300, 300), counted(30, 300), true, "30 entries"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			why, held := breakerVerdict(b, key, tc.rebuilt, tc.prevKey, tc.prev)
			if held != tc.held || !strings.Contains(why, tc.reasonContains) {
				t.Fatalf("held %v (%q), want %v with %q", held, why, tc.held, tc.reasonContains)
			}
		})
	}
}

// A list's MISP input count survives the shared level and the state
// directory; a list an earlier version encoded (CAR3, no count) decodes
// as not counted, not as MISP having given nothing.
func TestArtifactInputCodec(t *testing.T) {
	body := []byte("a\nb\n")
	for _, tc := range []struct {
		name     string
		encoded  []byte
		input    int
		hasInput bool
	}{
		{"counted", encodeArtifact(&Artifact{Body: body, Entries: 2, Input: 300, HasInput: true}), 300, true},
		{"counted none", encodeArtifact(&Artifact{Body: body, Entries: 2, HasInput: true}), 0, true},
		{"not counted", encodeArtifact(&Artifact{Body: body, Entries: 2}), 0, false},
		{"earlier version", earlierArtifact(body, 2), 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := decodeArtifact(tc.encoded)
			if err != nil || a.Input != tc.input || a.HasInput != tc.hasInput || a.Entries != 2 || string(a.Body) != string(body) {
				t.Fatalf("decoded %+v, %v; want input %d (%v)", a, err, tc.input, tc.hasInput)
			}
		})
	}
}

// earlierArtifact encodes a list as a version before input counts did.
func earlierArtifact(body []byte, entries int) []byte {
	e := encoder{b: []byte(artifactMagicV3)}
	e.str(ETagOf(body))
	e.str("text/plain")
	e.varint(time.Unix(5, 0).UnixNano())
	e.varint(time.Unix(6, 0).UnixNano())
	for _, v := range []int{entries, 0, 0, 0, len(body)} {
		e.uvarint(uint64(v))
	}
	e.b = append(e.b, body...)
	return e.b
}
