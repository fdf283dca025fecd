package fortinet

import (
	"strings"
	"testing"

	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/core/indicator"
)

// TestLineLength checks that a category entry whose line would pass
// FortiOS's 4K line limit is left out and reported, and one that fits
// is kept.
func TestLineLength(t *testing.T) {
	// "http://a.example/" is 17 bytes: a path of n 'x' gives an entry of
	// 17+n bytes and a line of 18+n.
	fits := "http://a.example/" + strings.Repeat("x", MaxLineLen-18)
	over := "http://b.example/" + strings.Repeat("x", MaxLineLen-17)
	rendertest.TypedRows(t, Renderer{}, rendertest.Request, []rendertest.TypedRow{
		{"a line of 4096 bytes is kept", "url", nil, []indicator.Indicator{ind(indicator.URL, fits, 0)},
			fits + "\n", nil},
		{"a line of 4097 bytes is left out", "url", nil, []indicator.Indicator{ind(indicator.URL, fits, 0), ind(indicator.URL, over, 0)},
			fits + "\n", map[string]int{DropTooLong: 1}},
	}, nil)
}
