package main

import (
	"bufio"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/internal/testtool"
)

// rawStatus writes request on a new loopback connection and returns the
// status line of the answer.
func rawStatus(t *testing.T, addr, request string) string {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, request); err != nil {
		t.Fatalf("write: %v", err)
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		t.Fatalf("read the status line: %v (got %q)", err, line)
	}
	return strings.TrimSpace(line)
}

// foreignToken mints a token for http://127.0.0.1 with another encryption
// key and salt than the processes' own. The built binary mints it: the key
// derivation would take many seconds in a race-instrumented test binary.
func foreignToken(t testing.TB) string {
	t.Helper()
	cfg := filepath.Join(t.TempDir(), "config", "config.yaml")
	testtool.WriteFile(t, cfg, fmt.Sprintf("encryption_key: %q\nsalt: %q\n", strings.Repeat("0BAD", 16), "another-salt-0123456789abcdef012"))
	return mintToken(t, cfg, "http://127.0.0.1", mispsim.DefaultKey)
}

// invalidTokens returns n tokens that must all be refused, of the kinds an
// attacker sends: random text, random Fernet-shaped tokens, a real token
// with one character changed, and tokens minted with another key.
func invalidTokens(t testing.TB, valid string, n int) []string {
	t.Helper()
	other := foreignToken(t)
	rng := rand.New(rand.NewPCG(1, 2))
	const printable = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=!.~"
	randText := func(alphabet string, n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return string(b)
	}
	out := make([]string, n)
	for i := range out {
		switch i % 4 {
		case 0:
			out[i] = randText(printable, 1+rng.IntN(300))
		case 1:
			raw := make([]byte, 57+16*rng.IntN(8))
			for j := range raw {
				raw[j] = byte(rng.IntN(256))
			}
			raw[0] = 0x80 // Fernet version byte
			out[i] = base64.URLEncoding.EncodeToString(raw)
		case 2:
			b := []byte(valid)
			j := 10 + rng.IntN(len(b)-20)
			b[j] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[(strings.IndexByte("ABCDEFGHIJKLMNOPQRSTUVWXYZ", b[j])+1+rng.IntN(25))%26]
			out[i] = string(b)
		case 3:
			out[i] = other
		}
	}
	return out
}

// TestFaultsAbuse attacks a running cratos the cheap ways: many invalid
// tokens (each refused with 403 in microseconds: no key derivation per
// request), repeated failures from one address (429 for that address
// only), oversized headers (431) and bodies (413), and a connection that
// sends nothing (dropped by the read timeout). The process stays up
// throughout. cratos sits behind a trusted local proxy here, so each
// request can carry its own client address in X-Forwarded-For.
func TestFaultsAbuse(t *testing.T) {
	t.Parallel()
	m := startBlockMISP(t)
	const limit = 5
	site := strings.Replace(procSite(5), "allowed_ips: [127.0.0.0/8]", "allowed_ips: [0.0.0.0/0]", 1)
	p := startCratos(t, procOptions{MISP: m.URL(), Site: site,
		Config: fmt.Sprintf("trusted_proxies: [127.0.0.1/32]\nauth_fail_limit: %d\n", limit)})
	const listPath = "/v1/feed/block/type/ipv4/age/1d/output/txt"

	t.Run("connection that sends nothing", func(t *testing.T) {
		t.Parallel() // the read timeout is 30 s: let the other cases run meanwhile
		c, err := net.DialTimeout("tcp", p.addr, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		_ = c.SetReadDeadline(time.Now().Add(90 * time.Second))
		// The server may answer 408 before it closes the connection.
		if got := readUntilTimedOut(t, c); len(got) > 0 && !strings.HasPrefix(string(got), "HTTP/1.1 408 ") {
			t.Errorf("the idle connection got %.100q", got)
		}
		p.requireAlive(t)
	})

	t.Run("kept-alive connection left idle", func(t *testing.T) {
		t.Parallel() // the idle timeout is 30 s, as the read timeout
		c, err := net.DialTimeout("tcp", p.addr, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(90 * time.Second))
		br := bufio.NewReader(c)
		// Two requests a moment apart: the second finds the deadlines the
		// first left, which the connection keeps.
		for range 2 {
			if _, err := io.WriteString(c, "GET "+listPath+" HTTP/1.1\r\nHost: cratos\r\ntoken: "+p.token+"\r\n\r\n"); err != nil {
				t.Fatal(err)
			}
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || resp.Close {
				t.Fatalf("answer %d, close %v", resp.StatusCode, resp.Close)
			}
		}
		if got := readUntilTimedOut(t, br); len(got) > 0 {
			t.Errorf("the idle connection got %.100q", got)
		}
		p.requireAlive(t)
	})

	t.Run("10,000 invalid tokens", func(t *testing.T) {
		tokens := invalidTokens(t, p.token, 10_000)
		before := len(p.out.Records("request"))
		var (
			mu      sync.Mutex
			wrong   []string
			next    atomic.Int64
			workers sync.WaitGroup
		)
		start := time.Now()
		deadline := start.Add(2 * time.Minute)
		for range 8 {
			workers.Add(1)
			go func() {
				defer workers.Done()
				for i := int(next.Add(1) - 1); i < len(tokens) && time.Now().Before(deadline); i = int(next.Add(1) - 1) {
					req, _ := http.NewRequest(http.MethodGet, p.base+listPath, nil)
					req.Header.Set("token", tokens[i])
					req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", i>>16, i>>8&255, i&255))
					resp, err := procClient.Do(req)
					status := 0
					if err == nil {
						_, _ = io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						status = resp.StatusCode
					}
					if status != http.StatusForbidden {
						mu.Lock()
						wrong = append(wrong, fmt.Sprintf("token %d %.40q: %d %v", i, tokens[i], status, err))
						mu.Unlock()
					}
				}
			}()
		}
		workers.Wait()
		took := time.Since(start)
		if len(wrong) > 0 {
			t.Fatalf("%d requests not refused with 403, first: %s", len(wrong), wrong[0])
		}
		// The access log reaches us through a pipe, a moment after the
		// answers.
		var ms []float64
		testtool.WaitFor(t, "every refusal in the access log", time.Minute, func() bool {
			ms = ms[:0]
			for _, r := range p.out.Records("request")[before:] {
				if r["path"] == listPath && r["status"] == 403.0 {
					v, _ := r["ms"].(float64)
					ms = append(ms, v)
				}
			}
			return len(ms) == len(tokens)
		})
		slices.Sort(ms)
		p50, p99 := ms[len(ms)/2], ms[len(ms)*99/100]
		t.Logf("10,000 refusals in %s; handling time p50 %.3f ms, p99 %.3f ms, max %.3f ms", took.Round(time.Millisecond), p50, p99, ms[len(ms)-1])
		// One key derivation (PBKDF2, 600,000 rounds) takes far longer
		// than these bounds on any machine.
		if p50 > 2 || p99 > 50 {
			t.Errorf("refusing a token took p50 %.3f ms, p99 %.3f ms; want under 2 ms and 50 ms", p50, p99)
		}
		p.requireAlive(t)
	})

	t.Run("failures from one address are limited", func(t *testing.T) {
		get := func(addr, token string) (int, string) {
			resp, body := p.get(t, "/v1/feedmapping", "X-Forwarded-For", addr, "token", token)
			return resp.StatusCode, string(body)
		}
		for i := range limit {
			if status, body := get("192.0.2.1", "not-a-token"); status != http.StatusForbidden {
				t.Fatalf("failure %d: %d %s, want 403", i+1, status, body)
			}
		}
		status, body := get("192.0.2.1", "not-a-token")
		if status != http.StatusTooManyRequests {
			t.Fatalf("failure %d: %d %s, want 429", limit+1, status, body)
		}
		checkDetail(t, []byte(body), "Too many failed authentications; try again later.")
		// Only failures are limited: a valid token behind the same
		// address (a NAT) is still served.
		if status, body := get("192.0.2.1", p.token); status != http.StatusOK {
			t.Errorf("a good token from the limited address: %d %s, want 200", status, body)
		}
		if status, body := get("192.0.2.2", p.token); status != http.StatusOK {
			t.Errorf("a good token from another address: %d %s, want 200", status, body)
		}
		if status, _ := get("192.0.2.2", "not-a-token"); status != http.StatusForbidden {
			t.Errorf("a bad token from another address: %d, want 403", status)
		}
	})

	t.Run("oversized headers", func(t *testing.T) {
		req := "GET /v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + strings.Repeat("a", 32<<10) + "\r\n\r\n"
		if got := rawStatus(t, p.addr, req); got != "HTTP/1.1 431 Request Header Fields Too Large" {
			t.Errorf("status line %q, want 431", got)
		}
		p.requireAlive(t)
	})

	t.Run("oversized body", func(t *testing.T) {
		req := "POST /v1/generate_token_json HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1048576\r\n\r\n"
		if got := rawStatus(t, p.addr, req); got != "HTTP/1.1 413 Request Entity Too Large" {
			t.Errorf("status line %q, want 413", got)
		}
		p.requireAlive(t)
	})
}

// BenchmarkRefuseInvalidToken measures one refused list request through
// the built binary over loopback HTTP: an invalid token of each kind
// invalidTokens makes (random text, forged Fernet, a changed character,
// another key), a 403 answer. The failure limit is lifted so that every
// request is checked in full.
func BenchmarkRefuseInvalidToken(b *testing.B) {
	m := startMISP(b, feedEvent("block", "block fixture", blockFixture...))
	p := startCratos(b, procOptions{MISP: m.URL(), Config: fmt.Sprintf("auth_fail_limit: 1000000000\naccess_log: %q\n",
		filepath.Join(b.TempDir(), "access.log"))})
	tokens := invalidTokens(b, p.token, 1024)
	var next atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest(http.MethodGet, p.base+"/v1/feed/block/type/ipv4/age/1d/output/txt", nil)
			req.Header.Set("token", tokens[next.Add(1)%int64(len(tokens))])
			resp, err := procClient.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusForbidden {
				b.Fatalf("status %d, want 403", resp.StatusCode)
			}
		}
	})
}

// readUntilTimedOut reads r, a connection the server should close after
// its 30 s read (and idle) timeout, until it does, and returns what came
// first. The connection's own deadline must be later than a minute.
func readUntilTimedOut(t *testing.T, r io.Reader) []byte {
	t.Helper()
	start := time.Now()
	got, err := io.ReadAll(r)
	took := time.Since(start)
	var ne net.Error
	switch {
	case errors.As(err, &ne) && ne.Timeout():
		t.Fatalf("the connection was still open after %s", took.Round(time.Second))
	case took < 20*time.Second || took > 60*time.Second:
		t.Errorf("closed after %s, want about the 30 s timeout", took.Round(time.Second))
	}
	t.Logf("closed after %s with %.30q (%v)", took.Round(100*time.Millisecond), got, err)
	return got
}
