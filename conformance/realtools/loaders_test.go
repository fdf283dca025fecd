package realtools

import (
	"maps"
	"slices"
	"testing"

	"github.com/miekg/dns"
)

// The crafted inputs below show that the nftables, ipset, Unbound, dnsmasq
// and HAProxy checks pass a good file and fail on what each program
// refuses.

func TestNftLoad(t *testing.T) {
	decl := "table inet t {\n\tset s {\n\t\ttype ipv4_addr\n\t\tflags interval\n\t}\n}\nflush set inet t s\n"
	cases := []struct {
		name, script string
		want         int
		wantErr      string
	}{
		{"good", decl + "add element inet t s {\n\t10.0.0.0/8,\n\t192.0.2.1,\n}\n", 2, ""},
		{"empty set", decl, 0, ""},
		{"overlapping intervals", decl + "add element inet t s {\n\t10.0.0.0/8,\n\t10.1.0.0/16,\n}\n", 0, "conflicting intervals"},
		{"wrong family", decl + "add element inet t s {\n\t2001:db8::1,\n}\n", 0, "nft"},
		{"injected statement", decl + "flush ruleset\nadd element inet t s { 192.0.2.1 }\n", 0, "No such file or directory"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := NftLoad(t, tc.script, "t", "s")
			checkErr(t, err, tc.wantErr)
			if err == nil && got["s"] != tc.want {
				t.Fatalf("set s holds %d elements, want %d", got["s"], tc.want)
			}
		})
	}
}

func TestNftKeywordNames(t *testing.T) {
	got := NftKeywordNames(t, []string{"set", "cratos", "ip", "filter", "gc-interval", "cratos-block-v4"})
	if want := []string{"set", "ip", "gc-interval"}; !slices.Equal(got, want) {
		t.Fatalf("refused %q, want %q", got, want)
	}
}

func TestIpsetRestore(t *testing.T) {
	set := func(adds string) string {
		return "create a-new hash:net family inet maxelem 4 -exist\nflush a-new\n" + adds +
			"create a hash:net family inet maxelem 4 -exist\nswap a-new a\ndestroy a-new\n"
	}
	cases := []struct {
		name, text string
		want       map[string]int
		wantErr    string
	}{
		{"good", set("add a-new 192.0.2.1\nadd a-new 10.0.0.0/8\n"), map[string]int{"a": 2}, ""},
		{"zero prefix", set("add a-new 0.0.0.0/0\n"), nil, "CIDR"},
		{"past maxelem", set("add a-new 192.0.2.1\nadd a-new 192.0.2.2\nadd a-new 192.0.2.3\nadd a-new 192.0.2.4\nadd a-new 192.0.2.5\n"), nil, "full"},
		{"temporary set left", "create b hash:net family inet -exist\nadd b 192.0.2.1\n", map[string]int{"b": 1}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := IpsetRestore(t, tc.text)
			checkErr(t, err, tc.wantErr)
			if err == nil && !maps.Equal(got, tc.want) {
				t.Fatalf("sets %v, want %v", got, tc.want)
			}
		})
	}
}

func TestStartUnbound(t *testing.T) {
	u, err := StartUnbound(t, "server:\nlocal-zone: \"bad.example.\" always_nxdomain\n")
	checkErr(t, err, "")
	r, err := Query(t, u.Addr, "www.bad.example", dns.TypeA)
	if err != nil || r.Rcode != dns.RcodeNameError {
		t.Fatalf("www.bad.example: %v %v, want NXDOMAIN", r, err)
	}
	zones, err := u.LocalZones(t)
	if err != nil || zones["bad.example"] != "always_nxdomain" {
		t.Fatalf("local zones %v %v", zones, err)
	}
	for _, bad := range []string{
		"server:\nlocal-zone: \"bad.example.\" always_nowhere\n",
		"server:\nlocal-zone: \"bad\"example.\" always_nxdomain\n",
		"server:\nlocal-data: \"bad.example. A 300.0.0.1\"\n",
	} {
		if _, err := StartUnbound(t, bad); err == nil {
			t.Errorf("StartUnbound accepted %q", bad)
		}
	}
}

func TestStartDnsmasq(t *testing.T) {
	addr, err := StartDnsmasq(t, "address=/bad.example/\n")
	checkErr(t, err, "")
	r, err := Query(t, addr, "www.bad.example", dns.TypeA)
	if err != nil || r.Rcode != dns.RcodeNameError {
		t.Fatalf("www.bad.example: %v %v, want NXDOMAIN", r, err)
	}
	for _, bad := range []string{"address=/bad.example/300.0.0.1\n", "adress=/bad.example/\n"} {
		if _, err := StartDnsmasq(t, bad); err == nil {
			t.Errorf("StartDnsmasq accepted %q", bad)
		}
	}
}

func TestStartHAProxy(t *testing.T) {
	for kind, list := range map[string]string{"ip": "192.0.2.1\n2001:db8::/32\n", "dom": "bad.example\nb.example\n", "end": ".bad.example\n.b.example\n"} {
		h, err := StartHAProxy(t, kind, list)
		checkErr(t, err, "")
		if n, err := h.Entries(); err != nil || n != 2 {
			t.Errorf("%s: %d entries, %v; want 2", kind, n, err)
		}
		if kind == "ip" {
			continue
		}
		for host, want := range map[string]int{"bad.example": 403, "www.bad.example:80": 403, "notbad.example": 200} {
			if got, err := h.Status(host); err != nil || got != want {
				t.Errorf("%s: Host %s: %d %v, want %d", kind, host, got, err, want)
			}
		}
	}
	if _, err := StartHAProxy(t, "ip", "192.0.2.1/33\n"); err == nil {
		t.Error("StartHAProxy accepted 192.0.2.1/33 in a src list")
	}
}
