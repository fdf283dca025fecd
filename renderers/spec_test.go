package renderers

import (
	"reflect"
	"testing"

	"github.com/cratos-project/cratos/core/indicator"
)

var specInfo = Info{Name: "spec", Types: []indicator.Type{indicator.IPv4}, Options: []Option{
	{Name: "max", Default: "3", Kind: KindInt, Min: 1, Max: 10},
}}

// specDef reads max, refusing 7 with an error of its own.
type specDef struct{}

func (specDef) Info() Info { return specInfo }

func (specDef) Config(o Options) (int, error) {
	if n := o.Int("max"); n != 7 {
		return n, nil
	}
	return 0, OptionError(o.Renderer(), "max", "anything but 7", "7")
}

type specRenderer struct{ specOfDef }

type specOfDef = Spec[specDef, int]

var _ OptionValidator = specRenderer{}

func TestSpec(t *testing.T) {
	tests := []struct {
		name    string
		opts    map[string]string
		want    int
		wantErr string
	}{
		{name: "default", want: 3},
		{name: "set", opts: map[string]string{"max": "5"}, want: 5},
		{name: "checked by ParseOptions", opts: map[string]string{"max": "11"}, wantErr: `renderer spec: option max: want a whole number from 1 to 10; got "11"`},
		{name: "unknown", opts: map[string]string{"min": "1"}, wantErr: `renderer spec: unknown option "min" (valid: max)`},
		{name: "refused by Config", opts: map[string]string{"max": "7"}, wantErr: `renderer spec: option max: want anything but 7; got "7"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r specRenderer
			got, err := r.Parse(tt.opts)
			verr := r.ValidateOptions(tt.opts)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr || verr == nil || verr.Error() != tt.wantErr {
					t.Fatalf("Parse = %v, ValidateOptions = %v; want %q from both", err, verr, tt.wantErr)
				}
				return
			}
			if err != nil || verr != nil || got != tt.want {
				t.Fatalf("Parse = %d, %v, ValidateOptions = %v; want %d", got, err, verr, tt.want)
			}
		})
	}
}

// Info returns a copy: editing it leaves the declared Info alone.
func TestSpecInfoCopy(t *testing.T) {
	var r specRenderer
	info := r.Info()
	if !reflect.DeepEqual(info, specInfo) {
		t.Fatalf("Info = %+v, want %+v", info, specInfo)
	}
	info.Types[0] = indicator.IPv6
	info.Options[0].Default = "9"
	if specInfo.Types[0] != indicator.IPv4 || specInfo.Options[0].Default != "3" {
		t.Fatal("editing the Info changed the declared one")
	}
}
