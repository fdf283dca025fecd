package suricatadataset

import (
	"strconv"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/conformance/realtools"
	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/core/indicator"
)

// TestEmptyHashList checks that a hash list with no value to list holds the
// all-zero hash alone, and that lists of other types stay empty.
func TestEmptyHashList(t *testing.T) {
	v4 := []indicator.Indicator{ind(indicator.IPv4, "198.51.100.7")}
	rendertest.BlockRows(t, Renderer{}, []rendertest.TypedRow{
		{"md5 of nothing", "file-md5", nil, nil, strings.Repeat("0", 32) + "\n", nil},
		{"sha1 of nothing", "file-sha1", nil, nil, strings.Repeat("0", 40) + "\n", nil},
		{"sha256 of nothing", "file-sha256", nil, nil, strings.Repeat("0", 64) + "\n", nil},
		{"md5 forced, every value dropped", "", map[string]string{"type": "md5"}, v4, strings.Repeat("0", 32) + "\n",
			map[string]int{"ipv4 value in a dataset of type md5": 1}},
		{"md5 listed", "file-md5", nil, []indicator.Indicator{ind(indicator.MD5, strings.Repeat("a", 32))}, strings.Repeat("a", 32) + "\n", nil},
		{"string of nothing", "domain", nil, nil, "", nil},
		{"ip of nothing", "ipv6", nil, nil, "", nil},
		{"ipv4 of nothing", "ipv4", nil, nil, "", nil},
	})
}

// TestEmptyListRealTool loads, in a real Suricata, the file hash rules of
// the suricata renderer and a dataset rule of each type, each reading the
// list rendered from no indicator: Suricata refuses an empty filemd5,
// filesha1 or filesha256 list ("rohash: no items"), and loads empty
// datasets.
func TestEmptyListRealTool(t *testing.T) {
	lists := []struct {
		dataType, file, rule string
	}{
		{"file-md5", "cratos-md5.lst", "ip any any -> any any (msg:\"md5 list\"; filemd5:cratos-md5.lst;"},
		{"file-sha1", "cratos-sha1.lst", "ip any any -> any any (msg:\"sha1 list\"; filesha1:cratos-sha1.lst;"},
		{"file-sha256", "cratos-sha256.lst", "ip any any -> any any (msg:\"sha256 list\"; filesha256:cratos-sha256.lst;"},
		{"file-md5", "md5-set.lst", "http any any -> any any (msg:\"md5 set\"; file.data; to_md5; dataset:isset,md5-set,type md5,load md5-set.lst;"},
		{"file-sha256", "sha256-set.lst", "http any any -> any any (msg:\"sha256 set\"; file.data; to_sha256; dataset:isset,sha256-set,type sha256,load sha256-set.lst;"},
		{"domain", "string-set.lst", "dns any any -> any any (msg:\"string set\"; dns.query; dataset:isset,string-set,type string,load string-set.lst;"},
		{"ipv6", "ip-set.lst", "ip any any -> any any (msg:\"ip set\"; ip.dst; dataset:isset,ip-set,type ip,load ip-set.lst;"},
		{"ipv4", "ipv4-set.lst", "ip any any -> any any (msg:\"ipv4 set\"; ip.dst; dataset:isset,ipv4-set,type ipv4,load ipv4-set.lst;"},
	}
	var rules strings.Builder
	files := map[string][]byte{}
	for i, l := range lists {
		out, _ := renderOut(t, l.dataType, nil, nil)
		files[l.file] = []byte(out)
		rules.WriteString("alert " + l.rule + " classtype:trojan-activity; sid:" + strconv.Itoa(i+1) + "; rev:1;)\n")
	}
	if err := realtools.SuricataTest(t, rules.String(), files); err != nil {
		t.Fatal(err)
	}
}
