package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestRunErrors(t *testing.T) {
	broken := t.TempDir()
	if err := os.WriteFile(filepath.Join(broken, "bad.json"), []byte(`{"Event":`), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"unknown flag", []string{"--bogus"}, 2, "flag provided but not defined: -bogus"},
		{"bad number", []string{"--generate", "many"}, 2, "invalid value"},
		{"negative count", []string{"--generate", "-1"}, 2, "must not be negative"},
		{"extra argument", []string{"serve"}, 2, "unexpected argument"},
		{"missing data", []string{"--data", filepath.Join(t.TempDir(), "none")}, 2, "data dir"},
		{"malformed data", []string{"--data", broken}, 2, "bad.json"},
		{"bad listen address", []string{"--listen", "256.0.0.1:99999"}, 1, "listen"},
		{"unknown fault", []string{"--fault", "meteor"}, 2, "unknown fault \"meteor\""},
		{"negative delay", []string{"--delay", "-1s"}, 2, "--delay must not be negative"},
		{"negative memory limit", []string{"--memory-limit-mb", "-1"}, 2, "--memory-limit-mb must be 0 to 1048576"},
		{"zero memory coefficient", []string{"--memory-coefficient", "0"}, 2, "--memory-coefficient must be 1 to 1048576"},
		{"bad delay", []string{"--delay", "soon"}, 2, "invalid value"},
		{"bad clock offset", []string{"--clock-offset", "late"}, 2, "invalid value \"late\" for flag -clock-offset"},
		{"user without e-mail", []string{"--user", "k3y,7,1"}, 2, "want KEY,ID,ORG,EMAIL"},
		{"user with a bad id", []string{"--user", "k3y,seven,1,soc@example.org"}, 2, "must be positive numbers"},
		{"sharing group without organisations", []string{"--sharing-group", "7"}, 2, "want ID,ORG[,ORG...]"},
		{"sharing group with a bad organisation", []string{"--sharing-group", "7,two"}, 2, "want ID,ORG[,ORG...]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(tc.args, &out, &errb)
			lines := strings.Split(strings.TrimSpace(errb.String()), "\n")
			if code != tc.code || len(lines) != 1 || !strings.Contains(lines[0], tc.stderr) {
				t.Errorf("exit %d, stderr %q; want %d and one line containing %q", code, errb.String(), tc.code, tc.stderr)
			}
		})
	}
}

func TestRunHelp(t *testing.T) {
	for _, arg := range []string{"--help", "-h"} {
		var out, errb bytes.Buffer
		if code := run([]string{arg}, &out, &errb); code != 0 || !strings.Contains(out.String(), "--listen ADDR") || !strings.Contains(out.String(), "--unordered-plans") || !strings.Contains(out.String(), "--unpublished-private") || !strings.Contains(out.String(), "--sharing-group ID,ORG") || errb.Len() != 0 {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", arg, code, out.String(), errb.String())
		}
	}
}

func TestVersionFlag(t *testing.T) {
	var out, errb strings.Builder
	if code := run([]string{"--version"}, &out, &errb); code != 0 || !strings.HasPrefix(out.String(), "mispsim ") {
		t.Errorf("--version: exit %d, %q %q", code, out.String(), errb.String())
	}
}

func TestClockOffset(t *testing.T) {
	if clockOff(0) != nil {
		t.Error("no offset: want the machine's clock (nil)")
	}
	for _, off := range []time.Duration{-10 * time.Minute, 2 * time.Hour} {
		got := time.Until(clockOff(off)())
		if d := got - off; d < -time.Minute || d > time.Minute {
			t.Errorf("offset %v: the clock is %v off", off, got)
		}
	}
}

func TestParseSharingGroup(t *testing.T) {
	id, orgs, err := parseSharingGroup("7,1, 2")
	if err != nil || id != 7 || len(orgs) != 2 || orgs[0] != 1 || orgs[1] != 2 {
		t.Errorf("7,1, 2: group %d of %v, %v; want 7 of [1 2]", id, orgs, err)
	}
}
