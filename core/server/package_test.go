package server_test

import (
	"archive/tar"
	"compress/gzip"
	"crypto/md5"
	"encoding/hex"
	"io"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/conformance/mispsim"
)

func untar(t *testing.T, body string) map[string]string {
	t.Helper()
	zr, err := gzip.NewReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	files := map[string]string{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return files
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(tr)
		files[h.Name] = string(b)
	}
}

func TestSuricataPackageAndChecksum(t *testing.T) {
	h := newHarness(t)
	const base = "/v1/feed/block/type/domain/age/1y/output/suricata"
	_, rules := h.authed(base)
	resp, archive := h.authed(base + ".tar.gz")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/gzip" {
		t.Fatalf("archive: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	files := untar(t, archive)
	if got := files["rules/cratos-block-domain.rules"]; got != rules || rules == "" {
		t.Errorf("archive holds %q, want the rules file (%d bytes)", files, len(rules))
	}
	_, again := h.authed(base + ".tar.gz")
	if again != archive {
		t.Error("the archive is not byte-identical across requests")
	}
	resp, sum := h.authed(base + ".tar.gz.md5")
	want := md5.Sum([]byte(archive))
	if resp.StatusCode != 200 || sum != hex.EncodeToString(want[:]) {
		t.Errorf("checksum %d %q, want %x", resp.StatusCode, sum, want)
	}
	resp, sum = h.authed(base + ".md5")
	want = md5.Sum([]byte(rules))
	if resp.StatusCode != 200 || sum != hex.EncodeToString(want[:]) {
		t.Errorf("rules checksum %d %q, want %x", resp.StatusCode, sum, want)
	}
	if resp, _ := h.authed("/v1/feed/block/type/domain/age/1y/output/suricata.zip"); resp.StatusCode != 404 {
		t.Errorf("unknown package: %d, want 404", resp.StatusCode)
	}
}

// An archive is sent as it is, even to a client that accepts gzip: wget
// and browsers leave a gzip Content-Encoding of an application/gzip body
// undecoded, and would keep an archive compressed twice.
func TestArchiveIsNotCompressedAgain(t *testing.T) {
	h := newHarness(t)
	var attrs []mispsim.Attribute
	for i := range 64 {
		sum := md5.Sum([]byte{byte(i)})
		attrs = append(attrs, mispsim.Attribute{Type: "domain", Value: hex.EncodeToString(sum[:]) + ".example", ToIDS: true})
	}
	if _, err := h.sim.AddEvent(mispsim.Event{Info: "many", Published: true, OrgName: "Acme", OrgUUID: acmeUUID,
		Tags: []string{"example:incident-classification=block"}, Attributes: attrs}); err != nil {
		t.Fatal(err)
	}
	const path = "/v1/feed/block/type/domain/age/1y/output/suricata.tar.gz"
	_, plain := h.authed(path)
	if len(plain) < 1024 {
		t.Fatalf("archive of %d bytes, want one large enough to compress", len(plain))
	}
	resp, body := h.authed(path, "Accept-Encoding", "gzip")
	if enc := resp.Header.Get("Content-Encoding"); enc != "" || body != plain {
		t.Errorf("Content-Encoding %q, %d bytes; want the archive itself (%d bytes)", enc, len(body), len(plain))
	}
}
