package main

import (
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/cache/memcachedtest"
	"github.com/cratos-project/cratos/internal/testtool"
)

// bulkSite is procSite letting reserved addresses through the guard, for
// the volume tests' private addresses.
func bulkSite(timeoutSeconds int) string {
	return procSite(timeoutSeconds) + "guard: {allow_reserved: true}\n"
}

// garbageIPs are the junk values of the large MISP: each is an ip-dst
// value the ipv4 data type must count as invalid and drop.
var garbageIPs = []string{"999.1.2.3", "not-an-ip", "<html><body>Login</body></html>", "1.2.3",
	"10.0.0.1/33", "fe80::zz", "198.51.100.1 and more", "010.0.0.1"}

// largeMISP returns n ip-dst attributes in events of 1,000 in the hunt
// feed, every 100th one garbage, and the number of valid ones. The
// addresses are private (10/8): sites serving them set bulkSite's
// allow_reserved.
func largeMISP(n int) ([]mispsim.Event, int) {
	var events []mispsim.Event
	valid := 0
	for start := 0; start < n; start += 1000 {
		ev := feedEvent("hunt", fmt.Sprintf("bulk %d", start/1000))
		for i := start; i < min(start+1000, n); i++ {
			v := fmt.Sprintf("10.%d.%d.%d", i>>16, i>>8&255, i&255)
			if i%100 == 0 {
				v = garbageIPs[i/100%len(garbageIPs)]
			} else {
				valid++
			}
			ev.Attributes = append(ev.Attributes, idsAttr("ip-dst", v))
		}
		events = append(events, ev)
	}
	return events, valid
}

// TestFaultsVolume feeds cratos what a real MISP holds at its worst: a
// single 50 MB attribute (a name, which is invalid and dropped, and a URL,
// which is kept where the format allows it) and 200,000 attributes of
// which 1% are garbage. Every list is served with exact counts, the
// process survives, and its peak memory stays bounded: a few times the
// largest value (its page, the snapshot, the rendered list), not the size
// of the whole feed.
func TestFaultsVolume(t *testing.T) {
	t.Parallel()
	const huge = 50 << 20
	hugeDomain := strings.Repeat("a", huge) + ".example.net"
	hugeURL := "http://big.example.net/" + strings.Repeat("p", huge)
	events, valid := largeMISP(200_000)
	events = append(events, feedEvent("alert", "huge attributes",
		idsAttr("domain", "ok1.example.net"), idsAttr("domain", hugeDomain), idsAttr("domain", "ok2.example.net"),
		idsAttr("url", "http://ok.example.net/a"), idsAttr("url", hugeURL)))
	m := startMISP(t, events...)
	p := startCratos(t, procOptions{MISP: m.URL(), Site: bulkSite(120)})

	tests := []struct {
		name             string
		path             string
		entries, invalid string
		dropped          string
		check            func(t *testing.T, body []byte)
	}{
		{"50 MB domain is dropped", "/v1/feed/alert/type/domain/age/1y/output/txt", "2", "1", "",
			func(t *testing.T, body []byte) {
				if string(body) != "ok1.example.net\r\nok2.example.net" {
					t.Errorf("body %.200q", body)
				}
			}},
		{"50 MB URL is kept in txt", "/v1/feed/alert/type/url/age/1y/output/txt", "2", "0", "",
			func(t *testing.T, body []byte) {
				const rest = "\r\nhttp://ok.example.net/a"
				if len(body) != len(hugeURL)+len(rest) || string(body[:len(hugeURL)]) != hugeURL || string(body[len(hugeURL):]) != rest {
					t.Errorf("body of %d bytes starting %.100q, want the two URLs (%d bytes)", len(body), body, len(hugeURL)+len(rest))
				}
			}},
		{"50 MB URL is left out of an EDL", "/v1/feed/alert/type/url/age/1y/output/edl", "2", "0", "edl entry longer than 255 characters=1",
			func(t *testing.T, body []byte) {
				if string(body) != "ok.example.net/a\n" {
					t.Errorf("body %.200q", body)
				}
			}},
		{"200,000 attributes with 1% garbage", "/v1/feed/hunt/type/ipv4/age/1y/output/txt", fmt.Sprint(valid), "2000", "",
			func(t *testing.T, body []byte) {
				lines := strings.Split(string(body), "\r\n")
				if len(lines) != valid || lines[0] != "10.0.0.1" || lines[len(lines)-1] != "10.3.13.63" {
					t.Errorf("%d lines from %q to %q, want %d from 10.0.0.1 to 10.3.13.63", len(lines), lines[0], lines[len(lines)-1], valid)
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := p.authed(t, tc.path)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%d %.300s", resp.StatusCode, body)
			}
			h := resp.Header
			if h.Get("X-Cratos-Entries") != tc.entries || h.Get("X-Cratos-Invalid") != tc.invalid || h.Get("X-Cratos-Dropped") != tc.dropped {
				t.Errorf("X-Cratos-Entries %q Invalid %q Dropped %q, want %q %q %q", h.Get("X-Cratos-Entries"),
					h.Get("X-Cratos-Invalid"), h.Get("X-Cratos-Dropped"), tc.entries, tc.invalid, tc.dropped)
			}
			tc.check(t, body)
			p.requireAlive(t)
		})
	}
	rss := p.peakRSS(t)
	t.Logf("peak RSS %d MiB", rss>>20)
	if rss > 640<<20 {
		t.Errorf("peak RSS %d MiB, want under 640 MiB", rss>>20)
	}
}

// TestFaultsMemcached breaks the shared cache under a running cratos:
// memcached down from the start, killed mid-run and restarted on the same
// port, and full (-m 2 -M: it refuses to store rather than evict). In
// every case lists are served with the right bytes, the process stays up,
// and /v1/status reports memcached's state: FAIL while it is unreachable,
// OK again once it is back (and cratos writes to it again).
func TestFaultsMemcached(t *testing.T) {
	t.Parallel()
	testtool.Require(t, "memcached", "memcached")
	events, _ := largeMISP(20_000)
	m := startMISP(t, append(events, feedEvent("block", "block fixture", blockFixture...))...)
	memcachedConfig := func(addr string) string {
		host, port, _ := net.SplitHostPort(addr)
		return fmt.Sprintf("memcached_host: %q\nmemcached_port: %q\n", host, port)
	}
	// list fetches lists for a fresh age (a MISS) and checks them: the
	// block feed's, and the hunt feed's in several outputs, each of which
	// memcached stores as items of 100 KiB to 1 MiB.
	age := 0
	list := func(t *testing.T, p *cratosProc) {
		t.Helper()
		age++
		resp, body := p.authed(t, fmt.Sprintf("/v1/feed/block/type/ipv4/age/%dd/output/txt", age))
		if resp.StatusCode != http.StatusOK || string(body) != blockIPv4Txt {
			t.Fatalf("list: %d %q", resp.StatusCode, body)
		}
		for _, output := range []string{"json", "csv", "yaml"} {
			resp, body = p.authed(t, fmt.Sprintf("/v1/feed/hunt/type/ipv4/age/%dd/output/%s", age, output))
			if resp.StatusCode != http.StatusOK || resp.Header.Get("X-Cratos-Entries") != "19800" {
				t.Fatalf("hunt list: %d entries %q %.200s", resp.StatusCode, resp.Header.Get("X-Cratos-Entries"), body)
			}
		}
	}
	memcachedStatus := func(t *testing.T, p *cratosProc) string {
		st := p.status(t)
		if st["cache"] != "memcached" {
			t.Fatalf("status cache %v, want memcached", st["cache"])
		}
		s, _ := st["memcachedstatus"].(string)
		return s
	}

	tests := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"down at start", func(t *testing.T) {
			closed := "127.0.0.1:" + strconv.Itoa(testtool.FreePort(t))
			p := startCratos(t, procOptions{MISP: m.URL(), Config: memcachedConfig(closed), Site: bulkSite(5)})
			list(t, p)
			list(t, p)
			if s := memcachedStatus(t, p); s != "FAIL" {
				t.Errorf("memcachedstatus %q, want FAIL", s)
			}
			p.requireAlive(t)
		}},
		{"killed mid-run and restarted", func(t *testing.T) {
			addr, stop := memcachedtest.Start(t)
			p := startCratos(t, procOptions{MISP: m.URL(), Config: memcachedConfig(addr), Site: bulkSite(5)})
			list(t, p)
			if s := memcachedStatus(t, p); s != "OK" {
				t.Fatalf("memcachedstatus %q, want OK", s)
			}
			if memcachedStat(t, addr, "curr_items") == 0 {
				t.Fatal("cratos stored nothing in memcached")
			}
			stop()
			list(t, p)
			if s := memcachedStatus(t, p); s != "FAIL" {
				t.Errorf("memcached killed: memcachedstatus %q, want FAIL", s)
			}
			list(t, p)
			_, port, _ := net.SplitHostPort(addr)
			memcachedtest.StartOn(t, atoi(port))
			testtool.WaitFor(t, "memcachedstatus OK", time.Minute, func() bool { return memcachedStatus(t, p) == "OK" })
			testtool.WaitFor(t, "cratos to write to the new memcached", time.Minute, func() bool {
				list(t, p)
				return memcachedStat(t, addr, "curr_items") > 1 // more than the status probe
			})
			p.requireAlive(t)
		}},
		{"full", func(t *testing.T) {
			addr := startMemcached(t, "-m", "2", "-M")
			filled := fillMemcached(t, addr)
			p := startCratos(t, procOptions{MISP: m.URL(), Config: memcachedConfig(addr), Site: bulkSite(5)})
			list(t, p)
			list(t, p)
			out, err := memcachedCommand(addr, fmt.Sprintf("set probe 0 0 %d\r\n%s\r\n", 64<<10, strings.Repeat("y", 64<<10)), "STORED")
			if err != nil || !strings.HasPrefix(out, "SERVER_ERROR out of memory") {
				t.Fatalf("memcached is no longer full: %q %v", out, err)
			}
			t.Logf("memcached took %d items of 64 KiB before it was full", filled)
			if refused := memcachedStat(t, addr, "store_no_memory"); refused <= 2 {
				t.Errorf("memcached refused %d writes, want cratos's too (beyond the fill's and the probe's 2)", refused)
			}
			p.requireAlive(t)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, tc.run)
	}
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
