package suricata

import (
	"strconv"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

// outSIDs maps each rule of out to its SID, keyed by its msg kind and
// first member ("ip-dst 198.51.100.7 and 1 more").
func outSIDs(t *testing.T, out string) map[string]string {
	t.Helper()
	sids := map[string]string{}
	for _, r := range rules(out) {
		m := sidRE.FindStringSubmatch(r)
		msg := r[strings.Index(r, `msg:"CRATOS `)+len(`msg:"CRATOS `):]
		if m == nil {
			t.Fatalf("rule without SID: %s", r)
		}
		sids[msg[:strings.IndexByte(msg, '"')]] = m[1]
	}
	return sids
}

// TestIPGroupSIDPerList renders a group of one list and a group of
// another list starting at the same address with other members: every
// list (site, feed, data type, age) gives its group rules SIDs of its own,
// as suricata-update keeps one rule per SID of the lists a sensor takes.
func TestIPGroupSIDPerList(t *testing.T) {
	block := rendertest.BlockRequest("ipv4", nil)
	first := []indicator.Indicator{ind(indicator.IPv4, "198.51.100.7"), ind(indicator.IPv4, "198.51.100.8")}
	other := []indicator.Indicator{ind(indicator.IPv4, "198.51.100.7"), ind(indicator.IPv4, "198.51.100.9")}
	base := outSIDs(t, func() string { s, _ := rendertest.Filtered(t, Renderer{}, block, first); return s }())
	if len(base) != 2 || base["ip-dst 198.51.100.7 and 1 more"] == base["ip-src 198.51.100.7 and 1 more"] {
		t.Fatalf("rules of the first list: %v", base)
	}
	for _, tc := range []struct {
		name string
		edit func(*renderers.Request)
	}{
		{"another site", func(r *renderers.Request) { r.Site = "partner.example" }},
		{"another feed", func(r *renderers.Request) { r.Feed = "incident" }},
		{"another data type", func(r *renderers.Request) { r.DataType = "ipv4ext" }},
		{"another age", func(r *renderers.Request) { r.Age = "30d" }},
	} {
		req := block
		tc.edit(&req)
		out, _ := rendertest.Filtered(t, Renderer{}, req, other)
		for kind, sid := range outSIDs(t, out) {
			for baseKind, baseSID := range base {
				if sid == baseSID {
					t.Errorf("%s: %s has SID %s, as the first list's %s", tc.name, kind, sid, baseKind)
				}
			}
		}
	}
}

// TestIPGroupSIDStable adds members to a group of one list: its rules keep
// their SIDs, which come from the first member and the list.
func TestIPGroupSIDStable(t *testing.T) {
	render := func(values ...string) map[string]string {
		var in []indicator.Indicator
		for _, v := range values {
			in = append(in, ind(indicator.IPv4, v))
		}
		out, _ := renderOut(t, "ipv4", nil, in)
		return outSIDs(t, out)
	}
	two := render("198.51.100.7", "198.51.100.8")
	three := render("198.51.100.7", "198.51.100.8", "198.51.100.9")
	for _, kind := range []string{"ip-dst", "ip-src"} {
		if a, b := two[kind+" 198.51.100.7 and 1 more"], three[kind+" 198.51.100.7 and 2 more"]; a == "" || a != b {
			t.Errorf("%s group's SID %q with two members, %q with three", kind, a, b)
		}
	}
}

// TestIPGroupSIDCollision renders two single-address groups of one list
// whose hashed ip-dst SIDs are the same: the later one takes the next
// free SID, with the comment saying so.
func TestIPGroupSIDCollision(t *testing.T) {
	// Of the block feed's ipv4 list at misp.example over 1y, the groups
	// of 10.0.14.200 and 10.0.51.255 share the ip-dst slot.
	req := rendertest.BlockRequest("ipv4", nil)
	hashed := DefaultSIDBase + slotOf(variantHash(groupHash(indicator.IPv4, "10.0.14.200", groupListKey(req)), "ip-dst"), DefaultSIDBits)
	out, _ := renderOut(t, "ipv4", map[string]string{"ip_group_size": "1"},
		[]indicator.Indicator{ind(indicator.IPv4, "10.0.14.200"), ind(indicator.IPv4, "10.0.51.255")})
	sid := func(s uint32) string { return strconv.FormatUint(uint64(s), 10) }
	want := `alert ip $HOME_NET any -> [10.0.14.200] any (msg:"CRATOS ip-dst 10.0.14.200"; classtype:trojan-activity; sid:` + sid(hashed) + "; rev:1;)\n" +
		"# sid " + sid(hashed+1) + ": its hashed SID " + sid(hashed) + " is taken by an earlier rule; this SID can change when that rule comes or goes\n" +
		`alert ip $HOME_NET any -> [10.0.51.255] any (msg:"CRATOS ip-dst 10.0.51.255"; classtype:trojan-activity; sid:` + sid(hashed+1) + "; rev:1;)\n"
	var got string
	for line := range strings.Lines(out) {
		if strings.Contains(line, "ip-dst") || strings.HasPrefix(line, "# sid ") {
			got += line
		}
	}
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
