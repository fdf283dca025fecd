package conformance

import (
	"fmt"
	"net/netip"
	"slices"
	"testing"

	"github.com/cratos-project/cratos/core/indicator"
)

// recanonical runs an indicator's value through the canonical function of
// its type again; a canonical value comes back unchanged.
func recanonical(in indicator.Indicator) (string, error) {
	v := in.Value
	switch in.Type {
	case indicator.IPv4, indicator.IPv6:
		p, err := indicator.CanonicalIP(v)
		if err != nil {
			return "", err
		}
		return p.Addr().String(), nil
	case indicator.IPv4Net, indicator.IPv6Net:
		p, err := netip.ParsePrefix(v)
		if err != nil {
			return "", err
		}
		return p.Masked().String(), nil
	case indicator.Domain, indicator.Hostname:
		return indicator.CanonicalName(v)
	case indicator.URL:
		return indicator.CanonicalURL(v)
	case indicator.MD5, indicator.X509MD5, indicator.JA3, indicator.HASSH, indicator.HASSHServer, indicator.Imphash:
		return indicator.CanonicalHex(v, 32)
	case indicator.SHA1, indicator.X509SHA1:
		return indicator.CanonicalHex(v, 40)
	case indicator.SHA256, indicator.X509SHA256:
		return indicator.CanonicalHex(v, 64)
	case indicator.Email:
		return indicator.CanonicalEmail(v)
	case indicator.EmailSubject, indicator.EmailAttachment, indicator.Mutex:
		return indicator.CanonicalLine(v)
	case indicator.Snort, indicator.Yara, indicator.Sigma:
		return indicator.CanonicalRule(v)
	case indicator.Vulnerability:
		return indicator.CanonicalCVE(v)
	case indicator.CryptoCurrency:
		if c, err := indicator.CanonicalCrypto("btc", v); err == nil {
			return c, nil
		}
		return indicator.CanonicalCrypto("xmr", v)
	}
	return "", fmt.Errorf("unknown type %v", in.Type)
}

// checkCanonical fails t unless ins is in canonical order, free of
// duplicates, and made of canonical values.
func checkCanonical(t *testing.T, ins []indicator.Indicator) {
	t.Helper()
	if got := indicator.Normalize(slices.Clone(ins)); !slices.Equal(got, ins) {
		t.Errorf("not in canonical order or not de-duplicated: Normalize changes %d indicators into %d", len(ins), len(got))
	}
	bad := 0
	for _, in := range ins {
		if c, err := recanonical(in); err != nil || c != in.Value {
			if bad++; bad <= 5 {
				t.Errorf("%s %q is not canonical: %q, %v", in.Type, in.Value, c, err)
			}
		}
	}
	if bad > 5 {
		t.Errorf("%d values are not canonical", bad)
	}
}

func countTypes(ins []indicator.Indicator) map[indicator.Type]int {
	m := map[indicator.Type]int{}
	for _, in := range ins {
		m[in.Type]++
	}
	return m
}

func TestSampleIsCanonicalAndCoversEveryType(t *testing.T) {
	s := Sample()
	checkCanonical(t, s)
	counts := countTypes(s)
	for _, typ := range indicator.AllTypes() {
		if counts[typ] == 0 {
			t.Errorf("no %s in the sample", typ)
		}
	}
	if len(s) != 151 {
		t.Errorf("len(Sample()) = %d, want 151", len(s))
	}
	multi := 0
	for _, in := range s {
		if in.MultiLine() {
			multi++
		}
	}
	if multi != 5 {
		t.Errorf("%d multi-line values, want 5", multi)
	}
}

func TestSampleReturnsCopies(t *testing.T) {
	a := Sample()
	a[0].Value = "changed"
	if b := Sample(); b[0].Value == "changed" {
		t.Fatal("Sample returned shared storage")
	}
	raw := SampleAttributes()
	raw[0].Value = "changed"
	if SampleAttributes()[0].Value == "changed" {
		t.Fatal("SampleAttributes returned shared storage")
	}
}
