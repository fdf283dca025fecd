package contract

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestCheckPluginBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the example plugin")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on PATH: cannot build the example plugin")
	}
	bin := filepath.Join(t.TempDir(), "routeros")
	if out, err := exec.Command(goTool, "build", "-o", bin, "../../plugins/example/routeros").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
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
