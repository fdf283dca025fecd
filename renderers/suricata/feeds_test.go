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

// TestHashListsPerFeed checks that the file hash rules of different feeds
// read different list files and have different SIDs, and that Companions
// names the files the rules read: suricata-update keeps one rule per SID
// and installs each list under its base name, so a sensor taking several
// feeds holds every feed's hashes only if both differ.
func TestHashListsPerFeed(t *testing.T) {
	hashRE := regexp.MustCompile(`file(md5|sha1|sha256):([^;]+);.* sid:(\d+);`)
	in := []indicator.Indicator{
		hashInd(indicator.MD5, strings.Repeat("a", 32)),
		hashInd(indicator.SHA1, strings.Repeat("b", 40)),
		hashInd(indicator.SHA256, strings.Repeat("c", 64)),
	}
	cases := []struct {
		feed  string
		lists []string // md5, sha1, sha256
	}{
		{"block", []string{"cratos-block-md5.lst", "cratos-block-sha1.lst", "cratos-block-sha256.lst"}},
		{"incident", []string{"cratos-incident-md5.lst", "cratos-incident-sha1.lst", "cratos-incident-sha256.lst"}},
		{"alert", []string{"cratos-alert-md5.lst", "cratos-alert-sha1.lst", "cratos-alert-sha256.lst"}},
		{"hunt", []string{"cratos-hunt-md5.lst", "cratos-hunt-sha1.lst", "cratos-hunt-sha256.lst"}},
		{"cust1", []string{"cratos-cust1-md5.lst", "cratos-cust1-sha1.lst", "cratos-cust1-sha256.lst"}},
		{"any", []string{"cratos-any-md5.lst", "cratos-any-sha1.lst", "cratos-any-sha256.lst"}},
		{"42", []string{"cratos-42-md5.lst", "cratos-42-sha1.lst", "cratos-42-sha256.lst"}},
		{"a/../b c", []string{"cratos-a____b_c-md5.lst", "cratos-a____b_c-sha1.lst", "cratos-a____b_c-sha256.lst"}},
		{"", []string{"cratos-md5.lst", "cratos-sha1.lst", "cratos-sha256.lst"}},
	}
	sidOwner := map[string]string{}
	for _, tc := range cases {
		t.Run("feed "+tc.feed, func(t *testing.T) {
			req := renderers.Request{Site: "misp.example", Feed: tc.feed, Generated: companionsGenerated}
			var out bytes.Buffer
			if err := (suricata.Renderer{}).Render(context.Background(), &out, req, renderers.Slice(in)); err != nil {
				t.Fatalf("Render: %v", err)
			}
			var read []string
			for _, m := range hashRE.FindAllStringSubmatch(out.String(), -1) {
				read = append(read, m[2])
				if other, ok := sidOwner[m[3]]; ok {
					t.Errorf("the %s rule of feed %q has SID %s, as a hash rule of feed %q", m[1], tc.feed, m[3], other)
				}
				sidOwner[m[3]] = tc.feed
			}
			if strings.Join(read, " ") != strings.Join(tc.lists, " ") {
				t.Errorf("rules read %v, want %v", read, tc.lists)
			}
			files, err := (suricata.Renderer{}).Companions(context.Background(), req, renderers.Slice(in))
			if err != nil {
				t.Fatalf("Companions: %v", err)
			}
			var names []string
			for _, f := range files {
				names = append(names, f.Name)
			}
			if strings.Join(names, " ") != strings.Join(tc.lists, " ") {
				t.Errorf("Companions %v, want %v", names, tc.lists)
			}
		})
	}
}
