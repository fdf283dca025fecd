package cli

import (
	"crypto/md5" //nolint:gosec // the checksum URL protocol is MD5
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/conformance/realtools"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/internal/testtool"
	"github.com/cratos-project/cratos/renderers"
	"github.com/cratos-project/cratos/renderers/suricata"
)

// Hashes of the Suricata test's MISP data, as MISP may hold them (upper
// case) and as the list files must carry them.
var (
	e2eMD5    = []string{"d41d8cd98f00b204e9800998ecf8427e", "0cc175b9c0f1b6a831c399e269772661"}
	e2eSHA1   = "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709"
	e2eSHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
)

// e2eBlockList is the list that the Suricata test's sources ask for: the
// block feed over a year of the MISP at 127.0.0.1.
var e2eBlockList = renderers.Request{Site: "127.0.0.1", Feed: "block", Age: "1y"}

// suricataEvents holds a domain, URLs and hashes in the block feed, and an
// incident event whose domain the block feed must not carry.
func suricataEvents() []mispsim.Event {
	return []mispsim.Event{
		blockEvent("block: names, URLs, files",
			attr("domain", "bad.example.test"),
			attr("url", "http://bad.example.test/gate.php?id=1"),
			attr("url", "https://tls.example.test/login"),
			attr("md5", e2eMD5[0]),
			attr("filename|md5", "dropper.exe|"+e2eMD5[1]),
			attr("sha1", e2eSHA1),
			attr("sha256", e2eSHA256),
		),
		{Info: "incident", Published: true, Tags: []string{e2eTag + ":incident-classification=incident"},
			Attributes: []mispsim.Attribute{attr("domain", "incident.example.test")}},
	}
}

// suricataUpdate runs suricata-update against a data directory of its
// own: no system paths, no index download, no reload.
type suricataUpdate struct {
	t        *testing.T
	bin      string
	suricata string
	dir      string // -D: rules/ and update/ below it
	conf     string // suricata.yaml
	update   string // update.yaml
}

func newSuricataUpdate(t *testing.T, bin, suricataBin string) *suricataUpdate {
	t.Helper()
	dir := t.TempDir()
	// Logged at info, where suricata -T counts the rules it loaded.
	conf := realtools.SuricataConfig(t, dir, filepath.Join(dir, "rules"), "suricata.rules", t.TempDir(), "info")
	su := &suricataUpdate{t: t, bin: bin, suricata: suricataBin, dir: dir,
		conf: conf, update: filepath.Join(dir, "update.yaml")}
	// An empty distribution rule directory keeps the rules installed
	// with Suricata out of the merged file; the test is the default
	// suricata -T with this suricata.yaml.
	empty := filepath.Join(dir, "dist-rules")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	testtool.WriteFile(t, su.update, "dist-rule-directory: "+empty+"\nignore:\n  - \"*deleted.rules\"\n")
	return su
}

// run runs suricata-update with args and returns its output; a non-zero
// exit fails the test.
func (su *suricataUpdate) run(args ...string) string {
	su.t.Helper()
	full := append([]string{"-D", su.dir, "-c", su.update, "--suricata", su.suricata, "--suricata-conf", su.conf}, args...)
	cmd := exec.Command(su.bin, full...)
	cmd.Env = append(os.Environ(), "HOME="+su.dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		su.t.Fatalf("suricata-update %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// ageCache makes every cached download older than the 15 minutes during
// which suricata-update does not even ask the server.
func (su *suricataUpdate) ageCache() {
	su.t.Helper()
	cache := filepath.Join(su.dir, "update", "cache")
	entries, err := os.ReadDir(cache)
	if err != nil {
		su.t.Fatal(err)
	}
	old := time.Now().Add(-20 * time.Minute)
	for _, e := range entries {
		if err := os.Chtimes(filepath.Join(cache, e.Name()), old, old); err != nil {
			su.t.Fatal(err)
		}
	}
}

func (su *suricataUpdate) file(name string) string {
	su.t.Helper()
	b, err := os.ReadFile(filepath.Join(su.dir, "rules", name))
	if err != nil {
		su.t.Fatal(err)
	}
	return string(b)
}

var e2eSIDRE = regexp.MustCompile(`; sid:(\d+);`)

// sids returns the sorted SIDs of the rules in text.
func sids(text string) []string {
	var out []string
	for _, m := range e2eSIDRE.FindAllStringSubmatch(text, -1) {
		out = append(out, m[1])
	}
	slices.Sort(out)
	return out
}

// TestE2ESuricataUpdate runs suricata-update against Cratos: the archives
// are downloaded once and merged into rules that suricata -T loads with
// the hash lists beside them; a later run asks only the checksum URLs;
// a plain client gets 304 for an unchanged archive and rules file; a
// change in MISP reaches the rules after the cache is cleared.
func TestE2ESuricataUpdate(t *testing.T) {
	bin := testtool.Require(t, "suricata-update", "suricata-update")
	suricataBin := testtool.Require(t, "suricata", "suricata")

	sim, simURL := startSim(t, suricataEvents()...)
	e := startE2E(t, simURL, nil)
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("cratos:"+e.token))

	sources := []struct {
		name, dataType, header string
	}{
		{"cratos-domain", "domain", "token: " + e.token},
		{"cratos-url", "url", "Authorization: " + basic},
		{"cratos-md5", "file-md5", "token: " + e.token},
		{"cratos-sha1", "file-sha1", "Authorization: " + basic},
		{"cratos-sha256", "file-sha256", "token: " + e.token},
	}
	listPath := func(dataType string) string { return "/v1/feed/block/type/" + dataType + "/age/1y/output/suricata" }

	su := newSuricataUpdate(t, bin, suricataBin)
	for _, s := range sources {
		su.run("add-source", s.name, e.base+listPath(s.dataType)+".tar.gz", "--http-header", s.header)
	}

	// served returns the SIDs of the rules Cratos serves for the sources.
	served := func() []string {
		var all []string
		for _, s := range sources {
			resp, body := e.get(t, "GET", listPath(s.dataType), "token", e.token)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: %d %s", listPath(s.dataType), resp.StatusCode, body)
			}
			all = append(all, sids(string(body))...)
		}
		slices.Sort(all)
		return all
	}

	// checkRequests fails t unless the requests after the first mark are
	// suricata-update's, one GET of each source's list URL with suffix,
	// each answered 200.
	checkRequests := func(t *testing.T, mark int, suffix string) {
		t.Helper()
		var got, want []string
		for _, r := range e.requests()[mark:] {
			if !strings.HasPrefix(r.UA, "Suricata-Update/") {
				t.Errorf("request %s %s with user agent %q", r.Method, r.Path, r.UA)
			}
			got = append(got, fmt.Sprintf("%s %s %d", r.Method, r.Path, r.Status))
		}
		for _, s := range sources {
			want = append(want, fmt.Sprintf("GET %s%s 200", listPath(s.dataType), suffix))
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("requests:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}

	t.Run("first run downloads every archive and installs loadable rules", func(t *testing.T) {
		mark := len(e.requests())
		out := su.run("--no-reload")
		checkRequests(t, mark, ".tar.gz")
		if !strings.Contains(out, "Testing with suricata -T.") || strings.Contains(out, "Suricata test failed") {
			t.Errorf("suricata-update did not test the rules successfully:\n%s", out)
		}

		rules := su.file("suricata.rules")
		if g, w := sids(rules), served(); !slices.Equal(g, w) {
			t.Errorf("installed SIDs %v, served %v", g, w)
		}
		for _, s := range []string{
			`msg:"CRATOS domain-dns bad.example.test"`,
			`msg:"CRATOS url http://bad.example.test/gate.php?id=1"`,
			`msg:"CRATOS url-tls tls.example.test"`,
			`filemd5:` + suricata.HashList(e2eBlockList, indicator.MD5) + `;`,
			`filesha1:` + suricata.HashList(e2eBlockList, indicator.SHA1) + `;`,
			`filesha256:` + suricata.HashList(e2eBlockList, indicator.SHA256) + `;`,
		} {
			if !strings.Contains(rules, s) {
				t.Errorf("installed rules lack %s", s)
			}
		}
		if strings.Contains(rules, "incident.example.test") {
			t.Error("installed rules carry a domain of another feed")
		}
		md5s := slices.Sorted(slices.Values(e2eMD5))
		for name, want := range map[string]string{
			suricata.HashList(e2eBlockList, indicator.MD5):    md5s[0] + "\n" + md5s[1] + "\n",
			suricata.HashList(e2eBlockList, indicator.SHA1):   strings.ToLower(e2eSHA1) + "\n",
			suricata.HashList(e2eBlockList, indicator.SHA256): e2eSHA256 + "\n",
		} {
			if got := su.file(name); got != want {
				t.Errorf("%s next to the rules:\n%q\nwant\n%q", name, got, want)
			}
		}

		// suricata -T, as the sensor will load them: the merged file from
		// default-rule-path, its list files resolved beside it.
		logDir := t.TempDir()
		cmd := exec.Command(suricataBin, "-T", "-c", su.conf, "-l", logDir)
		load, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("suricata -T: %v\n%s", err, load)
		}
		n := len(sids(rules))
		if !strings.Contains(string(load), fmt.Sprintf("%d rules successfully loaded, 0 rules failed", n)) {
			t.Errorf("suricata -T did not load the %d rules:\n%s", n, load)
		}
	})

	t.Run("a later run asks only the checksum URLs", func(t *testing.T) {
		before := su.file("suricata.rules")
		su.ageCache()
		mark := len(e.requests())
		out := su.run("--no-reload")
		checkRequests(t, mark, ".tar.gz.md5")
		if n := strings.Count(out, "Remote checksum has not changed"); n != len(sources) {
			t.Errorf("%d unchanged checksums reported, want %d:\n%s", n, len(sources), out)
		}
		if after := su.file("suricata.rules"); after != before {
			t.Error("the installed rules changed although nothing was downloaded")
		}
	})

	t.Run("conditional GET of an unchanged archive and rules file", func(t *testing.T) {
		for _, p := range []string{listPath("domain") + ".tar.gz", listPath("domain"), listPath("file-md5") + ".tar.gz"} {
			resp, body := e.get(t, "GET", p, "token", e.token)
			etag := resp.Header.Get("ETag")
			if resp.StatusCode != http.StatusOK || etag == "" {
				t.Fatalf("GET %s: status %d, ETag %q", p, resp.StatusCode, etag)
			}
			_, sum := e.get(t, "GET", p+".md5", "token", e.token)
			if want := md5.Sum(body); string(sum) != hex.EncodeToString(want[:]) { //nolint:gosec // see import
				t.Errorf("%s.md5 is %q, want the MD5 of the body %x", p, sum, want)
			}
			cases := []struct {
				name, ifNoneMatch string
				status            int
			}{
				{"same entity tag", etag, http.StatusNotModified},
				{"weak form of the tag", "W/" + etag, http.StatusNotModified},
				{"other tag", `"other"`, http.StatusOK},
			}
			for _, tc := range cases {
				resp, b := e.get(t, "GET", p, "token", e.token, "If-None-Match", tc.ifNoneMatch)
				if resp.StatusCode != tc.status {
					t.Errorf("%s, %s: status %d, want %d", p, tc.name, resp.StatusCode, tc.status)
				}
				if tc.status == http.StatusNotModified && len(b) != 0 {
					t.Errorf("%s, %s: 304 with a %d-byte body", p, tc.name, len(b))
				}
			}
		}
	})

	t.Run("a change in MISP reaches the rules after clear_cache", func(t *testing.T) {
		if _, err := sim.AddEvent(blockEvent("block: a new name", attr("domain", "new.example.test"))); err != nil {
			t.Fatal(err)
		}
		resp, body := e.get(t, "DELETE", "/v1/clear_cache/feed/block/type/domain/age/1y/output/suricata", "token", e.token)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("clear_cache: %d %s", resp.StatusCode, body)
		}
		su.ageCache()
		mark := len(e.requests())
		su.run("--no-reload")
		var archives []string
		for _, r := range e.requests()[mark:] {
			if strings.HasSuffix(r.Path, ".tar.gz") {
				archives = append(archives, r.Path)
			}
		}
		if want := []string{listPath("domain") + ".tar.gz"}; !slices.Equal(archives, want) {
			t.Errorf("archives downloaded %v, want %v", archives, want)
		}
		rules := su.file("suricata.rules")
		if !strings.Contains(rules, `msg:"CRATOS domain-dns new.example.test"`) {
			t.Error("the new domain is not in the installed rules")
		}
		if g, w := sids(rules), served(); !slices.Equal(g, w) {
			t.Errorf("installed SIDs %v, served %v", g, w)
		}
	})
}
