package export

import (
	"slices"
	"testing"

	"github.com/cratos-project/cratos/core/indicator"
)

// TestStripSchemes: a Palo Alto URL list loses only a leading scheme; a
// URL in a scheme-less URL's query is the redirector's argument, and
// cutting at its "://" would list the redirect target's whole site.
func TestStripSchemes(t *testing.T) {
	in := []indicator.Indicator{
		{Type: indicator.URL, Value: "bad.example/r?u=http://x.example/"},
		{Type: indicator.URL, Value: "https://bad.example/r?u=http://x.example/"},
		{Type: indicator.URL, Value: "http://a.example/x"},
		{Type: indicator.Hostname, Value: "b.example"},
	}
	var got []string
	for i := range stripSchemes(slices.Values(in)) {
		got = append(got, i.Type.String()+" "+i.Value)
	}
	want := []string{"hostname b.example", "url a.example/x", "url bad.example/r?u=http://x.example/"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}
