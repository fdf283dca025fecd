package stixschema

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/cratos-project/cratos/internal/testtool"
)

var shared struct {
	once sync.Once
	v    *Validator
	err  error
	dir  string
}

// SharedDir returns the local copy of the OASIS schemas that tests use
// (../shared/stix2-schemas seen from the module root, or
// $CRATOS_STIX_SCHEMAS), or "" when it is absent.
func SharedDir() string {
	if p := os.Getenv("CRATOS_STIX_SCHEMAS"); p != "" {
		return p
	}
	if d := testtool.SharedDir(); d != "" {
		p := filepath.Join(d, "stix2-schemas")
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return p
		}
	}
	return ""
}

// ForTest returns a Validator over SharedDir, compiled once per process.
// When the schemas are absent it skips the test, or fails it under CI.
func ForTest(tb testing.TB) *Validator {
	tb.Helper()
	shared.once.Do(func() {
		shared.dir = SharedDir()
		if shared.dir != "" {
			shared.v, shared.err = Load(shared.dir)
		}
	})
	switch {
	case shared.dir == "":
		msg := "STIX 2.1 schemas not found: put a copy of oasis-open/cti-stix2-json-schemas at ../shared/stix2-schemas or set CRATOS_STIX_SCHEMAS"
		if testtool.InCI() {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	case shared.err != nil:
		tb.Fatalf("load STIX schemas: %v", shared.err)
	}
	return shared.v
}
