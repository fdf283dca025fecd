package realtools

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/internal/testtool"
)

// squidRegexAdvice is the start of the performance advice Squid prints
// for any url_regex list of more than 100 patterns; it says nothing about
// the entries, so SquidParse does not count it.
const squidRegexAdvice = "WARNING: there are more than 100 regular expressions"

// SquidParse writes fileText as the file of one ACL of kind aclKind
// (dstdomain, dst or url_regex) and runs squid -k parse on a configuration
// that needs no root directories: no pid file, no logs, a loopback port.
// Squid up to 6 reports overlapping entries, masked host bits and bad
// regular expressions as WARNING or ERROR lines and still exits 0, so
// every such line is returned as an error, as is a FATAL or a non-zero
// exit. The one warning not counted is the advice printed for any
// url_regex list longer than 100 patterns.
func SquidParse(t testing.TB, aclKind, fileText string) error {
	t.Helper()
	squid := testtool.Require(t, "squid", "squid")
	flags := ""
	switch aclKind {
	case "dstdomain":
	case "dst":
		flags = " -n"
	case "url_regex":
		flags = " -i"
	default:
		t.Fatalf("SquidParse: unknown ACL kind %q", aclKind)
	}
	dir := t.TempDir()
	list := writeFile(t, dir, "cratos-acl.txt", []byte(fileText))
	conf := fmt.Sprintf(`acl cratos %s%s %q
http_access deny cratos
http_access deny all
http_port 127.0.0.1:%d
pid_filename none
cache_log %s
access_log none
cache_store_log none
coredump_dir %s
`, aclKind, flags, list, testtool.FreePort(t), filepath.Join(dir, "cache.log"), dir)
	confFile := writeFile(t, dir, "squid.conf", []byte(conf))

	out, err := run(t, squid, "-k", "parse", "-f", confFile)
	p := &problems{tool: "squid -k parse"}
	if err != nil {
		p.add("exit status: " + err.Error())
	}
	for line := range strings.Lines(out) {
		if strings.Contains(line, squidRegexAdvice) {
			continue
		}
		if strings.Contains(line, "WARNING") || strings.Contains(line, "ERROR") || strings.Contains(line, "FATAL") || strings.Contains(line, "Bungled") {
			p.add(strings.TrimSpace(line))
		}
	}
	return p.err()
}
