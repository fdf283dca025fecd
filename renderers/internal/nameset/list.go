package nameset

import (
	"context"
	"fmt"
	"io"
	"iter"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
	"github.com/cratos-project/cratos/renderers/internal/feedlist"
)

// The options of a resolver renderer that answers blocked names with a
// sinkhole: the addresses of its A and AAAA answers.
const (
	OptA    = "sinkhole_a"
	OptAAAA = "sinkhole_aaaa"
)

// Info returns the Info of a resolver renderer: a .conf text file of the
// names (Domain and Hostname values) it blocks, with the enum option mode
// that says how it answers them and the options OptA and OptAAAA, which a
// and aaaa describe (what an empty value means in its format).
func Info(name, description string, mode renderers.Option, a, aaaa string) renderers.Info {
	return renderers.Info{
		Name:        name,
		Reads:       renderers.FieldValue,
		Description: description,
		ContentType: "text/plain; charset=utf-8",
		Extension:   ".conf",
		Types:       []indicator.Type{indicator.Domain, indicator.Hostname},
		Options: []renderers.Option{
			mode,
			{Name: OptA, Default: "0.0.0.0", Description: a},
			{Name: OptAAAA, Default: "::", Description: aaaa},
		},
	}
}

// Sinkholes are the answers a blocked name gets, in canonical text; ""
// is none.
type Sinkholes struct {
	A, AAAA string
}

// Answer is how a resolver renderer answers a blocked name: the value of
// its mode option and the sinkhole addresses.
type Answer struct {
	Mode string
	Sinkholes
}

// ReadMode reads the options of a resolver renderer: the enum option
// mode names how a blocked name is answered, and its value sinkhole
// answers with the sinkholes, which it needs at least one of.
func ReadMode(o renderers.Options, mode, sinkhole string) (Answer, error) {
	a := Answer{Mode: o.Enum(mode)}
	var err error
	if a.A, err = o.Address(OptA, false); err != nil {
		return Answer{}, err
	}
	if a.AAAA, err = o.Address(OptAAAA, true); err != nil {
		return Answer{}, err
	}
	if a.Mode == sinkhole && a.A == "" && a.AAAA == "" {
		return Answer{}, fmt.Errorf("renderer %s: %s %s needs %s or %s", o.Renderer(), mode, sinkhole, OptA, OptAAAA)
	}
	return a, nil
}

// NotName ends the reason under which a resolver renderer drops an
// indicator that is not a name: "<renderer> value that is not a DNS name".
const NotName = "value that is not a DNS name"

// Render writes a resolver's block list: head, then what line appends
// for each name of the Set (in its order), answered as parse reads
// req.Options. An indicator that is not a name is dropped as "renderer
// NotName", the Set's refusals are reported prefixed with renderer, and
// every error is wrapped as "renderer: render: ...".
func Render(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator], renderer, head string,
	parse func(opts map[string]string) (Answer, error), line func(b []byte, name string, a Answer) []byte) error {
	return feedlist.Stream(ctx, w, req, renderer, parse, func(o *renderers.Out, a Answer, d feedlist.Drops) error {
		set := Collect(o, in, d, renderer, renderer+" "+NotName)
		if err := o.Err(); err != nil {
			return err
		}
		o.WriteString(head)
		feedlist.WriteEach(o, set.Names(d, renderer), func(b []byte, name string) []byte {
			return line(b, name, a)
		})
		return nil
	})
}
