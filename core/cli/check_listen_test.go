package cli

import (
	"net"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/auth"
	"github.com/cratos-project/cratos/internal/testtool"
)

// TestCheckProbesListens: an address serve cannot bind because this host
// does not have it stops serve at start-up, and check refuses it the same
// way; one in use (by the running service, say) is only a note.
func TestCheckProbesListens(t *testing.T) {
	held, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	heldUDP, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer heldUDP.Close()
	token, err := auth.NewCodec("0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF", "0123456789abcdef0123456789abcdef").Mint(auth.Claims{
		Proto: "https", Port: 443, Host: "misp.example.net", Key: strings.Repeat("a", 40), Expires: time.Now().AddDate(1, 0, 0).Format(time.DateOnly)})
	if err != nil {
		t.Fatal(err)
	}
	dns := func(addr string) string {
		return "dns:\n  listen: \"" + addr + "\"\n  zones:\n    - {name: rpz.cratos, token: \"" + token + "\", feed: block}\n"
	}
	tests := []struct {
		name, extra string
		code        int
		want        string
		args        []string
	}{
		{"address not on this host", "listen: \"192.0.2.1:8080\"\n", 2, "listen 192.0.2.1:8080 (tcp): listen tcp 192.0.2.1:8080: bind: cannot assign requested address: serve would not start", nil},
		{"dns address not on this host", "listen: \"127.0.0.1:0\"\n" + dns("192.0.2.1:5353"), 2, "dns.listen 192.0.2.1:5353 (tcp)", nil},
		{"in use", "listen: \"" + held.Addr().String() + "\"\n", 0, "note: listen " + held.Addr().String() + " (tcp) is in use", nil},
		{"--listen wins over listen", "listen: \"192.0.2.1:8080\"\n", 0, "ok (", []string{"--listen", "127.0.0.1:0"}},
		{"dns in use over UDP", "listen: \"127.0.0.1:0\"\n" + dns(heldUDP.LocalAddr().String()), 0, "note: dns.listen " + heldUDP.LocalAddr().String() + " (udp) is in use", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testtool.ConfigLayout(t, testConfig+tc.extra, map[string]string{"misp.example.net.yaml": "tag: t\nallowed_ips: [192.0.2.0/24]\n"})
			code, stdout, stderr := run1(append([]string{"check", "--config", cfg}, tc.args...)...)
			if code != tc.code || !strings.Contains(stdout+stderr, tc.want) {
				t.Errorf("check: exit %d, stdout %q, stderr %q; want %d with %q", code, stdout, stderr, tc.code, tc.want)
			}
			if tc.code != 0 {
				if code, _, stderr := run1("serve", "--config", cfg); code != 2 || !strings.Contains(stderr, "192.0.2.1:") {
					t.Errorf("serve: exit %d, stderr %q; want 2 naming the address", code, stderr)
				}
			}
		})
	}
}

// TestCheckRefusesListenAndDNSOnOnePort: serve holds listen and dns.listen
// at once, so a dns.listen whose TCP port listen takes already stops it at
// start-up; check, which binds each address in turn, refuses it too.
func TestCheckRefusesListenAndDNSOnOnePort(t *testing.T) {
	free, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := free.Addr().String()
	free.Close()
	token, err := auth.NewCodec("0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF", "0123456789abcdef0123456789abcdef").Mint(auth.Claims{
		Proto: "https", Port: 443, Host: "misp.example.net", Key: strings.Repeat("a", 40), Expires: time.Now().AddDate(1, 0, 0).Format(time.DateOnly)})
	if err != nil {
		t.Fatal(err)
	}
	cfg := testtool.ConfigLayout(t, testConfig+"listen: \""+addr+"\"\ndns:\n  listen: \""+addr+"\"\n  zones:\n    - {name: rpz.cratos, token: \""+token+"\", feed: block}\n",
		map[string]string{"misp.example.net.yaml": "tag: t\nallowed_ips: [192.0.2.0/24]\n"})
	code, stdout, stderr := run1("check", "--config", cfg)
	if want := "dns.listen " + addr + " (tcp) is listen's address as well: serve binds listen first and cannot bind dns.listen: serve would not start"; code != 2 || !strings.Contains(stderr, want) {
		t.Errorf("check: exit %d, stdout %q, stderr %q; want 2 with %q", code, stdout, stderr, want)
	}
	if code, _, stderr := run1("serve", "--config", cfg); code != 2 || !strings.Contains(stderr, "address already in use") {
		t.Errorf("serve: exit %d, stderr %q; want 2 with the address in use", code, stderr)
	}
}
