package conformance

import (
	"context"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/renderers"
)

// unnamed is linesRenderer with an empty name, which the contract refuses.
type unnamed struct{ linesRenderer }

func (u unnamed) Info() renderers.Info {
	info := u.linesRenderer.Info()
	info.Name = ""
	return info
}

func TestCheck(t *testing.T) {
	if err := Check(context.Background(), linesRenderer{}); err != nil {
		t.Fatalf("Check(linesRenderer) = %v", err)
	}
	err := Check(context.Background(), unnamed{})
	if err == nil || !strings.HasPrefix(err.Error(), "conformance: conformance.unnamed: info: ") {
		t.Fatalf("Check(unnamed) = %v, want an info failure", err)
	}
}
