package mispsim

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// valuePools holds real indicator values, one per line as found.
type valuePools struct {
	domains, ips, urls, uris []string
	md5, sha1, sha256        []string
}

// readPools reads <dir>/indicators/*.txt when present.
func readPools(dir string) (*valuePools, error) {
	p := &valuePools{}
	if dir == "" {
		return p, nil
	}
	ind := filepath.Join(dir, "indicators")
	if !isDir(ind) {
		return p, nil
	}
	read := func(name string) ([]string, error) {
		data, err := os.ReadFile(filepath.Join(ind, name))
		if os.IsNotExist(err) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("mispsim: read indicators: %w", err)
		}
		var out []string
		for _, l := range strings.Split(string(data), "\n") {
			if l != "" {
				out = append(out, l)
			}
		}
		return out, nil
	}
	var err error
	for _, f := range []struct {
		name string
		dst  *[]string
	}{{"domains.txt", &p.domains}, {"ips.txt", &p.ips}, {"urls.txt", &p.urls}, {"uris.txt", &p.uris}} {
		if *f.dst, err = read(f.name); err != nil {
			return nil, err
		}
	}
	hashes, err := read("hashes.txt")
	if err != nil {
		return nil, err
	}
	for _, h := range hashes {
		switch len(strings.TrimSpace(h)) {
		case 32:
			p.md5 = append(p.md5, h)
		case 40:
			p.sha1 = append(p.sha1, h)
		case 64:
			p.sha256 = append(p.sha256, h)
		}
	}
	return p, nil
}

// benignValues are values on the loaded warninglists (or well-known benign
// values when none are loaded), mixed into generated data so that
// enforceWarninglist has something to drop.
type benignValues struct {
	ips, hosts, hashes, emailDomains []string
}

func collectBenign(wls []*warninglist) *benignValues {
	b := &benignValues{}
	for _, wl := range wls {
		if !wl.enabled {
			continue
		}
		step := max(1, len(wl.entries)/200)
		for i := 0; i < len(wl.entries); i += step {
			v := wl.entries[i].value
			switch {
			case wl.kind == wlCIDR:
				if p, ok := parseListCIDR(v); ok {
					b.ips = append(b.ips, p.Addr().String())
				}
			case wl.kind == wlHostname, wl.kind == wlString && appliesTo(wl, "domain"):
				b.hosts = append(b.hosts, strings.TrimLeft(v, "."))
			case wl.kind == wlString && appliesTo(wl, "sha256") || appliesTo(wl, "md5"):
				b.hashes = append(b.hashes, v)
			case wl.kind == wlSubstring && appliesTo(wl, "email-src"):
				b.emailDomains = append(b.emailDomains, strings.TrimLeft(v, "@."))
			}
		}
	}
	if len(b.ips) == 0 {
		b.ips = []string{"8.8.8.8", "1.1.1.1", "10.0.0.1", "192.168.1.1", "9.9.9.9", "2001:4860:4860::8888"}
	}
	if len(b.hosts) == 0 {
		b.hosts = []string{"google.com", "www.microsoft.com", "github.com", "example.com"}
	}
	if len(b.hashes) == 0 {
		b.hashes = []string{"d41d8cd98f00b204e9800998ecf8427e", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "da39a3ee5e6b4b0d3255bfef95601890afd80709"}
	}
	if len(b.emailDomains) == 0 {
		b.emailDomains = []string{"mailinator.com", "guerrillamail.com"}
	}
	return b
}

func appliesTo(wl *warninglist, t string) bool {
	for _, x := range wl.types {
		if x == t || x == "ALL" {
			return true
		}
	}
	return false
}
