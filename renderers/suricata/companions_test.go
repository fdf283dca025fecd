package suricata_test

import (
	"bytes"
	"context"
	"errors"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/conformance/realtools"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/internal/goldentest"
	"github.com/cratos-project/cratos/renderers"
	"github.com/cratos-project/cratos/renderers/suricata"
	"github.com/cratos-project/cratos/renderers/suricatadataset"
)

var companionsGenerated = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// companions runs Companions on ins (filtered to the renderer's types, as
// the service does) and returns the files and the drops by reason.
func companions(t testing.TB, ctx context.Context, ins []indicator.Indicator) ([]renderers.File, map[string]int, error) {
	t.Helper()
	drops := map[string]int{}
	req := renderers.Request{Site: "misp.example", Feed: "block", Age: "1y", Generated: companionsGenerated,
		Dropped: func(reason string, n int) { drops[reason] += n }}
	r := suricata.Renderer{}
	in := renderers.Filter(renderers.Slice(ins), indicator.SetOf(r.Info().Types...))
	files, err := r.Companions(ctx, req, in)
	return files, drops, err
}

func hashInd(t indicator.Type, v string) indicator.Indicator {
	return indicator.Indicator{Type: t, Value: v}
}

func TestCompanions(t *testing.T) {
	md5a, md5b := strings.Repeat("a", 32), "d41d8cd98f00b204e9800998ecf8427e"
	sha1 := "da39a3ee5e6b4b0d3255bfef95601890afd80709"
	sha256 := "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	cases := []struct {
		name  string
		in    []indicator.Indicator
		want  []renderers.File
		drops map[string]int
	}{
		{"no input", nil, nil, map[string]int{}},
		{"no hashes", []indicator.Indicator{
			hashInd(indicator.IPv4, "192.0.2.1"), hashInd(indicator.Domain, "bad.example"), hashInd(indicator.JA3, md5a),
		}, nil, map[string]int{}},
		{"md5 only", []indicator.Indicator{
			hashInd(indicator.Domain, "bad.example"), hashInd(indicator.MD5, md5b), hashInd(indicator.MD5, md5a),
		}, []renderers.File{{Name: "cratos-misp.example-block-1y-md5.lst", Body: []byte(md5a + "\n" + md5b + "\n")}}, map[string]int{}},
		{"all three kinds, upper case and duplicates", []indicator.Indicator{
			hashInd(indicator.SHA256, strings.ToUpper(sha256)), hashInd(indicator.SHA1, sha1), hashInd(indicator.MD5, strings.ToUpper(md5b)),
			hashInd(indicator.MD5, md5b), hashInd(indicator.SHA256, sha256),
		}, []renderers.File{
			{Name: "cratos-misp.example-block-1y-md5.lst", Body: []byte(md5b + "\n")},
			{Name: "cratos-misp.example-block-1y-sha1.lst", Body: []byte(sha1 + "\n")},
			{Name: "cratos-misp.example-block-1y-sha256.lst", Body: []byte(sha256 + "\n")},
		}, map[string]int{}},
		{"values of the wrong length or not hex are left out", []indicator.Indicator{
			hashInd(indicator.MD5, md5a), hashInd(indicator.MD5, md5a+"0"), hashInd(indicator.MD5, strings.Repeat("g", 32)),
			hashInd(indicator.SHA1, md5a),
		}, []renderers.File{
			// No valid sha1: Render writes no filesha1 rule, and
			// Suricata refuses an empty list, so there is no file.
			{Name: "cratos-misp.example-block-1y-md5.lst", Body: []byte(md5a + "\n")},
		}, map[string]int{"md5 value that is not 32 hex digits": 2, "sha1 value that is not 40 hex digits": 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, drops, err := companions(t, context.Background(), tc.in)
			if err != nil {
				t.Fatalf("Companions: %v", err)
			}
			if !slices.EqualFunc(got, tc.want, func(a, b renderers.File) bool { return a.Name == b.Name && bytes.Equal(a.Body, b.Body) }) {
				t.Errorf("files:\n got %s\nwant %s", fileList(got), fileList(tc.want))
			}
			if !maps.Equal(drops, tc.drops) {
				t.Errorf("drops %v, want %v", drops, tc.drops)
			}
		})
	}
}

// TestCompanionsMatchRules checks that the files returned are exactly the
// ones the rules of Render read, and that they equal the suricata-dataset
// output for the same hashes.
func TestCompanionsMatchRules(t *testing.T) {
	readRE := regexp.MustCompile(`file(?:md5|sha1|sha256):([^;]+);`)
	real, _ := conformance.RealData(t)
	sample := conformance.Sample()
	cases := []struct {
		name string
		in   []indicator.Indicator
	}{
		{"sample", sample},
		{"sample without sha1", slices.DeleteFunc(slices.Clone(sample), func(i indicator.Indicator) bool { return i.Type == indicator.SHA1 })},
		{"sample without hashes", slices.DeleteFunc(slices.Clone(sample), func(i indicator.Indicator) bool {
			return i.Type == indicator.MD5 || i.Type == indicator.SHA1 || i.Type == indicator.SHA256
		})},
		{"sha1 values all invalid", append(slices.DeleteFunc(slices.Clone(sample), func(i indicator.Indicator) bool { return i.Type == indicator.SHA1 }),
			hashInd(indicator.SHA1, "not-a-sha1"))},
		{"real data", real},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if len(tc.in) == 0 {
				t.Skip("no real data: the shared data folder is absent")
			}
			r := suricata.Renderer{}
			types := indicator.SetOf(r.Info().Types...)
			var out bytes.Buffer
			req := renderers.Request{Site: "misp.example", Feed: "block", Age: "1y", Generated: companionsGenerated}
			if err := r.Render(context.Background(), &out, req, renderers.Filter(renderers.Slice(tc.in), types)); err != nil {
				t.Fatalf("Render: %v", err)
			}
			var read []string
			for _, m := range readRE.FindAllStringSubmatch(out.String(), -1) {
				read = append(read, m[1])
			}
			files, _, err := companions(t, context.Background(), tc.in)
			if err != nil {
				t.Fatalf("Companions: %v", err)
			}
			var names []string
			for _, f := range files {
				names = append(names, f.Name)
			}
			if !slices.Equal(names, read) {
				t.Errorf("files %v, the rules read %v", names, read)
			}
			for _, f := range files {
				dt := map[string]string{"cratos-misp.example-block-1y-md5.lst": "md5", "cratos-misp.example-block-1y-sha1.lst": "sha1", "cratos-misp.example-block-1y-sha256.lst": "sha256"}[f.Name]
				var want bytes.Buffer
				dreq := renderers.Request{Generated: companionsGenerated, Options: map[string]string{"type": dt}}
				if err := (suricatadataset.Renderer{}).Render(context.Background(), &want, dreq, renderers.Filter(renderers.Slice(tc.in), types)); err != nil {
					t.Fatalf("suricata-dataset %s: %v", dt, err)
				}
				if !bytes.Equal(f.Body, want.Bytes()) {
					t.Errorf("%s differs from the suricata-dataset output with type=%s", f.Name, dt)
				}
			}
		})
	}
}

func TestCompanionsGolden(t *testing.T) {
	files, _, err := companions(t, context.Background(), conformance.Sample())
	if err != nil {
		t.Fatalf("Companions: %v", err)
	}
	if len(files) != 3 {
		t.Fatalf("%d files for the sample, want 3", len(files))
	}
	for _, f := range files {
		goldentest.File(t, "testdata/companions-sample/"+f.Name, f.Body)
	}
}

// TestCompanionsLoad runs suricata -T on the sample's rules with the list
// files beside them.
func TestCompanionsLoad(t *testing.T) {
	r := suricata.Renderer{}
	in := renderers.Filter(renderers.Slice(conformance.Sample()), indicator.SetOf(r.Info().Types...))
	var out bytes.Buffer
	req := renderers.Request{Site: "misp.example", Feed: "block", Age: "1y", Generated: companionsGenerated}
	if err := r.Render(context.Background(), &out, req, in); err != nil {
		t.Fatalf("Render: %v", err)
	}
	files, _, err := companions(t, context.Background(), conformance.Sample())
	if err != nil {
		t.Fatalf("Companions: %v", err)
	}
	extra := map[string][]byte{}
	for _, f := range files {
		extra[f.Name] = f.Body
	}
	if err := realtools.SuricataTest(t, out.String(), extra); err != nil {
		t.Fatal(err)
	}
}

func TestCompanionsCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, n := range []int{1, 10000} {
		in := make([]indicator.Indicator, n)
		for i := range in {
			in[i] = hashInd(indicator.MD5, strings.Repeat("b", 32))
		}
		files, _, err := companions(t, ctx, in)
		if !errors.Is(err, context.Canceled) || files != nil {
			t.Errorf("%d entries: files %v, error %v; want nil and context.Canceled", n, fileList(files), err)
		}
	}
}

func TestCompanioned(t *testing.T) {
	rd, ok := renderers.Lookup("suricata")
	if !ok {
		t.Fatal("suricata is not registered")
	}
	if _, ok := rd.(renderers.Companioned); !ok {
		t.Fatal("the registered suricata renderer does not implement renderers.Companioned")
	}
}

func BenchmarkCompanions(b *testing.B) {
	in := conformance.Generated(1_000_000, 1)
	hashes := 0
	for _, i := range in {
		if i.Type == indicator.MD5 || i.Type == indicator.SHA1 || i.Type == indicator.SHA256 {
			hashes++
		}
	}
	req := renderers.Request{Site: "misp.example", Feed: "block", Age: "1y", Generated: companionsGenerated}
	for b.Loop() {
		if _, err := (suricata.Renderer{}).Companions(context.Background(), req, renderers.Slice(in)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(hashes)*float64(b.N)/b.Elapsed().Seconds(), "hashes/s")
}

func fileList(fs []renderers.File) string {
	var parts []string
	for _, f := range fs {
		parts = append(parts, f.Name+"="+strings.ReplaceAll(string(f.Body), "\n", `\n`))
	}
	return "[" + strings.Join(parts, " ") + "]"
}
