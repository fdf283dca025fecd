package conformance_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

func dataType(t *testing.T, name string) indicator.DataType {
	t.Helper()
	dt, ok := indicator.LookupDataType(name)
	if !ok {
		t.Fatalf("no data type %q", name)
	}
	return dt
}

func values(ins []indicator.Indicator) []string {
	var out []string
	for _, in := range ins {
		out = append(out, in.Type.String()+" "+in.Value)
	}
	return out
}

func TestDataTypesFor(t *testing.T) {
	cases := []struct {
		name  string
		types []indicator.Type
		want  []string
	}{
		{"none", nil, nil},
		{"url", []indicator.Type{indicator.URL}, []string{"url"}},
		{"hostname", []indicator.Type{indicator.Hostname}, []string{"hostname"}},
		{"ipv4net", []indicator.Type{indicator.IPv4Net}, []string{"ipv4ext", "cidr4"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for _, dt := range conformance.DataTypesFor(renderers.Info{Types: c.types}) {
				got = append(got, dt.Name)
			}
			if !slices.Equal(got, c.want) {
				t.Fatalf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestFromRecords(t *testing.T) {
	domainHost := renderers.Info{Types: []indicator.Type{indicator.Domain, indicator.Hostname}}
	cases := []struct {
		name     string
		dataType string
		info     renderers.Info
		records  string
		want     []string
	}{
		{"empty", "domain", domainHost, "", nil},
		{"NUL separates records", "domain", domainHost, "\x00bad.example", []string{"domain ad.example"}},
		{"canonical", "domain", domainHost, "\x01Bad.Example\x00\x00\x07bad.example", []string{"domain bad.example"}},
		{"invalid left out", "domain", domainHost, "\x01nope..x\x00\x01ok.example", []string{"domain ok.example"}},
		{"type chosen by first byte", "hostname", domainHost, "\x03www.bad.example\x00\x01other.example|198.51.100.7",
			[]string{"hostname other.example", "hostname www.bad.example"}},
		{"types not taken", "hostname", renderers.Info{Types: []indicator.Type{indicator.IPv4}}, "\x01other.example|198.51.100.7", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := values(conformance.FromRecords(dataType(t, c.dataType), c.info, c.records))
			if !slices.Equal(got, c.want) {
				t.Fatalf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestFromValues(t *testing.T) {
	cases := []struct {
		name     string
		dataType string
		values   []string
		want     []string
	}{
		{"unknown data type", "nope", []string{"bad.example"}, nil},
		{"domains", "domain", []string{"Bad.Example", "nope..x", "bad.example", "bücher.example"},
			[]string{"domain bad.example", "domain xn--bcher-kva.example"}},
		{"ipv4", "ipv4", []string{"198.51.100.7", "zz"}, []string{"ipv4 198.51.100.7"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := values(conformance.FromValues(c.dataType, c.values...))
			if !slices.Equal(got, c.want) {
				t.Fatalf("got %q, want %q", got, c.want)
			}
		})
	}
}

// TestSampleRecords checks that the seed records of a data type hold
// exactly the sample values of its MISP types, each after the byte naming
// its type's index.
func TestSampleRecords(t *testing.T) {
	cases := []struct {
		dataType string
		index    map[string]byte // MISP type -> its record byte: index + number of types, never NUL
	}{
		{"hassh-md5", map[string]byte{"hassh-md5": 1}},
		{"crypto-currency", map[string]byte{"btc": 2, "xmr": 3}},
		{"email-address", map[string]byte{"email-dst": 2, "email-src": 3}},
	}
	for _, c := range cases {
		t.Run(c.dataType, func(t *testing.T) {
			var recs []string
			for _, a := range conformance.SampleAttributes() {
				if j, ok := c.index[a.Type]; ok {
					recs = append(recs, string([]byte{j})+a.Value)
				}
			}
			if len(recs) == 0 {
				t.Fatal("no sample attribute of the data type")
			}
			if got, want := conformance.SampleRecords(dataType(t, c.dataType)), strings.Join(recs, "\x00"); got != want {
				t.Fatalf("got %q, want %q", got, want)
			}
		})
	}
}

func TestDropTotal(t *testing.T) {
	cases := []struct {
		name  string
		drops map[string]int
		want  int
	}{
		{"nil", nil, 0},
		{"one", map[string]int{"a": 3}, 3},
		{"several", map[string]int{"a": 3, "b": 1, "c": 0}, 4},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := (conformance.Rendered{Drops: c.drops}).DropTotal(); got != c.want {
				t.Fatalf("got %d, want %d", got, c.want)
			}
		})
	}
}
