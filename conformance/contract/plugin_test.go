package contract

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/internal/testtool"
)

func TestCheckPluginBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the example plugin")
	}
	dir := t.TempDir()
	testtool.GoBuildTo(t, dir, "../../plugins/example/routeros")
	bin := filepath.Join(dir, "routeros")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := CheckPluginBinary(ctx, bin); err != nil {
		t.Fatalf("CheckPluginBinary: %v", err)
	}
	missing := filepath.Join(t.TempDir(), "missing")
	if err := CheckPluginBinary(ctx, missing); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Fatalf("CheckPluginBinary(%s) = %v, want a missing file error", missing, err)
	}
}
