package renderers

import (
	"context"
	"iter"

	"github.com/cratos-project/cratos/core/indicator"
)

// File is an extra file that a rendered list refers to by name.
type File struct {
	Name string
	Body []byte
}

// Companioned is implemented by renderers whose output refers to other
// files (Suricata rules naming hash list files). A packaged download (a
// .tar.gz for suricata-update) carries those files next to the list.
type Companioned interface {
	Companions(ctx context.Context, req Request, in iter.Seq[indicator.Indicator]) ([]File, error)
}
