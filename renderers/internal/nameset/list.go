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

// SinkholeOptions declares OptA and OptAAAA; a and aaaa describe what an
// empty value means in the renderer's format.
func SinkholeOptions(a, aaaa string) []renderers.Option {
	return []renderers.Option{
		{Name: OptA, Default: "0.0.0.0", Description: a},
		{Name: OptAAAA, Default: "::", Description: aaaa},
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

// ParseMode reads the options of a resolver renderer: the enum option
// mode names how a blocked name is answered, and its value sinkhole
// answers with the sinkholes, which it needs at least one of.
func ParseMode(info renderers.Info, opts map[string]string, mode, sinkhole string) (Answer, error) {
	o, err := renderers.ParseOptions(info, opts)
	if err != nil {
		return Answer{}, err
	}
	a := Answer{Mode: o.Enum(mode)}
	if a.A, err = o.Address(OptA, false); err != nil {
		return Answer{}, err
	}
	if a.AAAA, err = o.Address(OptAAAA, true); err != nil {
		return Answer{}, err
	}
	if a.Mode == sinkhole && a.A == "" && a.AAAA == "" {
		return Answer{}, fmt.Errorf("renderer %s: %s %s needs %s or %s", info.Name, mode, sinkhole, OptA, OptAAAA)
	}
	return a, nil
}

// NotName ends the reason under which a resolver renderer drops an
// indicator that is not a name: "<renderer> value that is not a DNS name".
const NotName = "value that is not a DNS name"

// BlockList is a resolver's block list format: the names among the input,
// each answered as the options say.
type BlockList struct {
	Renderer string                                       // prefixes drop reasons and errors
	Head     string                                       // the text before the first name
	Parse    func(opts map[string]string) (Answer, error) // reads Request.Options
	// Line appends the lines of one name to b.
	Line func(b []byte, name string, a Answer) []byte
}

// Render writes the block list: Head, then the lines of each name of the
// Set (in its order). An indicator that is not a name is dropped as
// "Renderer NotName", the Set's refusals are reported prefixed with
// Renderer, and every error is wrapped as "Renderer: render: ...".
func (l BlockList) Render(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
	a, err := l.Parse(req.Options)
	if err != nil {
		return fmt.Errorf("%s: render: %w", l.Renderer, err)
	}
	o := renderers.NewOut(ctx, w)
	d := feedlist.Drops{}
	set := Collect(o, in, d, l.Renderer, l.Renderer+" "+NotName)
	if err := o.Err(); err != nil {
		return fmt.Errorf("%s: render: %w", l.Renderer, err)
	}
	o.WriteString(l.Head)
	feedlist.WriteEach(o, set.Names(d, l.Renderer), func(b []byte, name string) []byte {
		return l.Line(b, name, a)
	})
	d.Report(req)
	if err := o.Close(); err != nil {
		return fmt.Errorf("%s: render: %w", l.Renderer, err)
	}
	return nil
}
