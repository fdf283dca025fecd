// Package readmecheck runs the shell commands of the repository's
// README.md against a demo on loopback, and checks the README's claims
// about files that exist.
//
// Convention: every command line of a ```sh block runs, except a line
// ending in "# cratos:offline-skip <reason>" and every line of a block
// preceded by "<!-- cratos:offline-skip <reason> -->" (commands that need a
// real MISP, a device, root, or run until stopped). Comment lines are
// skipped; lines ending in "\" continue on the next.
package readmecheck

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cratos-project/cratos/internal/testtool"
)

const skipMark = "cratos:offline-skip"

// command is one runnable command of the README; output is the JSON answer
// the README quotes for it, on a "# {...}" line right after it.
type command struct {
	line   int
	text   string
	output string
}

// readmeCommands returns the commands to run and the skipped ones; a skip
// marker without a reason is an error.
func readmeCommands(t *testing.T, readme string) (run, skipped []command) {
	lines := strings.Split(readme, "\n")
	inBlock, sh, skipBlock := false, false, false
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if strings.HasPrefix(l, "```") {
			if inBlock {
				inBlock, skipBlock = false, false
				continue
			}
			inBlock, sh = true, strings.TrimSpace(l) == "```sh"
			if i > 0 && strings.HasPrefix(lines[i-1], "<!-- "+skipMark) {
				skipBlock = true
				if reason := strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(lines[i-1], "<!-- "+skipMark), "-->")); reason == "" {
					t.Errorf("README.md:%d: skip marker without a reason", i)
				}
			}
			continue
		}
		if !inBlock || !sh {
			continue
		}
		start := i + 1
		text := l
		for strings.HasSuffix(strings.TrimSpace(text), "\\") && i+1 < len(lines) {
			i++
			text = strings.TrimSuffix(strings.TrimSpace(text), "\\") + " " + strings.TrimSpace(lines[i])
		}
		trimmed := strings.TrimSpace(text)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		c := command{line: start, text: text}
		if i+1 < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[i+1]), "# {") {
			c.output = strings.TrimPrefix(strings.TrimSpace(lines[i+1]), "# ")
		}
		if _, reason, ok := strings.Cut(text, "# "+skipMark); ok || skipBlock {
			if ok && strings.TrimSpace(reason) == "" {
				t.Errorf("README.md:%d: skip marker without a reason", start)
			}
			skipped = append(skipped, c)
			continue
		}
		run = append(run, c)
	}
	return run, skipped
}

func moduleRoot(t *testing.T) string {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root: %v", err)
	}
	return root
}

// awaitLine hands each line of out to done, in a goroutine, until done
// returns true, and then discards the rest of out. It reports whether done
// returned true within 5 minutes.
func awaitLine(out io.Reader, done func(line string) bool) bool {
	found := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if done(sc.Text()) {
				close(found)
				break
			}
		}
		_, _ = io.Copy(io.Discard, out)
	}()
	select {
	case <-found:
		return true
	case <-time.After(5 * time.Minute):
		return false
	}
}

// startDemo runs the built cratos demo on a free loopback port and
// returns its base URL and token.
func startDemo(t *testing.T, root, cratos string) (base, token string) {
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, cratos, "demo", "--listen", "127.0.0.1:0", "--generate", "2000")
	cmd.Dir = root
	cmd.Stderr = io.Discard
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })
	baseRE := regexp.MustCompile(`^Cratos demo on (http://127\.0\.0\.1:\d+)`)
	started := awaitLine(out, func(line string) bool {
		if m := baseRE.FindStringSubmatch(line); m != nil {
			base = m[1]
		}
		if tok, ok := strings.CutPrefix(line, "token: "); ok {
			token = tok
		}
		return strings.HasPrefix(line, "Stop with")
	})
	if !started {
		t.Fatal("the demo did not start within 5 minutes")
	}
	if base == "" || token == "" {
		t.Fatal("the demo printed no address or token")
	}
	return base, token
}

// TestREADMECommands runs every runnable command of the README.
func TestREADMECommands(t *testing.T) {
	if testing.Short() {
		t.Skip("builds binaries and a plugin")
	}
	for _, tool := range []string{"bash", "curl", "sha256sum", "make"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not found", tool)
		}
	}
	root := moduleRoot(t)
	data, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	run, skipped := readmeCommands(t, string(data))
	if len(run) < 8 {
		t.Fatalf("only %d runnable commands found", len(run))
	}
	t.Logf("%d README commands to run, %d marked %s", len(run), len(skipped), skipMark)

	tmp := t.TempDir()
	bin := filepath.Join(tmp, "bin")
	testtool.GoBuildTo(t, bin, "github.com/cratos-project/cratos/cmd/cratos", "github.com/cratos-project/cratos/cmd/mispsim")
	base, token := startDemo(t, root, filepath.Join(bin, "cratos"))
	opt := filepath.Join(tmp, "opt")
	if err := os.MkdirAll(filepath.Join(opt, "cratos", "plugins"), 0o755); err != nil {
		t.Fatal(err)
	}
	// curl fails on an HTTP error, so a command only passes with a 2xx.
	prelude := "set -eo pipefail\ncurl() { command curl --fail-with-body --max-time 120 \"$@\"; }\n"
	for _, c := range run {
		text := strings.ReplaceAll(c.text, "http://127.0.0.1:8080", base)
		text = strings.ReplaceAll(text, "/opt/cratos", filepath.Join(opt, "cratos"))
		t.Run(strings.Fields(c.text)[0]+"_line"+itoa(c.line), func(t *testing.T) {
			cmd := exec.Command("bash", "-c", prelude+text)
			cmd.Dir = root
			cmd.Env = append(os.Environ(), "TOKEN="+token, "PATH="+bin+":"+os.Getenv("PATH"), "GOFLAGS="+testtool.SharedGoFlags())
			if strings.Contains(text, "go build") {
				defer testtool.LockBuilds()()
			}
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Errorf("README.md:%d: %s\n%v\n%s", c.line, c.text, err, tail(out))
			}
			if got, want := jsonKeys(string(out)), jsonKeys(c.output); c.output != "" && !slices.Equal(got, want) {
				t.Errorf("README.md:%d: %s\nanswered keys %v, the README quotes %v:\n%s", c.line, c.text, got, want, tail(out))
			}
		})
	}
}

// TestREADMEMarkers: the convention is documented, and every skip has a
// reason (readmeCommands reports those without).
func TestREADMEMarkers(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(moduleRoot(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	run, skipped := readmeCommands(t, string(data))
	if len(run) == 0 || len(skipped) == 0 {
		t.Fatalf("%d runnable, %d skipped commands", len(run), len(skipped))
	}
	if !strings.Contains(string(data), "`# "+skipMark+" <reason>`") {
		t.Error("README does not document the skip convention")
	}
}

// TestREADMEClaims checks what the README says about the repository.
func TestREADMEClaims(t *testing.T) {
	root := moduleRoot(t)
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	lic, err := os.ReadFile(filepath.Join(root, "LICENSE"))
	if err != nil || !strings.HasPrefix(string(lic), "MIT License") || !strings.Contains(string(lic), "The Cratos authors") {
		t.Errorf("LICENSE: %v; want the MIT licence of The Cratos authors (the OpenAPI document says MIT)", err)
	}
	openapi, err := os.ReadFile(filepath.Join(root, "core", "server", "openapi.go"))
	if err != nil || !strings.Contains(string(openapi), `"license":     map[string]any{"name": "MIT"}`) {
		t.Errorf("openapi.go no longer names MIT: update LICENSE and this test together")
	}
	for _, want := range []string{
		"`GET /metrics`", "promtool check metrics", "qname-wait-recurse no", "cratos init --misp URL --key-file FILE",
		"cratos check --config FILE", "What `scripts/install-tools.sh` changes on the machine", "`deploy/grafana-cratos.json`",
		// A token on a command line is in the process list.
		"`CRATOS_TOKEN=$TOKEN cratos lookup", "`cratos lookup [-server URL]",
		// The image's user must read what cratos init wrote for its own.
		"`chgrp -R 65532 DIR && chmod 0640 DIR/config/config.yaml DIR/sites/*.yaml`",
	} {
		if !strings.Contains(string(readme), want) {
			t.Errorf("README lacks %q", want)
		}
	}
	// Every file under deploy/ is in the README's deployment table.
	entries, err := os.ReadDir(filepath.Join(root, "deploy"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !strings.Contains(string(readme), "`deploy/"+e.Name()+"`") {
			t.Errorf("deploy/%s is not in the README", e.Name())
		}
	}
	edl, err := os.ReadFile(filepath.Join(root, "renderers", "edl", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if regexp.MustCompile(`also served on the\s+` + "`/v1/vendor/paloalto`").Match(edl) {
		t.Error("the edl README claims the paloalto vendor route")
	}
}

// withoutMakeState drops what a make running the tests passes to its
// children (its jobserver, flags and depth), so that make demo runs as it
// does from a shell.
func withoutMakeState(env []string) []string {
	return slices.DeleteFunc(env, func(kv string) bool {
		name, _, _ := strings.Cut(kv, "=")
		return name == "MAKEFLAGS" || name == "MFLAGS" || name == "MAKELEVEL" || name == "MAKEOVERRIDES"
	})
}

func itoa(n int) string { return strconv.Itoa(n) }

// jsonKeys returns the object keys of a JSON text in the order written.
func jsonKeys(s string) []string {
	var keys []string
	for _, m := range regexp.MustCompile(`"([^"]+)":`).FindAllStringSubmatch(s, -1) {
		keys = append(keys, m[1])
	}
	return keys
}

func tail(b []byte) string {
	if len(b) > 4000 {
		return "…" + string(b[len(b)-4000:])
	}
	return string(b)
}

// TestMakeDemo: make demo LISTEN=addr says what it compiles, then serves
// on addr.
func TestMakeDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make not found")
	}
	root := moduleRoot(t)
	addr := "127.0.0.1:" + itoa(testtool.FreePort(t))
	cmd := exec.Command("make", "--no-print-directory", "demo", "LISTEN="+addr)
	cmd.Dir = root
	cmd.Env = append(withoutMakeState(os.Environ()), "GOFLAGS="+testtool.SharedGoFlags())
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	// Its go build waits for other tests' builds, and they for it until
	// the demo starts.
	endBuild := sync.OnceFunc(testtool.LockBuilds())
	defer endBuild()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		_ = cmd.Wait()
	}()
	var (
		mu   sync.Mutex
		seen []string
	)
	ready := awaitLine(out, func(line string) bool {
		mu.Lock()
		seen = append(seen, line)
		mu.Unlock()
		if strings.HasPrefix(line, "make demo: starting") {
			endBuild()
		}
		return strings.HasPrefix(line, "Cratos demo on http://"+addr)
	})
	if !ready {
		mu.Lock()
		defer mu.Unlock()
		t.Fatalf("make demo LISTEN=%s did not start on that address; output:\n%s", addr, strings.Join(seen, "\n"))
	}
	if !strings.HasPrefix(seen[0], "make demo: compiling") {
		t.Errorf("make demo did not say what it compiles first: %q", seen[0])
	}
	resp, err := http.Get("http://" + addr + "/v1/status?sites=0")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("status on %s: %v %v", addr, resp, err)
	}
	resp.Body.Close()
}
