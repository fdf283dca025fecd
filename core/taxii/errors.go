package taxii

import (
	"strconv"

	"github.com/cratos-project/cratos/internal/jsonstr"
)

// Error is a TAXII error message with its HTTP status.
type Error struct {
	Status      int
	Title       string
	Description string
}

func (e *Error) Error() string { return e.Title }

// JSON returns the TAXII 2.1 error message body.
func (e *Error) JSON() []byte {
	b := []byte(`{"title":"`)
	b = jsonstr.AppendEscaped(b, e.Title)
	if e.Description != "" {
		b = append(b, `","description":"`...)
		b = jsonstr.AppendEscaped(b, e.Description)
	}
	b = append(b, `","http_status":"`...)
	b = strconv.AppendInt(b, int64(e.Status), 10)
	return append(b, `"}`...)
}
