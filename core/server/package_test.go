package server_test

import (
	"archive/tar"
	"compress/gzip"
	"crypto/md5"
	"encoding/hex"
	"io"
	"strings"
	"testing"
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
