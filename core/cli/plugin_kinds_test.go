package cli

import (
	"context"
	"errors"
	"io"
	"iter"
	"log/slog"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

// downPlugin is a plugin renderer that cannot start: its Info is what it
// declared when it last ran, and every check fails as a plugin fault.
type downPlugin struct{ info renderers.Info }

type downFault struct{}

func (downFault) Error() string                         { return "plugin kinds: not running" }
func (downFault) PluginFault() (plugin string, _ error) { return "kinds", errors.New("not running") }

func (d downPlugin) Info() renderers.Info                  { return d.info }
func (downPlugin) ValidateOptions(map[string]string) error { return downFault{} }
func (downPlugin) Render(context.Context, io.Writer, renderers.Request, iter.Seq[indicator.Indicator]) error {
	return downFault{}
}

// TestSiteOptionsOfADownPluginHeldToTheirKinds: while a plugin is down, a
// site file's option values are checked against the kinds the plugin
// declared (as the plugin's own ParseOptions would), and only those: a
// string option takes any value.
func TestSiteOptionsOfADownPluginHeldToTheirKinds(t *testing.T) {
	registry := renderers.Builtin().Clone()
	if err := registry.Add(downPlugin{renderers.Info{Name: "kinds", Description: "A plugin with options of every kind", ContentType: "text/plain", Extension: ".txt",
		Types: []indicator.Type{indicator.IPv4}, Options: []renderers.Option{
			{Name: "comments", Default: "true", Kind: renderers.KindBool},
			{Name: "max_entries", Default: "0", Kind: renderers.KindInt, Min: 0, Max: 1000},
			{Name: "policy", Default: "nxdomain", Kind: renderers.KindEnum, Values: []string{"nxdomain", "nodata"}, FoldCase: true},
			{Name: "header"},
		}}}); err != nil {
		t.Fatal(err)
	}
	check := rendererCheck(registry, slog.New(slog.DiscardHandler))
	for _, tc := range []struct {
		name    string
		opts    map[string]string
		wantErr string
	}{
		{"values of their kinds", map[string]string{"comments": "false", "max_entries": "1000", "policy": "NODATA", "header": "any text"}, ""},
		{"no options", map[string]string{}, ""},
		{"not a bool", map[string]string{"comments": "maybe"}, `renderer kinds: option comments: want true or false; got "maybe"`},
		{"out of the int range", map[string]string{"max_entries": "1001"}, `renderer kinds: option max_entries: want a whole number from 0 to 1000; got "1001"`},
		{"not a number", map[string]string{"max_entries": "50k"}, `option max_entries: want a whole number from 0 to 1000; got "50k"`},
		{"not one of the values", map[string]string{"policy": "drop"}, `renderer kinds: option policy: want one of nxdomain, nodata; got "drop"`},
		{"undeclared", map[string]string{"colour": "red"}, `unknown option "colour"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := check("kinds", tc.opts)
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Errorf("check = %v, want %q", err, tc.wantErr)
			}
		})
	}
}
