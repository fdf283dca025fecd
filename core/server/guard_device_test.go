package server_test

import (
	"testing"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/config"
)

// deviceHarness returns a harness whose site has the custom feed cust2
// and guard g, with one published cust2 event holding attrs.
func deviceHarness(t *testing.T, g config.Guard, attrs ...mispsim.Attribute) *harness {
	t.Helper()
	h := newHarness(t, withSite(func(s *config.Site) {
		s.Guard = g
		s.CustomFeeds = append(s.CustomFeeds, config.CustomFeed{Name: "cust2", Suffixes: []string{":incident-classification=cust2"}})
	}))
	for i := range attrs {
		attrs[i].ToIDS = true
	}
	if _, err := h.sim.AddEvent(mispsim.Event{Info: "device", Published: true, Tags: []string{"example:incident-classification=cust2"},
		Attributes: attrs}); err != nil {
		t.Fatal(err)
	}
	return h
}

type deviceCase struct {
	name    string
	path    string
	body    string // the exact list
	dropped string // the exact X-Cratos-Dropped
}

func checkDevice(t *testing.T, h *harness, tests []deviceCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := h.authed(tt.path)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			if body != tt.body {
				t.Errorf("body\n%s\nwant\n%s", body, tt.body)
			}
			if d := resp.Header.Get("X-Cratos-Dropped"); d != tt.dropped {
				t.Errorf("X-Cratos-Dropped = %q, want %q", d, tt.dropped)
			}
		})
	}
}

// TestGuardHostnameOnResolvers: dnsmasq, Unbound and HAProxy block a
// hostname's subdomains too, so a hostname above a protected name never
// reaches them.
func TestGuardHostnameOnResolvers(t *testing.T) {
	h := deviceHarness(t, config.Guard{NeverBlock: config.NeverBlock{Domains: []string{"portal.corp.example"}}},
		mispsim.Attribute{Type: "hostname", Value: "corp.example"},
		mispsim.Attribute{Type: "hostname", Value: "c2.evil-example.xyz"})
	const p = "/v1/feed/cust2/type/hostname/age/1y/output/"
	checkDevice(t, h, []deviceCase{
		{name: "dnsmasq", path: p + "dnsmasq", dropped: "guard: never_block=1",
			body: "# Cratos block list for dnsmasq: conf-file= or /etc/dnsmasq.d.\naddress=/c2.evil-example.xyz/\n"},
		{name: "unbound", path: p + "unbound", dropped: "guard: never_block=1",
			body: "# Cratos block list for Unbound: include: it from unbound.conf.\nserver:\nlocal-zone: \"c2.evil-example.xyz.\" always_nxdomain\n"},
		{name: "haproxy", path: p + "haproxy", dropped: "guard: never_block=1", body: "c2.evil-example.xyz\n"},
	})
}

// TestGuardProtectedURLSpellings: a URL on a never_block URL's host is
// refused when a device would block the protected URL with it: another
// scheme, user info or port (which URL lists and Squid drop), or a
// shorter path (which they match as a prefix); so is a name the
// protected URL is on.
func TestGuardProtectedURLSpellings(t *testing.T) {
	var attrs []mispsim.Attribute
	for _, v := range []string{"http://portal.partner.example/login", "https://user@portal.partner.example/login",
		"https://portal.partner.example:443/login", "https://portal.partner.example/", "portal.partner.example/log",
		"https://portal.partner.example/logout", "https://evil.example/x"} {
		attrs = append(attrs, mispsim.Attribute{Type: "url", Value: v})
	}
	attrs = append(attrs, mispsim.Attribute{Type: "hostname", Value: "portal.partner.example"},
		mispsim.Attribute{Type: "domain", Value: "partner.example"})
	h := deviceHarness(t, config.Guard{NeverBlock: config.NeverBlock{URLs: []string{"https://portal.partner.example/login"}}}, attrs...)
	checkDevice(t, h, []deviceCase{
		{name: "edl", path: "/v1/feed/cust2/type/url/age/1y/output/edl", dropped: "guard: never_block=5",
			body: "evil.example/x\nportal.partner.example/logout\n"},
		{name: "squid", path: "/v1/feed/cust2/type/url/age/1y/output/squid", dropped: "guard: never_block=5",
			body: "^https://evil\\.example/x\n^https://portal\\.partner\\.example/logout\n"},
		{name: "dnsmasq hostname", path: "/v1/feed/cust2/type/hostname/age/1y/output/dnsmasq", dropped: "guard: never_block=1",
			body: "# Cratos block list for dnsmasq: conf-file= or /etc/dnsmasq.d.\n"},
		{name: "dnsmasq domain", path: "/v1/feed/cust2/type/domain/age/1y/output/dnsmasq", dropped: "guard: never_block=1",
			body: "# Cratos block list for dnsmasq: conf-file= or /etc/dnsmasq.d.\n"},
	})
}

// TestGuardIPv6NetOverAllOfIPv4: an IPv6 net that covers the IPv4-mapped
// (::ffff:0:0/96) or NAT64 (64:ff9b::/96) prefix blocks every IPv4
// address on devices that see IPv4 through it.
func TestGuardIPv6NetOverAllOfIPv4(t *testing.T) {
	var attrs []mispsim.Attribute
	for _, v := range []string{"::fffe:0:0/95", "::ff00:0:0/88", "64:ff9b::/96", "64:ff9b::/64", "::ffff:0:0/96", "2a03:b0c0::/32"} {
		attrs = append(attrs, mispsim.Attribute{Type: "ip-dst", Value: v})
	}
	h := deviceHarness(t, config.Guard{}, attrs...)
	checkDevice(t, h, []deviceCase{
		{name: "squid", path: "/v1/feed/cust2/type/ipv6/age/1y/output/squid", body: "2a03:b0c0::/32\n", dropped: "guard: min_prefix=4"},
		{name: "edl", path: "/v1/feed/cust2/type/ipv6/age/1y/output/edl", body: "2a03:b0c0::/32\n", dropped: "guard: min_prefix=4"},
	})
}
