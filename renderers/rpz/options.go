package rpz

import (
	"strconv"
	"strings"

	"github.com/cratos-project/cratos/renderers"
)

// Option defaults.
const (
	DefaultTTL     = 300
	DefaultNS      = "localhost."
	DefaultRName   = "hostmaster.localhost."
	DefaultRefresh = 3600
	DefaultRetry   = 900
	DefaultExpire  = 2592000
	DefaultMinimum = 300
	DefaultPolicy  = "nxdomain"
)

// DefaultOriginLen is the origin length the name budget assumes when the
// option origin is not set: the longest single label, so that the zone
// loads under any origin of up to 63 octets.
const DefaultOriginLen = 63

var optionDocs = []renderers.Option{
	{Name: "serial", Default: "", Description: "SOA serial, 1-4294967295, fixed by the site; empty: the content serial the caller passes (it grows exactly when the content changes), else the unix time of Generated"},
	{Name: "origin", Default: "", Description: "zone name the file is loaded under, used only to drop owner names too long for it; empty: budget for a 63-octet origin"},
	{Name: "ttl", Default: strconv.Itoa(DefaultTTL), Description: "$TTL of every record (seconds, or BIND units such as 5m)"},
	{Name: "ns", Default: DefaultNS, Description: "NS record of the apex, an absolute name"},
	{Name: "mname", Default: "", Description: "SOA primary server name, an absolute name; empty: the ns option"},
	{Name: "rname", Default: DefaultRName, Description: "SOA responsible mailbox in name form, an absolute name"},
	{Name: "refresh", Default: strconv.Itoa(DefaultRefresh), Description: "SOA refresh"},
	{Name: "retry", Default: strconv.Itoa(DefaultRetry), Description: "SOA retry"},
	{Name: "expire", Default: strconv.Itoa(DefaultExpire), Description: "SOA expire"},
	{Name: "minimum", Default: strconv.Itoa(DefaultMinimum), Description: "SOA minimum (negative caching TTL)"},
	{Name: "policy", Default: DefaultPolicy, Description: "action: nxdomain, nodata, passthru, drop, tcp-only or cname:<absolute name>"},
}

type options struct {
	serial    uint32
	hasSerial bool
	originLen int
	ttl       uint32
	ns        string
	mname     string
	rname     string
	soaTimes  [4]uint32 // refresh, retry, expire, minimum
	target    string    // CNAME target of every trigger
}

var policies = map[string]string{
	"nxdomain": ".",
	"nodata":   "*.",
	"passthru": "rpz-passthru.",
	"drop":     "rpz-drop.",
	"tcp-only": "rpz-tcp-only.",
}

// Config reads the options.
func (def) Config(p renderers.Options) (options, error) {
	o := options{originLen: DefaultOriginLen, target: "."}
	for _, d := range optionDocs {
		k, v := d.Name, p.String(d.Name)
		if v == "" && (k == "serial" || k == "origin" || k == "mname") {
			continue
		}
		var want string
		switch k {
		case "serial":
			n, perr := strconv.ParseUint(v, 10, 32)
			if perr != nil || n == 0 {
				want = "an integer from 1 to 4294967295"
			}
			o.serial, o.hasSerial = uint32(n), true
		case "origin":
			name := strings.TrimSuffix(v, ".")
			if !validName(name, false) || len(name) > 240 {
				want = "a zone name of at most 240 octets"
			}
			o.originLen = len(name)
		case "ttl":
			o.ttl, want = parseTTL(v)
		case "refresh":
			o.soaTimes[0], want = parseTTL(v)
		case "retry":
			o.soaTimes[1], want = parseTTL(v)
		case "expire":
			o.soaTimes[2], want = parseTTL(v)
		case "minimum":
			o.soaTimes[3], want = parseTTL(v)
		case "ns":
			o.ns, want = absName(v)
		case "mname":
			o.mname, want = absName(v)
		case "rname":
			o.rname, want = absName(v)
		case "policy":
			if t, ok := policies[v]; ok {
				o.target = t
			} else if rest, ok := strings.CutPrefix(v, "cname:"); ok {
				name := strings.TrimPrefix(rest, "*.")
				if !strings.HasSuffix(rest, ".") || !validName(strings.TrimSuffix(name, "."), false) || len(rest) > 254 {
					want = "cname: followed by an absolute name with a trailing dot"
				}
				o.target = rest
			} else {
				want = "one of nxdomain, nodata, passthru, drop, tcp-only, cname:<name.>"
			}
		}
		if want != "" {
			return options{}, renderers.OptionError(info.Name, k, want, v)
		}
	}
	if o.mname == "" {
		o.mname = o.ns
	}
	return o, nil
}

// parseTTL reads seconds ("300") or BIND units ("1h30m", "1w"); when v is
// neither it describes what it wants instead.
func parseTTL(v string) (uint32, string) {
	const bad = "seconds or BIND units (s, m, h, d, w) up to 2147483647 seconds"
	if v == "" {
		return 0, bad
	}
	if n, err := strconv.ParseUint(v, 10, 31); err == nil {
		return uint32(n), ""
	}
	var total uint64
	for s := strings.ToLower(v); s != ""; {
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == 0 || i == len(s) || i > 10 {
			return 0, bad
		}
		n, _ := strconv.ParseUint(s[:i], 10, 64)
		unit := unitSeconds(s[i])
		if unit == 0 {
			return 0, bad
		}
		total += n * unit
		if total > 1<<31-1 {
			return 0, bad
		}
		s = s[i+1:]
	}
	return uint32(total), ""
}

// absName checks an absolute domain name written with a trailing dot; when
// v is not one it describes what it wants instead.
func absName(v string) (string, string) {
	if v == "." {
		return v, ""
	}
	if !strings.HasSuffix(v, ".") || !validName(strings.TrimSuffix(v, "."), false) || len(v) > 254 {
		return "", "an absolute name with a trailing dot"
	}
	return strings.ToLower(v), ""
}

// validName reports whether s is a sequence of 1-63 octet labels of
// letters, digits, '-' and '_' (and '*' as a whole leftmost label when
// wildcard is set), so that it needs no master-file escaping.
func validName(s string, wildcard bool) bool {
	if s == "" {
		return false
	}
	for i, label := range strings.Split(s, ".") {
		if len(label) == 0 || len(label) > 63 {
			return false
		}
		if wildcard && i == 0 && label == "*" {
			continue
		}
		for j := 0; j < len(label); j++ {
			c := label[j]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

func unitSeconds(c byte) uint64 {
	switch c {
	case 's':
		return 1
	case 'm':
		return 60
	case 'h':
		return 3600
	case 'd':
		return 86400
	case 'w':
		return 604800
	}
	return 0
}
