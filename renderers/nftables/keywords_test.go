package nftables

import (
	"compress/gzip"
	"io"
	"os"
	"regexp"
	"testing"

	"github.com/cratos-project/cratos/conformance/realtools"
)

// nftManual is the installed nft manual page: the words it holds are the
// names nft is asked about.
const nftManual = "/usr/share/man/man8/nft.8.gz"

// TestTableNamesNftRefuses asks the installed nft about every word of its
// manual page, the keyword list and the table names in common use: each
// name nft refuses for a table is refused by the table option, and the
// common names are accepted by both.
func TestTableNamesNftRefuses(t *testing.T) {
	common := []string{"cratos", "filter", "nat", "raw", "mangle", "security", "firewall", "fw", "blocklist", "threat_intel", "misp"}
	words := map[string]bool{}
	for _, w := range common {
		words[w] = true
	}
	for w := range keywords {
		words[w] = true
	}
	manual := manualWords(t)
	for _, w := range manual {
		if Ident(w) {
			words[w] = true
		}
	}
	names := make([]string, 0, len(words))
	for w := range words {
		names = append(names, w)
	}
	refused := realtools.NftKeywordNames(t, names)
	if len(refused) < 100 {
		t.Fatalf("nft refused %d of %d names, want the keywords among them: %q", len(refused), len(names), refused)
	}
	for _, name := range refused {
		if err := (Renderer{}).ValidateOptions(map[string]string{OptTable: name}); err == nil {
			t.Errorf("table %q: accepted, but nft reads it as a keyword", name)
		}
	}
	refusedSet := map[string]bool{}
	for _, name := range refused {
		refusedSet[name] = true
	}
	for _, name := range common {
		if err := (Renderer{}).ValidateOptions(map[string]string{OptTable: name}); err != nil || refusedSet[name] {
			t.Errorf("table %q: option error %v, refused by nft %v; want both to accept it", name, err, refusedSet[name])
		}
	}
	t.Logf("nft refused %d of %d names (%d from its manual)", len(refused), len(names), len(manual))
}

// manualWords returns the lower-case words of nft's manual page, none
// when a system installs packages without their manual pages.
func manualWords(t *testing.T) []string {
	t.Helper()
	f, err := os.Open(nftManual)
	if err != nil {
		t.Logf("nft's manual page: %v: only the keyword list and the common names are asked", err)
		return nil
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	text, err := io.ReadAll(z)
	if err != nil {
		t.Fatal(err)
	}
	return regexp.MustCompile(`[a-z][a-z0-9_-]*`).FindAllString(string(text), -1)
}
