package plugins

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/internal/testtool"
	"github.com/cratos-project/cratos/renderers"
)

// testPlugins builds the test plugin binaries once per test run.
var testPlugins = testtool.GoBuild{Packages: []string{"./example/routeros", "./testdata/faulty", "./testdata/garbage"}}

func TestMain(m *testing.M) {
	code := m.Run()
	testPlugins.Remove()
	os.Exit(code)
}

// binary returns the path of a test plugin binary (routeros, faulty,
// garbage), building all of them once per test run.
func binary(t testing.TB, name string) string {
	t.Helper()
	return filepath.Join(testPlugins.Dir(t), name)
}

// copyBinary copies the binary to dir under a new name.
func copyBinary(t *testing.T, src, name string) string {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(dst, b, 0o755); err != nil {
		t.Fatal(err)
	}
	return dst
}

// logRecorder keeps log records as attribute maps.
type logRecorder struct {
	mu      sync.Mutex
	records []map[string]string
}

func (l *logRecorder) Enabled(context.Context, slog.Level) bool { return true }

func (l *logRecorder) WithAttrs([]slog.Attr) slog.Handler { return l }

func (l *logRecorder) WithGroup(string) slog.Handler { return l }

func (l *logRecorder) Handle(_ context.Context, r slog.Record) error {
	m := map[string]string{"msg": r.Message, "level": r.Level.String()}
	r.Attrs(func(a slog.Attr) bool { m[a.Key] = a.Value.String(); return true })
	l.mu.Lock()
	l.records = append(l.records, m)
	l.mu.Unlock()
	return nil
}

// waitFor polls until some record has all of want's attributes.
func (l *logRecorder) waitFor(t *testing.T, want map[string]string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		l.mu.Lock()
		found := slices.ContainsFunc(l.records, func(m map[string]string) bool {
			for k, v := range want {
				if m[k] != v {
					return false
				}
			}
			return true
		})
		l.mu.Unlock()
		if found {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	t.Fatalf("no log record with %v among %v", want, l.records)
}

func launch(t *testing.T, cfg Config) (*Plugin, *logRecorder) {
	t.Helper()
	rec := &logRecorder{}
	if cfg.SHA256 == "" {
		sum, err := SHA256File(cfg.Path)
		if err != nil {
			t.Fatal(err)
		}
		cfg.SHA256 = sum
	}
	cfg.Logger = slog.New(rec)
	p, err := Launch(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Launch: %v", err)
	}
	t.Cleanup(func() { p.Close() })
	return p, rec
}

func ips(n int) []indicator.Indicator {
	out := make([]indicator.Indicator, n)
	for i := range out {
		out[i] = indicator.Indicator{Type: indicator.IPv4, Value: fmt.Sprintf("198.51.%d.%d", i/256%256, i%256), EventID: int64(i + 1)}
	}
	return out
}

func render(r renderers.Renderer, feed string, in []indicator.Indicator) (string, error) {
	var buf bytes.Buffer
	err := r.Render(context.Background(), &buf, renderers.Request{Site: "misp.example", Feed: feed, Generated: time.Unix(1_800_000_000, 0).UTC()}, renderers.Slice(in))
	return buf.String(), err
}

// count returns how many records have all of want's attributes.
func (l *logRecorder) count(want map[string]string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, m := range l.records {
		match := true
		for k, v := range want {
			match = match && m[k] == v
		}
		if match {
			n++
		}
	}
	return n
}
