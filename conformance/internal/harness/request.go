package harness

import (
	"fmt"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

// The Request fields of every render the checks make.
const (
	requestSite = "misp.conformance.example"
	requestFeed = "block"
)

var requestGenerated = time.Date(2026, 1, 2, 10, 5, 0, 0, time.UTC)

// Request is the request the checks render with: a fixed site, feed and
// snapshot time, and the given data type.
func Request(dataType string) renderers.Request {
	return renderers.Request{Site: requestSite, Feed: requestFeed, DataType: dataType, Generated: requestGenerated}
}

// Filter returns the indicators of ins whose type is in ts, in order.
func Filter(ins []indicator.Indicator, ts indicator.TypeSet) []indicator.Indicator {
	out := make([]indicator.Indicator, 0, len(ins))
	for _, in := range ins {
		if ts.Has(in.Type) {
			out = append(out, in)
		}
	}
	return out
}

// SafeInfo returns r.Info(), or an error when it panics.
func SafeInfo(r renderers.Renderer) (info renderers.Info, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("renderer panicked in Info: %v", p)
		}
	}()
	return r.Info(), nil
}

// SafeValidate returns renderers.ValidateOptions(r, opts), or an error
// when it panics.
func SafeValidate(r renderers.Renderer, opts map[string]string) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("renderer panicked in ValidateOptions: %v", p)
		}
	}()
	return renderers.ValidateOptions(r, opts)
}
