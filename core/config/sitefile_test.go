package config

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestReloadSkipsWhatIsNotARegularFile(t *testing.T) {
	cfg, sites := loadLayout(t, originalConfig, map[string]string{"a.example.yaml": originalSite})
	fifo := filepath.Join(cfg.SitesDir, "fifo.example.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	if err := os.Symlink(fifo, filepath.Join(cfg.SitesDir, "link.example.yaml")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(cfg.SitesDir, "a.example.yaml"), filepath.Join(cfg.SitesDir, "alias.example.yaml")); err != nil {
		t.Fatal(err)
	}
	done := make(chan []error, 1)
	go func() { done <- sites.Reload() }()
	var errs []error
	select {
	case errs = <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("reload blocked on a FIFO in the sites folder")
	}
	if len(errs) != 1 || !errors.Is(errs[0], errNotRegular) || !strings.Contains(errs[0].Error(), "link.example.yaml") {
		t.Errorf("reload errors %v, want one: link.example.yaml is not a regular file", errs)
	}
	for _, name := range []string{"a.example", "alias.example"} {
		if _, ok := sites.Get(name); !ok {
			t.Errorf("site %s not loaded", name)
		}
	}
	if _, ok := sites.Get("fifo.example"); ok {
		t.Error("a FIFO became a site")
	}
}

// TestManyErrorsLoadQuickly: a site file of the largest size allowed made
// of bad entries is refused in seconds, each error with its line; the
// file is not parsed again for each error. Parsing it once per error took
// over an hour; one parse takes about a second, five under the race
// detector and over twenty beside other tests on two cores, so the bound
// is two minutes.
func TestManyErrorsLoadQuickly(t *testing.T) {
	var b strings.Builder
	b.WriteString("tag: t\nguard:\n  never_block:\n    cidrs:\n")
	for b.Len() < siteFileMaxBytes-16 {
		b.WriteString("    - x\n")
	}
	path := filepath.Join(t.TempDir(), "a.example.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := LoadSite(path, nil)
		done <- err
	}()
	select {
	case err := <-done:
		want := path + `:2: guard.never_block.cidrs "x": not an address or prefix`
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Fatalf("error %.200v, want one starting %q", err, want)
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("a site file with many errors took more than two minutes to load")
	}
}

// config.yaml and mappings.yaml are read as site files are: a FIFO or an
// oversized file is refused at once rather than read.
func TestConfigFilesReadBounded(t *testing.T) {
	tests := []struct {
		name, file string
		make       func(path string) error
		want       string
	}{
		{"config.yaml a FIFO", "config.yaml", func(p string) error { return syscall.Mkfifo(p, 0o600) }, "not a regular file"},
		{"mappings.yaml a FIFO", "mappings.yaml", func(p string) error { return syscall.Mkfifo(p, 0o600) }, "not a regular file"},
		{"config.yaml too large", "config.yaml", func(p string) error {
			return os.WriteFile(p, []byte(originalConfig+strings.Repeat("# padding\n", siteFileMaxBytes/10)), 0o600)
		}, "larger than 1048576 bytes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := layout(t, originalConfig, nil)
			target := filepath.Join(filepath.Dir(path), tc.file)
			_ = os.Remove(target)
			if err := tc.make(target); err != nil {
				t.Skipf("%v", err)
			}
			done := make(chan error, 1)
			go func() {
				_, err := Load(path)
				done <- err
			}()
			select {
			case err := <-done:
				if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.file) {
					t.Fatalf("error %v, want %q naming %s", err, tc.want, tc.file)
				}
			case <-time.After(time.Minute):
				t.Fatalf("Load blocked on %s", tc.file)
			}
		})
	}
}

// A hidden file (an editor's lock or swap file, such as Emacs's dangling
// .#name.yaml link) is never a site: no token names a host starting with
// a dot. It neither stops start-up nor fails a reload.
func TestHiddenFilesAreNotSites(t *testing.T) {
	dir := filepath.Dir(layout(t, originalConfig, map[string]string{"a.example.yaml": originalSite}))
	sitesDir := filepath.Join(filepath.Dir(dir), "sites")
	if err := os.Symlink("user@host.1234:1700000000", filepath.Join(sitesDir, ".#a.example.yaml")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(sitesDir, ".b.example.yaml"), []byte("tag: [broken\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	sites, err := LoadSites(sitesDir, nil)
	if err != nil {
		t.Fatalf("start-up refused: %v", err)
	}
	if errs := sites.Reload(); len(errs) != 0 {
		t.Errorf("reload errors %v", errs)
	}
	if all := sites.All(); len(all) != 1 || all[0].Name != "a.example" {
		t.Errorf("sites %v, want a.example only", all)
	}
}

// A sites/<fqdn>.yml file is not loaded, as the original opens only
// sites/<fqdn>.yaml, but is named in a warning until it is renamed.
func TestYmlFileIsNamedNotLoaded(t *testing.T) {
	_, sites := loadLayout(t, originalConfig, map[string]string{"a.example.yaml": originalSite, "b.example.yml": originalSite})
	sitesDir := filepath.Dir(sites.All()[0].Path)
	yml := filepath.Join(sitesDir, "b.example.yml")
	want := []string{yml + ": not loaded: a site file is named <fqdn>.yaml; rename it b.example.yaml"}
	if _, ok := sites.Get("b.example"); ok || !slices.Equal(sites.FileWarnings(), want) {
		t.Errorf("b.example loaded %v, warnings %q; want not loaded and %q", ok, sites.FileWarnings(), want)
	}
	if err := os.Rename(yml, filepath.Join(sitesDir, "b.example.yaml")); err != nil {
		t.Fatal(err)
	}
	if errs := sites.Reload(); len(errs) != 0 {
		t.Fatalf("reload errors %v", errs)
	}
	if _, ok := sites.Get("b.example"); !ok || len(sites.FileWarnings()) != 0 {
		t.Errorf("after the rename: b.example loaded %v, warnings %q; want loaded and none", ok, sites.FileWarnings())
	}
}
