package renderers

import (
	"context"
	"io"
	"iter"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/core/indicator"
)

func goodInfo() Info {
	return Info{Name: "lines", Description: "one value per line", ContentType: "text/plain; charset=utf-8",
		Extension: ".txt", Types: []indicator.Type{indicator.IPv4}, Options: []Option{{Name: "upper"}}}
}

func TestValidName(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"edl", true}, {"stix21", true}, {"routeros", true}, {"my-list", true}, {"a.b_c", true},
		{"0day", true}, {strings.Repeat("a", 63), true},
		{"", false}, {"Edl", false}, {"-x", false}, {".x", false}, {"a/b", false}, {"a b", false},
		{strings.Repeat("a", 64), false}, {"é", false},
	}
	for _, tt := range tests {
		if got := ValidName(tt.name); got != tt.ok {
			t.Errorf("ValidName(%q) = %v, want %v", tt.name, got, tt.ok)
		}
	}
}

func TestInfoValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Info)
		want []string
	}{
		{"valid", func(*Info) {}, nil},
		{"bad name", func(i *Info) { i.Name = "Bad_Name" }, []string{`Name "Bad_Name" must match`}},
		{"two-line description", func(i *Info) { i.Description = "a\nb" }, []string{"Description"}},
		{"bad content type", func(i *Info) { i.ContentType = "not a type" }, []string{`ContentType "not a type"`}},
		{"extension without dot", func(i *Info) { i.Extension = "txt" }, []string{`Extension "txt"`}},
		{"no types", func(i *Info) { i.Types = nil }, []string{"Types is empty"}},
		{"bad types", func(i *Info) { i.Types = []indicator.Type{indicator.Invalid, 200, indicator.IPv4, indicator.IPv4} },
			[]string{"indicator.Invalid", "unknown type 200", "ipv4 twice"}},
		{"bad options", func(i *Info) { i.Options = []Option{{Name: "a"}, {Name: "a"}, {Name: " "}} },
			[]string{`option "a" is declared twice`, "an option has an empty name"}},
		{"bad typed options", func(i *Info) {
			i.Options = []Option{{Name: "e", Kind: KindEnum}, {Name: "b", Default: "yes", Kind: KindBool}, {Name: "n", Default: "9", Kind: KindInt, Max: 5}}
		}, []string{`option "e" is an enum without values`, `option "b": its default "yes" does not fit: want true or false`, `option "n": its default`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info := goodInfo()
			tt.edit(&info)
			err := info.Validate()
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			if err == nil || len(info.Problems()) != len(tt.want) {
				t.Fatalf("Validate = %v, want %d problems", err, len(tt.want))
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate = %v, want it to contain %q", err, w)
				}
			}
		})
	}
}

type infoOnly Info

func (r infoOnly) Info() Info { return Info(r) }
func (infoOnly) Render(context.Context, io.Writer, Request, iter.Seq[indicator.Indicator]) error {
	return nil
}

func TestRegistryAddValidates(t *testing.T) {
	var g Registry
	bad := goodInfo()
	bad.Name = "Bad"
	if err := g.Add(infoOnly(bad)); err == nil || !strings.Contains(err.Error(), `Name "Bad" must match`) {
		t.Errorf("Add(bad name) = %v", err)
	}
	if err := g.Add(infoOnly(goodInfo())); err != nil {
		t.Fatalf("Add = %v", err)
	}
	if err := g.Add(infoOnly(goodInfo())); err == nil || !strings.Contains(err.Error(), "already registered") {
		t.Errorf("Add(twice) = %v", err)
	}
	if names := g.Names(); len(names) != 1 || names[0] != "lines" {
		t.Errorf("Names = %v", names)
	}
}
