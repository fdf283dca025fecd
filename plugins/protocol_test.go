package plugins

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/plugins/proto"
	"github.com/cratos-project/cratos/renderers"
)

func TestTypeTableCoversEveryType(t *testing.T) {
	for _, typ := range indicator.AllTypes() {
		t.Run(typ.String(), func(t *testing.T) {
			w := typeToWire[typ]
			ok := w != proto.IndicatorType_INDICATOR_TYPE_INVALID
			if !ok {
				t.Fatalf("type %v has no wire value: add it to renderer.proto", typ)
			}
			if back := typeFromWire[w]; back != typ {
				t.Fatalf("wire %v maps back to %v", w, back)
			}
		})
	}
	if n := len(proto.IndicatorType_name) - 1; n != len(indicator.AllTypes()) {
		t.Fatalf("renderer.proto has %d indicator types, core/indicator %d", n, len(indicator.AllTypes()))
	}
}

func TestTimeRoundTrip(t *testing.T) {
	instant := time.Date(2026, 11, 22, 23, 5, 7, 123456789, time.UTC)
	tests := []struct {
		name string
		in   time.Time
	}{
		{"zero", time.Time{}},
		{"utc", instant},
		{"fixed zone", instant.In(time.FixedZone("CET", 3600))},
		{"negative offset", instant.In(time.FixedZone("EST", -5*3600))},
		{"unnamed zone", instant.In(time.FixedZone("", 5*3600+1800))},
		{"before 1970", time.Date(1969, 7, 20, 20, 17, 40, 5, time.UTC)},
	}
	layouts := []string{time.RFC3339Nano, time.RFC1123Z, time.RFC1123, "2006-01-02 15:04:05.000 MST -0700", time.Kitchen}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h proto.Header
			encodeTime(&h, tt.in)
			got := decodeTime(&h)
			if !got.Equal(tt.in) {
				t.Fatalf("instant %v, want %v", got, tt.in)
			}
			if got.IsZero() != tt.in.IsZero() {
				t.Fatalf("IsZero %v, want %v", got.IsZero(), tt.in.IsZero())
			}
			for _, l := range layouts {
				if g, w := got.Format(l), tt.in.Format(l); g != w {
					t.Errorf("Format(%q) = %q, want %q", l, g, w)
				}
			}
		})
	}
}

func TestCheckName(t *testing.T) {
	var builtin renderers.Registry
	if err := builtin.Add(fakeRenderer{name: "edl"}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		wantErr string
	}{
		{"routeros", ""},
		{"my-format_2.v1", ""},
		{"edl", `plugins: name "edl" is taken by a built-in renderer`},
		{"", `plugins: name "" is not a valid renderer name (lower-case letters, digits, '.', '_' and '-', at most 63)`},
		{"RouterOS", `plugins: name "RouterOS" is not a valid renderer name (lower-case letters, digits, '.', '_' and '-', at most 63)`},
		{"a/b", `plugins: name "a/b" is not a valid renderer name (lower-case letters, digits, '.', '_' and '-', at most 63)`},
		{"-x", `plugins: name "-x" is not a valid renderer name (lower-case letters, digits, '.', '_' and '-', at most 63)`},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q", tt.name), func(t *testing.T) {
			err := CheckName(tt.name, &builtin)
			if got := errString(err); got != tt.wantErr {
				t.Fatalf("CheckName = %q, want %q", got, tt.wantErr)
			}
		})
	}
}

func TestErrorUnwraps(t *testing.T) {
	err := error(&Error{Plugin: "x", Err: fmt.Errorf("render: %w", ErrRenderTimeout)})
	if got, want := err.Error(), "plugin x: render: plugin render deadline exceeded"; got != want {
		t.Fatalf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(err, ErrRenderTimeout) {
		t.Fatal("errors.Is(err, ErrRenderTimeout) = false")
	}
	var pe *Error
	if !errors.As(fmt.Errorf("export: %w", err), &pe) || pe.Plugin != "x" {
		t.Fatalf("errors.As = %v", pe)
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
