package rpz

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/renderers"
)

// The SOA serial is the site's option when set, else the caller's content
// serial, else the unix time of Generated.
func TestSerialSource(t *testing.T) {
	cases := []struct {
		name   string
		opts   map[string]string
		serial uint32
		want   string
	}{
		{"content serial", nil, 1767323999, "@ SOA localhost. hostmaster.localhost. 1767323999 "},
		{"the option wins", map[string]string{"serial": "42"}, 1767323999, "@ SOA localhost. hostmaster.localhost. 42 "},
		{"neither", nil, 0, "@ SOA localhost. hostmaster.localhost. 1767323045 "},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := request(tc.opts, map[string]int{})
			req.Serial = tc.serial
			var buf bytes.Buffer
			if err := (Renderer{}).Render(context.Background(), &buf, req, renderers.Slice(nil)); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(buf.String(), "\n"+tc.want) {
				t.Fatalf("no %q in\n%s", tc.want, buf.String())
			}
			recs, err := Records(context.Background(), req, renderers.Slice(nil))
			if err != nil || len(recs) == 0 {
				t.Fatalf("records: %v", err)
			}
		})
	}
}
