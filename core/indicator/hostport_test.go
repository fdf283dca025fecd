package indicator

import (
	"strconv"
	"strings"
	"testing"
)

// FuzzCanonicalIPForms checks that the forms a MISP value takes (port,
// brackets, surrounding space, defanging) give the same address as the
// plain value, and that nothing but an address with a port is read as one.
// A plain value has no space of its own: space is trimmed only around the
// whole value, so "::\u0085" is "::" while "[::\u0085]:541" is malformed.
func FuzzCanonicalIPForms(f *testing.F) {
	for _, s := range []string{"198.51.100.7", "2001:db8::1", "2a03:b0c0::1", "::ffff:192.0.2.1", "10.0.0.0/8", "fe80::1%eth0", "::\u0085", "\u00a0192.0.2.1"} {
		f.Add(s, uint16(443))
	}
	f.Fuzz(func(t *testing.T, s string, port uint16) {
		p, err := CanonicalIP(s)
		if err != nil || strings.TrimSpace(s) != s || strings.ContainsAny(s, "[](){}% \t\r\n\v\f") || strings.Contains(s, "/") {
			return
		}
		ps := itoa(int(port))
		forms := []string{" " + s + " ", "\t" + s + "\n"}
		if port != 0 && p.Addr().Is6() && p.IsSingleIP() {
			forms = append(forms, "["+s+"]:"+ps, "["+s+"]")
		}
		if port != 0 && p.Addr().Is4() && p.IsSingleIP() && !strings.Contains(s, ":") {
			forms = append(forms, s+":"+ps, s+"::"+ps, strings.ReplaceAll(s, ".", "[.]")+":"+ps)
		}
		for _, form := range forms {
			got, err := CanonicalIP(form)
			if err != nil || got != p {
				t.Fatalf("%q gives %v (%v), want %v as %q does", form, got, err, p, s)
			}
		}
		if port == 0 && p.Addr().Is4() && p.IsSingleIP() && !strings.Contains(s, ":") {
			if got, err := CanonicalIP(s + ":0"); err == nil {
				t.Fatalf("%q (port 0) gives %v", s+":0", got)
			}
		}
	})
}

// FuzzCanonicalHost checks that a port suffix, a leading wildcard label
// or dot, space and defanging give the name itself, and that the result is a
// canonical name.
func FuzzCanonicalHost(f *testing.F) {
	for _, s := range []string{"evil.example", "host.evil-example.xyz", "wild.evil-example.xyz", "Bücher.example"} {
		f.Add(s, uint16(8080))
	}
	f.Fuzz(func(t *testing.T, s string, port uint16) {
		want, err := CanonicalName(s)
		if err != nil || strings.ContainsAny(s, "[](){}:*@ \t\r\n\v\f") || strings.HasSuffix(s, ".") {
			if err == nil {
				if c, err := CanonicalHost(s); err == nil {
					if again, err := CanonicalName(c); err != nil || again != c {
						t.Fatalf("CanonicalHost(%q) = %q is not canonical", s, c)
					}
				}
			}
			return
		}
		forms := []string{"*." + s, "." + s, " " + s + " ", strings.ReplaceAll(s, ".", "[.]")}
		if port != 0 {
			forms = append(forms, s+":"+itoa(int(port)), "*."+s+":"+itoa(int(port)))
		}
		for _, form := range forms {
			got, err := CanonicalHost(form)
			if err != nil || got != want {
				t.Fatalf("%q gives %q (%v), want %q", form, got, err, want)
			}
		}
	})
}

func itoa(n int) string { return strconv.Itoa(n) }
