package cli

import (
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/auth"
	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/internal/testtool"
)

// TestSIGHUPDuringReloadRunsAgain: a SIGHUP that arrives while a reload
// runs makes the sites be read once more when it ends, so a file changed
// between the two signals is applied.
func TestSIGHUPDuringReloadRunsAgain(t *testing.T) {
	cfgText := fmt.Sprintf("encryption_key: %q\nsalt: %q\nlisten: \"127.0.0.1:0\"\n", e2eEncryptionKey, e2eSalt)
	path := testtool.ConfigLayout(t, cfgText, map[string]string{"a.example.yaml": "tag: t\nmispTimeoutSeconds: 10\n"})
	svc, logger, logs := assembleFromFile(t, path, startFlags{})
	cfg := svc.cfg
	entered, release := make(chan struct{}), make(chan struct{})
	var calls atomic.Int32
	reloadSites = func(s *config.Sites) []error {
		errs := s.Reload()
		if calls.Add(1) == 1 {
			close(entered) // the files are read: a change now is not seen
			<-release
		}
		return errs
	}
	defer func() { reloadSites = (*config.Sites).Reload }()
	ready, done := make(chan struct{}), make(chan error, 1)
	ln, err := listenHTTP(cfg.Listen)
	if err != nil {
		t.Fatal(err)
	}
	go func() { done <- run(svc, ln, logger, func(net.Addr) { close(ready) }) }()
	<-ready
	wait := func(what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(time.Minute); !cond(); time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%s; log:\n%s", what, logs.String())
			}
		}
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	<-entered
	site := filepath.Join(cfg.SitesDir, "a.example.yaml")
	if err := os.WriteFile(site, []byte("tag: t\nmispTimeoutSeconds: 20\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	wait("second SIGHUP not seen", func() bool { return strings.Contains(logs.String(), "sites reload already running") })
	close(release)
	wait("the change made during the first reload is not applied", func() bool {
		st, ok := svc.sites.Get("a.example")
		return ok && st.MISPTimeoutSeconds == 20
	})
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestSIGHUPRereadsAdminTokens: a reload gives the server config.yaml's
// admin_tokens as they are now, and a config.yaml that does not load
// keeps the admin tokens in use.
func TestSIGHUPRereadsAdminTokens(t *testing.T) {
	_, simURL := startSim(t)
	e := startE2E(t, simURL, nil)
	logger := slog.New(slog.NewJSONHandler(e.log, nil))
	cfgText, err := os.ReadFile(e.cfg.Path)
	if err != nil {
		t.Fatal(err)
	}
	flush := func() int {
		resp, _ := e.get(t, "DELETE", "/v1/clear_cache/all", "token", e.token)
		return resp.StatusCode
	}
	steps := []struct {
		name, config string
		want         int
	}{
		{"not listed", string(cfgText), 403},
		{"listed", string(cfgText) + "admin_tokens: [" + auth.Fingerprint(e.token) + "]\n", 200},
		{"config.yaml broken", string(cfgText) + "admin_tokens: [\n", 200},
		{"taken out", string(cfgText) + "admin_tokens: []\n", 403},
	}
	for _, st := range steps {
		if err := os.WriteFile(e.cfg.Path, []byte(st.config), 0o600); err != nil {
			t.Fatal(err)
		}
		reloadAndLog(e.svc, logger)
		if got := flush(); got != st.want {
			t.Fatalf("%s: flush answered %d, want %d; log:\n%s", st.name, got, st.want, e.log.String())
		}
	}
	if !strings.Contains(e.log.String(), "config.yaml not reloaded; keeping the admin tokens in use") {
		t.Errorf("the broken config.yaml is not logged:\n%s", e.log.String())
	}
}

// TestSIGHUPNamesSettingsNeedingARestart: a reload that changes a setting
// only a restart applies logs one warning naming it, one that changes only
// admin_tokens none, though serve's --state-dir differs from the file's
// state_dir.
func TestSIGHUPNamesSettingsNeedingARestart(t *testing.T) {
	cfgText := fmt.Sprintf("encryption_key: %q\nsalt: %q\nlisten: \"127.0.0.1:0\"\n", e2eEncryptionKey, e2eSalt)
	path := testtool.ConfigLayout(t, cfgText, map[string]string{"a.example.yaml": "tag: t\n"})
	svc, logger, logs := assembleFromFile(t, path, startFlags{stateDir: t.TempDir()})
	steps := []struct {
		name, config string
		want         []string // the settings named, in order
	}{
		{"admin_tokens", cfgText + "admin_tokens: [" + strings.Repeat("ab", 32) + "]\n", nil},
		{"listen", strings.Replace(cfgText, "127.0.0.1:0", "127.0.0.1:9090", 1), []string{"listen"}},
	}
	for _, st := range steps {
		if err := os.WriteFile(path, []byte(st.config), 0o600); err != nil {
			t.Fatal(err)
		}
		before := len(logs.String())
		reloadAndLog(svc, logger)
		logged := logs.String()[before:]
		var named []string
		for _, line := range strings.Split(logged, "\n") {
			if strings.Contains(line, "needs a restart") {
				named = append(named, line)
			}
		}
		if len(named) != len(st.want) {
			t.Fatalf("%s: %d warnings of a restart, want %d; log:\n%s", st.name, len(named), len(st.want), logged)
		}
		for i, key := range st.want {
			if want := `"msg":"config.yaml: ` + key + ` changed: it needs a restart to apply","setting":"` + key + `"`; !strings.Contains(named[i], want) {
				t.Errorf("%s: logged %s, want %s", st.name, named[i], want)
			}
		}
	}
}
