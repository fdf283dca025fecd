package cli

import (
	"strings"
	"testing"

	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/internal/testtool"
)

// A state_dir files cannot be written in is said at start, by serve for
// each of its directories and by check, not at the first write (a list
// built minutes or days later).
func TestReadOnlyStateDirIsSaidAtStart(t *testing.T) {
	root := testtool.ReadOnlyDir(t)
	logger, logs := testtool.JSONLogger()
	cfg := &config.Config{StateDir: root}
	openCollections(cfg, logger)
	openListState(cfg, logger)
	for _, want := range []string{
		`"msg":"state_dir not writable; what it holds is read, but nothing new is kept across a restart until it is fixed"`,
		`"msg":"state_dir unusable; last good lists are kept in memory only"`,
	} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %s:\n%s", want, logs.String())
		}
	}

	cfgPath := writeConfig(t, testConfig+"state_dir: "+root+"\n")
	code, out, stderr := run1("check", "--config", cfgPath)
	if code != 0 || !strings.Contains(out, "warning: state_dir "+root+" is not writable") {
		t.Errorf("check: exit %d\n%s%s", code, out, stderr)
	}
	// check --state-dir, as serve --state-dir (the systemd unit's
	// /var/lib/cratos), checks that directory instead.
	code, out, stderr = run1("check", "--config", cfgPath, "--state-dir", t.TempDir())
	if code != 0 || strings.Contains(out, "state_dir") {
		t.Errorf("check --state-dir: exit %d\n%s%s", code, out, stderr)
	}
}
