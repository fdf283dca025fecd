package suricata_test

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
	"github.com/cratos-project/cratos/renderers/suricata"
)

// TestHashListsPerList checks that the file hash rules of every site, feed
// and age read list files of their own under SIDs of their own, that the
// names are the same build to build, and that Companions names the files
// the rules read: suricata-update keeps one rule per SID and installs each
// list under its base name, so a sensor taking the same feed from two
// MISP sites, or two ages of a feed, holds every list's hashes only if
// both differ.
func TestHashListsPerList(t *testing.T) {
	hashRE := regexp.MustCompile(`file(md5|sha1|sha256):([^;]+);.* sid:(\d+);`)
	safeRE := regexp.MustCompile(`^cratos-([A-Za-z0-9._-]+-)?(md5|sha1|sha256)\.lst$`)
	in := []indicator.Indicator{
		hashInd(indicator.MD5, strings.Repeat("a", 32)),
		hashInd(indicator.SHA1, strings.Repeat("b", 40)),
		hashInd(indicator.SHA256, strings.Repeat("c", 64)),
	}
	longSite := strings.Repeat("misp.", 40) + "example"
	cases := []struct {
		site, feed, age string
		md5             string // the md5 list's name; -sha1 and -sha256 follow it
	}{
		{"misp.example", "block", "1y", "cratos-misp.example-block-1y-md5.lst"},
		{"partner-misp.example", "block", "1y", "cratos-partner-misp.example-block-1y-md5.lst"},
		{"misp.example", "block", "30d", "cratos-misp.example-block-30d-md5.lst"},
		{"misp.example", "incident", "1y", "cratos-misp.example-incident-1y-md5.lst"},
		{"misp.example", "42", "10y", "cratos-misp.example-42-10y-md5.lst"},
		// A '-' in the site does not make it another site's list.
		{"misp.example-block", "1y", "1y", "cratos-misp.example-block-1y-1y-md5.lst"},
		{"misp.example", "org:4a2f6c1e-0b7d-4e58-9c3a-1d2e3f4a5b6c", "1y", "cratos-misp.example-org_4a2f6c1e-0b7d-4e58-9c3a-1d2e3f4a5b6c-1y_32e491f2bb-md5.lst"},
		{"misp example/../x", "block", "1y", "cratos-misp_example_.._x-block-1y_209736f077-md5.lst"},
		{"misp_example", "block", "1y", "cratos-misp_example-block-1y_b683d8ece8-md5.lst"},
		{longSite, "block", "1y", "cratos-" + longSite[:64] + "-block-1y_57f2af5489-md5.lst"},
		{"misp.example", "block", "", "cratos-misp.example-block_6bde85d0f2-md5.lst"},
		{"misp.example", "", "1y", "cratos-md5.lst"},
	}
	nameOwner, sidOwner := map[string]int{}, map[string]int{}
	for n, tc := range cases {
		t.Run(tc.site+"/"+tc.feed+"/"+tc.age, func(t *testing.T) {
			stem := strings.TrimSuffix(tc.md5, "md5.lst")
			want := []string{tc.md5, stem + "sha1.lst", stem + "sha256.lst"}
			req := renderers.Request{Site: tc.site, Feed: tc.feed, Age: tc.age, Generated: companionsGenerated}
			var out bytes.Buffer
			if err := (suricata.Renderer{}).Render(context.Background(), &out, req, renderers.Slice(in)); err != nil {
				t.Fatalf("Render: %v", err)
			}
			var read []string
			for _, m := range hashRE.FindAllStringSubmatch(out.String(), -1) {
				read = append(read, m[2])
				if other, ok := sidOwner[m[3]]; ok {
					t.Errorf("the %s rule has SID %s, as a hash rule of case %d", m[1], m[3], other)
				}
				sidOwner[m[3]] = n
			}
			if strings.Join(read, " ") != strings.Join(want, " ") {
				t.Errorf("rules read %v, want %v", read, want)
			}
			for _, name := range read {
				if other, ok := nameOwner[name]; ok {
					t.Errorf("list %s is also the list of case %d", name, other)
				}
				nameOwner[name] = n
				if !safeRE.MatchString(name) || len(name) > 140 {
					t.Errorf("list %s: %d bytes, want a file name of at most 140 ASCII letters, digits, '.', '-', '_'", name, len(name))
				}
			}
			files, err := (suricata.Renderer{}).Companions(context.Background(), req, renderers.Slice(in))
			if err != nil {
				t.Fatalf("Companions: %v", err)
			}
			var names []string
			for _, f := range files {
				names = append(names, f.Name)
			}
			if strings.Join(names, " ") != strings.Join(want, " ") {
				t.Errorf("Companions %v, want %v", names, want)
			}
		})
	}
}
