// Package scripts holds tests of the repository's shell scripts.
package scripts

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// stub writes an executable shell script named name into dir.
func stub(t *testing.T, dir, name, body string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
}

// TestInstallToolsTouchesOnlyNewServices runs install-tools.sh against
// stubbed apt-get, dpkg-query and systemctl: the services of packages that
// were already installed are never stopped or disabled, those of packages
// the script installed are, and no service may start during the install.
func TestInstallToolsTouchesOnlyNewServices(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash not found")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	state := filepath.Join(dir, "state")
	run := filepath.Join(dir, "run")
	for _, d := range []string{bin, state, run} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, tool := range []string{"grep", "chmod", "rm", "cat", "mkdir"} {
		p, err := exec.LookPath(tool)
		if err != nil {
			t.Skipf("%s not found", tool)
		}
		if err := os.Symlink(p, filepath.Join(bin, tool)); err != nil {
			t.Fatal(err)
		}
	}
	log := filepath.Join(dir, "calls.log")
	policy := filepath.Join(dir, "policy-rc.d")
	// Present programs: everything but memcached, nginx, promtool, nft,
	// ipset, unbound, dnsmasq, haproxy and chromium.
	for _, p := range []string{"named", "named-checkzone", "dig", "squid", "protoc", "wrk", "suricata", "suricata-update"} {
		stub(t, bin, p, "exit 0")
	}
	stub(t, bin, "id", "echo 0")
	// nginx-light is installed already (its binary is elsewhere, say);
	// memcached and prometheus are not.
	if err := os.WriteFile(filepath.Join(state, "nginx-light"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	stub(t, bin, "dpkg-query", `for last; do :; done; [ -e "`+state+`/$last" ] && echo "install ok installed"; exit 0`)
	stub(t, bin, "apt-get", `echo "apt-get $*" >>`+log+`
[ -x "`+policy+`" ] && "`+policy+`" >/dev/null; echo "policy-rc.d exit $?" >>`+log+`
for a; do case "$a" in -*|install) ;; *) [ "$1" = install ] || [ "$2" = install ] || [ "$3" = install ] && : >"`+state+`/$a";; esac; done
exit 0`)
	stub(t, bin, "systemctl", `echo "systemctl $*" >>`+log)
	stub(t, bin, "update-rc.d", `echo "update-rc.d $*" >>`+log)

	cmd := exec.Command(bash, "install-tools.sh")
	cmd.Env = []string{"PATH=" + bin, "CRATOS_POLICY_RC_D=" + policy, "CRATOS_SYSTEMD_RUN=" + run, "HOME=" + dir}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("install-tools.sh: %v\n%s", err, out)
	}
	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	calls := strings.Split(strings.TrimSpace(string(data)), "\n")
	var systemctl []string
	for _, c := range calls {
		if strings.HasPrefix(c, "systemctl") {
			systemctl = append(systemctl, c)
		}
		if strings.HasPrefix(c, "apt-get") && strings.Contains(c, "install") {
			if !strings.Contains(c, "memcached") || !strings.Contains(c, "prometheus") || !strings.Contains(c, "nginx-light") {
				t.Errorf("install call %q: want memcached, nginx-light and prometheus", c)
			}
		}
	}
	if !slices.Contains(calls, "policy-rc.d exit 101") {
		t.Errorf("no service start was refused during the install: %q", calls)
	}
	// unbound and haproxy are installed too: Debian enables their
	// services at boot, unbound's a resolver on port 53.
	want := []string{"systemctl disable --now memcached", "systemctl disable --now unbound", "systemctl disable --now haproxy", "systemctl disable --now prometheus"}
	if !slices.Equal(systemctl, want) {
		t.Errorf("systemctl calls = %q, want %q (never nginx, installed before)", systemctl, want)
	}
	if _, err := os.Stat(policy); !os.IsNotExist(err) {
		t.Errorf("policy-rc.d left behind: %v", err)
	}
}

// TestInstallToolsKeepsExistingPolicy: an administrator's policy-rc.d is
// neither replaced nor removed.
func TestInstallToolsKeepsExistingPolicy(t *testing.T) {
	dir := t.TempDir()
	policy := filepath.Join(dir, "policy-rc.d")
	body := "#!/bin/sh\n# the administrator's\nexit 0\n"
	if err := os.WriteFile(policy, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "bin")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tool := range []string{"grep", "chmod", "rm", "cat"} {
		p, err := exec.LookPath(tool)
		if err != nil {
			t.Skipf("%s not found", tool)
		}
		if err := os.Symlink(p, filepath.Join(bin, tool)); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []string{"memcached", "named", "named-checkzone", "dig", "squid", "protoc", "wrk", "nginx", "suricata", "suricata-update"} {
		stub(t, bin, p, "exit 0")
	}
	stub(t, bin, "id", "echo 0")
	stub(t, bin, "dpkg-query", "exit 1")
	stub(t, bin, "apt-get", "exit 0")
	stub(t, bin, "systemctl", "exit 0")
	cmd := exec.Command("bash", "install-tools.sh")
	cmd.Env = []string{"PATH=" + bin, "CRATOS_POLICY_RC_D=" + policy, "CRATOS_SYSTEMD_RUN=" + dir}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("install-tools.sh: %v\n%s", err, out)
	}
	got, err := os.ReadFile(policy)
	if err != nil || string(got) != body {
		t.Errorf("policy-rc.d = %q, %v; want it untouched", got, err)
	}
}
