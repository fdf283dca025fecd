package cli

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/auth"
	"github.com/cratos-project/cratos/internal/testtool"
)

const testConfig = `encryption_key: "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"
salt: "0123456789abcdef0123456789abcdef"
allways_allowed_ips: [127.0.0.1/32]
`

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	return testtool.ConfigLayout(t, body, nil)
}

func run1(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = Run(args, &o, &e)
	return code, o.String(), e.String()
}

func TestUsageErrors(t *testing.T) {
	cfg := writeConfig(t, testConfig)
	broken := writeConfig(t, testConfig+"bogus: 1\n")
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no command", nil, 2, ""},
		{"unknown command", []string{"fly"}, 2, `unknown command "fly"`},
		{"bad flag", []string{"serve", "--bogus"}, 2, "flag provided but not defined: -bogus"},
		{"missing config", []string{"serve", "--config", "/nonexistent/config.yaml"}, 2, "no such file or directory"},
		{"broken config names file and line", []string{"serve", "--config", broken}, 2, `config.yaml:4: unknown key "bogus"`},
		{"mint without fields", []string{"token", "mint", "--config", cfg}, 2, "--misp, --key-file (or --key) and --expires are required"},
		{"mint bad port", []string{"token", "mint", "--config", cfg, "--misp", "https://m.example:0", "--key", strings.Repeat("a", 40), "--expires", "2030-01-01"}, 2, "port"},
		{"mint URL with a path", []string{"token", "mint", "--config", cfg, "--misp", "https://m.example/misp", "--key", strings.Repeat("a", 40), "--expires", "2030-01-01"}, 2, "no path"},
		{"mint URL with a user", []string{"token", "mint", "--config", cfg, "--misp", "https://u:p@m.example", "--key", strings.Repeat("a", 40), "--expires", "2030-01-01"}, 2, "no path"},
		{"mint URL with a query", []string{"token", "mint", "--config", cfg, "--misp", "https://m.example/?x=1", "--key", strings.Repeat("a", 40), "--expires", "2030-01-01"}, 2, "no path"},
		{"init URL with a path", []string{"init", "--misp", "http://127.0.0.1:1/misp/", "--key", strings.Repeat("a", 40), "--dir", t.TempDir()}, 2, "no path"},
		{"inspect garbage", []string{"token", "inspect", "--config", cfg, "abcd"}, 1, "Unknown error in CheckApiToken"},
		{"plugin without check", []string{"plugin"}, 2, "plugin check PATH"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := run1(tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.stderr) {
				t.Errorf("exit %d, stderr %q; want %d containing %q", code, stderr, tc.code, tc.stderr)
			}
			if strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
				t.Errorf("more than one line on stderr: %q", stderr)
			}
		})
	}
	for _, args := range [][]string{{"--help"}, {"serve", "--help"}, {"demo", "--help"}, {"token", "--help"}, {"token", "mint", "--help"}, {"plugin", "--help"}} {
		if code, out, _ := run1(args...); code != 0 || !strings.Contains(out, "Usage") {
			t.Errorf("%v: exit %d, stdout %q", args, code, out)
		}
	}
}

func TestTokenMintAndInspect(t *testing.T) {
	cfg := writeConfig(t, testConfig)
	key := "aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789aBcD"
	code, out, stderr := run1("token", "mint", "--config", cfg, "--misp", "https://misp-1.example.net:8443", "--key", key, "--expires", "2030-01-01")
	if code != 0 {
		t.Fatalf("mint: %d %s", code, stderr)
	}
	tok := strings.TrimSpace(out)
	cl, err := auth.NewCodec("0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF", "0123456789abcdef0123456789abcdef").Verify(tok, time.Now())
	if err != nil || cl.BaseURL() != "https://misp-1.example.net:8443" || cl.Key != key || cl.Expires != "2030-01-01" {
		t.Fatalf("minted token: %v %v", cl, err)
	}
	code, out, _ = run1("token", "inspect", "--config", cfg, tok)
	if code != 0 || !strings.Contains(out, "https://misp-1.example.net:8443") || !strings.Contains(out, auth.Fingerprint(tok)) || strings.Contains(out, key) {
		t.Errorf("inspect: %d %q (must show the site and fingerprint, never the whole key)", code, out)
	}
}

// TestMISPKeyFile: token mint reads the key from the first line of
// --key-file (- is standard input), trimmed; a file without one, or
// both flags, is a usage error naming what is wrong.
func TestMISPKeyFile(t *testing.T) {
	cfg := writeConfig(t, testConfig)
	key := "aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789aBcD"
	dir := t.TempDir()
	file := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name, stdin string
		flags       []string
		code        int
		stderr      string
	}{
		{"file", "", []string{"--key-file", file("key", key+"\n")}, 0, ""},
		{"file without a final newline, other lines ignored", "", []string{"--key-file", file("key2", "  "+key+" \r\nnot the key\n")}, 0, ""},
		{"standard input", key + "\n", []string{"--key-file", "-"}, 0, ""},
		{"both flags", "", []string{"--key", key, "--key-file", file("key3", key)}, 2, "--key or --key-file, not both"},
		{"empty file", "", []string{"--key-file", file("empty", "\n")}, 2, "the first line holds no key"},
		{"empty standard input", "", []string{"--key-file", "-"}, 2, "the first line holds no key"},
		{"missing file", "", []string{"--key-file", filepath.Join(dir, "absent")}, 2, "no such file or directory"},
		{"a directory", "", []string{"--key-file", dir}, 2, "is a directory"},
		{"a pipe, as a shell's <(command) gives", "", []string{"--key-file", pipe(t, key+"\n")}, 0, ""},
		{"a device, read no further than a key could be", "", []string{"--key-file", "/dev/zero"}, 2, "key must be 40-72 ASCII letters and digits"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			defer func(r io.Reader) { stdin = r }(stdin)
			stdin = strings.NewReader(tc.stdin)
			args := append([]string{"token", "mint", "--config", cfg, "--misp", "https://misp.example.net", "--expires", "2030-01-01"}, tc.flags...)
			code, out, stderr := run1(args...)
			if code != tc.code || !strings.Contains(stderr, tc.stderr) {
				t.Fatalf("exit %d, stderr %q; want %d containing %q", code, stderr, tc.code, tc.stderr)
			}
			if code != 0 {
				return
			}
			cl, err := auth.NewCodec("0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF", "0123456789abcdef0123456789abcdef").Verify(strings.TrimSpace(out), time.Now())
			if err != nil || cl.Key != key {
				t.Fatalf("minted key %q, %v; want %q", cl.Key, err, key)
			}
		})
	}
}

// pipe returns a /dev/fd path reading body from a pipe.
func pipe(t *testing.T, body string) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	if _, err := w.WriteString(body); err != nil {
		t.Fatal(err)
	}
	w.Close()
	return fmt.Sprintf("/dev/fd/%d", r.Fd())
}

// TestDemo runs `cratos demo` as a newcomer would and uses the token it
// prints. It generates as many attributes as `make demo` does: without
// ../shared/data they are all the demo has, and two events of 1,000
// (both unpublished, with seed 1) left the published feeds empty.
func TestDemo(t *testing.T) {
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- Run([]string{"demo", "--listen", "127.0.0.1:0", "--generate", "20000"}, pw, io.Discard)
		pw.Close()
	}()
	var base, token, console string
	consoleRE := regexp.MustCompile(`open '(http://\S+/ui/\?token=\S+)'`)
	sc := bufio.NewScanner(pr)
	baseRE := regexp.MustCompile(`^Cratos demo on (http://127\.0\.0\.1:\d+)`)
	for sc.Scan() {
		line := sc.Text()
		if m := baseRE.FindStringSubmatch(line); m != nil {
			base = m[1]
		}
		if tok, ok := strings.CutPrefix(line, "token: "); ok {
			token = tok
		}
		if m := consoleRE.FindStringSubmatch(line); m != nil {
			console = m[1]
		}
		if strings.HasPrefix(line, "Stop with") {
			break
		}
	}
	go io.Copy(io.Discard, pr)
	if base == "" || token == "" || console == "" {
		t.Fatalf("demo printed no address, token or console address")
	}
	// The console address logs in and drops the token.
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if resp, err := noFollow.Get(console); err != nil || resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/ui/" {
		t.Errorf("console address %s: %v %v", console, err, resp)
	} else {
		resp.Body.Close()
	}
	for _, p := range []string{"/v1/feed/block/type/ipv4/age/1y/output/txt", "/v1/feed/any/type/domain/age/10y/output/rpz"} {
		resp, body := pull(t, base+p, token)
		if resp.StatusCode != 200 || len(body) == 0 || resp.Header.Get("X-Cratos-Entries") == "0" {
			t.Errorf("%s: %d, %d bytes, %s entries", p, resp.StatusCode, len(body), resp.Header.Get("X-Cratos-Entries"))
		}
		// The generated data holds " 8.8.4.4 ", which MISP's warninglist
		// check misses because of the spaces; the guard does not.
		if slices.Contains(strings.Split(string(body), "\r\n"), "8.8.4.4") {
			t.Errorf("%s carries the public resolver 8.8.4.4 (X-Cratos-Dropped %q)", p, resp.Header.Get("X-Cratos-Dropped"))
		}
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("demo exited %d after SIGTERM", code)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("demo did not stop on SIGTERM")
	}
}

func TestBufferedLog(t *testing.T) {
	var out testtool.LogBuffer
	b := newBufferedLog(&out)
	for i := range 1000 {
		fmt.Fprintf(b, "line %d\n", i)
	}
	b.Close()
	if got := strings.Count(out.String(), "\n"); got != 1000 {
		t.Errorf("%d lines written, want 1000", got)
	}
	if !strings.HasPrefix(out.String(), "line 0\nline 1\n") {
		t.Errorf("lines out of order: %q", out.String()[:20])
	}
}

// pull GETs url as a device does, with the token header, and returns the
// response and its body.
func pull(t *testing.T, url, token string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("token", token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, body
}
