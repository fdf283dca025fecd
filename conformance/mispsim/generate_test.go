package mispsim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/internal/testtool"
)

func TestGenerateDeterministic(t *testing.T) {
	// Values from the real indicators when present; a folder of those
	// alone, so that the real events and warninglists, which take no part
	// in generating, are not read three times.
	var dir string
	if shared := testtool.SharedData(); shared != "" {
		dir = t.TempDir()
		if err := os.Symlink(filepath.Join(shared, "indicators"), filepath.Join(dir, "indicators")); err != nil {
			t.Fatal(err)
		}
	}
	body := func(seed int64) []byte {
		s, err := New(Options{DataDir: dir, Generate: 5000, Seed: seed, Now: fixedNow})
		if err != nil {
			t.Fatal(err)
		}
		rec := call(t, s, http.MethodPost, "/attributes/restSearch", `{"deleted":[0,1]}`, nil)
		return rec.Body.Bytes()
	}
	a, b, c := body(7), body(7), body(8)
	if !bytes.Equal(a, b) {
		t.Error("same seed, different bytes")
	}
	if bytes.Equal(a, c) {
		t.Error("different seeds, same bytes")
	}
}

func TestGenerateMix(t *testing.T) {
	dir := testtool.SharedData()
	const n = 20000
	s, err := New(Options{DataDir: dir, Generate: n, Seed: 3, Now: fixedNow, TagPrefix: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	loaded := 0
	if dir != "" {
		loaded = 3621
	}
	if st := s.Stats(); st.Attributes != n+loaded {
		t.Fatalf("stats %+v", st)
	}
	all := search(t, s, `{"deleted":[0,1],"org":"!ESET"}`)
	var generated []gotAttr
	for _, a := range all {
		if a.Event.Info != "" && strings.Contains(a.Event.Info, "campaign wave") {
			generated = append(generated, a)
		}
	}
	all = nil
	types, toIDs, deleted := map[string]int{}, 0, 0
	oldest := testNow.Unix() - generatedSpan
	for _, a := range generated {
		types[a.Type]++
		if a.ToIDS {
			toIDs++
		}
		if a.Deleted {
			deleted++
		}
		var ts int64
		fmt.Sscan(a.Timestamp, &ts)
		if ts > testNow.Unix() || ts < oldest {
			t.Fatalf("timestamp %d outside the last two years", ts)
		}
	}
	if len(generated) < n/2 {
		t.Fatalf("only %d generated attributes outside ESET events", len(generated))
	}
	share := float64(toIDs) / float64(len(generated))
	if share < 0.75 || share > 0.85 {
		t.Errorf("to_ids share %.2f", share)
	}
	if deleted == 0 || deleted > len(generated)/50 {
		t.Errorf("%d deleted", deleted)
	}
	for _, typ := range []string{"ip-dst", "ip-src", "domain", "hostname", "url", "domain|ip", "ip-dst|port", "md5", "sha1", "sha256",
		"filename|sha256", "email-src", "vulnerability", "ja3-fingerprint-md5", "btc", "snort", "yara"} {
		if types[typ] == 0 {
			t.Errorf("no %s generated", typ)
		}
	}
	// Every event carries a classification tag of the prefix; a few
	// attributes carry another one.
	covered := map[string]bool{}
	for _, c := range classes {
		for _, a := range search(t, s, `{"tags":["acme:incident-classification=`+c.name+`"],"deleted":[0,1]}`) {
			covered[a.ID] = true
		}
	}
	if len(covered) != n+loaded {
		t.Errorf("classification tags cover %d attributes, want %d", len(covered), n+loaded)
	}
	if got := len(search(t, s, `{"tags":["!acme:incident-classification=false-positive"],"type":"ip-dst","enforceWarninglist":1}`)); got == 0 ||
		got == len(search(t, s, `{"tags":["!acme:incident-classification=false-positive"],"type":"ip-dst"}`)) && dir != "" {
		t.Errorf("enforceWarninglist keeps %d ip-dst", got)
	}
	// Messy values survive: upper case, whitespace, ports, IPv6.
	body := call(t, s, http.MethodPost, "/attributes/restSearch", `{"type":["domain","ip-dst"]}`, nil).Body.String()
	for _, want := range []string{`.COM"`, `::`, `/2`} {
		if !strings.Contains(body, want) {
			t.Errorf("no value containing %q", want)
		}
	}
}

// allTypes is the type list of a feed that asks for everything generated.
var allTypes = `["ip-src","ip-dst","domain","hostname","url","uri","domain|ip","ip-dst|port","ip-src|port","hostname|port",` +
	`"md5","sha1","sha256","filename|sha256","filename|md5","filename|sha1","email-src","email-dst","vulnerability",` +
	`"ja3-fingerprint-md5","btc","xmr","snort","yara","sigma","mutex","x509-fingerprint-sha1","user-agent","email-subject",` +
	`"filename","regkey","text","link","comment"]`

// BenchmarkServe1M serves 1,000,000 generated attributes over loopback HTTP
// in pages of 100,000, as the Cratos client pages through restSearch.
func BenchmarkServe1M(b *testing.B) {
	url := serve(b, newServer(b, Options{Generate: 1_000_000, Seed: 1, Now: fixedNow}))
	client := &http.Client{}
	var total int64
	b.ResetTimer()
	for range b.N {
		total = 0
		for page := 1; ; page++ {
			body := fmt.Sprintf(`{"returnFormat":"json","type":%s,"limit":100000,"page":%d}`, allTypes, page)
			req, _ := http.NewRequest(http.MethodPost, url+"/attributes/restSearch", strings.NewReader(body))
			req.Header.Set("Authorization", DefaultKey)
			resp, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			n, err := io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if err != nil {
				b.Fatal(err)
			}
			total += n
			if n < 100 {
				break
			}
		}
	}
	b.SetBytes(total)
	b.ReportMetric(float64(total)/1e6, "MB/serve")
}

// BenchmarkGenerate1M measures generating and encoding 1,000,000 attributes.
func BenchmarkGenerate1M(b *testing.B) {
	for range b.N {
		if _, err := New(Options{Generate: 1_000_000, Seed: 1, Now: fixedNow}); err != nil {
			b.Fatal(err)
		}
	}
}

func TestGenerateTypes(t *testing.T) {
	s, err := New(Options{Generate: 2000, Seed: 3, GenerateTypes: []string{"ip-dst", "ip-src"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range allGenerated(t, s) {
		if a.Type != "ip-dst" && a.Type != "ip-src" {
			t.Fatalf("generated a %s attribute", a.Type)
		}
	}
	if _, err := New(Options{Generate: 10, GenerateTypes: []string{"no-such-type"}}); err == nil {
		t.Error("an impossible type list was accepted")
	}
}

// allGenerated returns every attribute of s whose type the generator
// knows, through restSearch.
func allGenerated(t *testing.T, s *Server) []struct{ Type string } {
	t.Helper()
	var types []string
	for _, g := range genTypes {
		types = append(types, g.name)
	}
	body, _ := json.Marshal(map[string]any{"returnFormat": "json", "type": types})
	req := httptest.NewRequest("POST", "/attributes/restSearch", bytes.NewReader(body))
	req.Header.Set("Authorization", DefaultKey)
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	var out struct {
		Response struct {
			Attribute []struct{ Type string } `json:"Attribute"`
		} `json:"response"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("restSearch: %v: %s", err, rec.Body.String()[:200])
	}
	if len(out.Response.Attribute) == 0 {
		t.Fatal("no attributes")
	}
	return out.Response.Attribute
}
