package plugins

import (
	"fmt"
	"testing"

	"github.com/cratos-project/cratos/renderers"
)

// kindsRenderer declares an option of every kind.
type kindsRenderer struct{ fakeRenderer }

func (k kindsRenderer) Info() renderers.Info {
	info := k.fakeRenderer.Info()
	info.Options = []renderers.Option{
		{Name: "label", Default: "cratos", Description: "any text"},
		{Name: "upper", Default: "false", Description: "upper case", Kind: renderers.KindBool},
		{Name: "ttl", Default: "60", Description: "seconds", Kind: renderers.KindInt, Min: 1, Max: 86400},
		{Name: "limit", Default: "0", Description: "entries", Kind: renderers.KindInt},
		{Name: "action", Default: "drop", Description: "what to do", Kind: renderers.KindEnum, Values: []string{"drop", "reject"}, FoldCase: true},
	}
	return info
}

// TestOptionKindsCrossTheBridge checks that the host sees a plugin's
// options as the plugin declares them, kinds, bounds and values included,
// and that the host's own checks of their values (ParseOptions) give the
// plugin's verdicts.
func TestOptionKindsCrossTheBridge(t *testing.T) {
	r := kindsRenderer{fakeRenderer{name: "kinds"}}
	c := loopback(t, r)
	if got, want := fmt.Sprintf("%+v", c.Info().Options), fmt.Sprintf("%+v", r.Info().Options); got != want {
		t.Fatalf("options over the bridge:\n%s\nwant:\n%s", got, want)
	}
	tests := []struct {
		name    string
		opts    map[string]string
		wantErr string
	}{
		{"defaults", nil, ""},
		{"enum in other case", map[string]string{"action": "REJECT"}, ""},
		{"bool", map[string]string{"upper": "maybe"}, `renderer kinds: option upper: want true or false; got "maybe"`},
		{"int out of range", map[string]string{"ttl": "0"}, `renderer kinds: option ttl: want a whole number from 1 to 86400; got "0"`},
		{"enum", map[string]string{"action": "allow"}, `renderer kinds: option action: want one of drop, reject; got "allow"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := renderers.ParseOptions(c.Info(), tt.opts)
			if got := errString(err); got != tt.wantErr {
				t.Fatalf("ParseOptions over the bridge = %q, want %q", got, tt.wantErr)
			}
		})
	}
}
