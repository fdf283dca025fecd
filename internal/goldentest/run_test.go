package goldentest

import (
	"context"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

// echo writes the request and each value it receives, and drops URLs.
type echo struct{}

func (echo) Info() renderers.Info {
	return renderers.Info{Name: "echo", Extension: ".txt", Types: []indicator.Type{indicator.IPv4, indicator.URL}}
}

func (echo) Render(_ context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
	fmt.Fprintf(w, "%s %s %s %s %v\n", req.Site, req.Feed, req.DataType, req.Generated.Format(time.RFC3339), req.Options)
	for x := range in {
		if x.Type == indicator.URL {
			req.Drop("url", 1)
			continue
		}
		fmt.Fprintf(w, "%s %d\n", x.Value, x.EventID)
	}
	return nil
}

func writeCase(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	gen := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	req := renderers.Request{Site: "s", Feed: "f", DataType: "ipv4", Generated: gen, Options: map[string]string{"k": "v"}}
	ins := []indicator.Indicator{{Type: indicator.IPv4, Value: "198.51.100.7", EventID: 3, ToIDS: true, UUID: "u"}}
	dir := filepath.Join(t.TempDir(), "case")
	writeCase(t, dir, map[string]string{"request.json": string(MarshalRequest(req)), "input.jsonl": string(MarshalInput(ins))})
	c, err := ReadCase(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Request.Renderers(); got.Site != "s" || got.Feed != "f" || got.DataType != "ipv4" || !got.Generated.Equal(gen) || got.Options["k"] != "v" {
		t.Errorf("request = %+v", got)
	}
	if len(c.Input) != 1 || c.Input[0] != ins[0] {
		t.Errorf("input = %+v, want %+v", c.Input, ins)
	}
}

func TestReadCaseRefusesUnknownFields(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "case")
	writeCase(t, dir, map[string]string{"request.json": `{"site":"s","feed":"f","generated":"2026-01-02T03:04:05Z","colour":"red"}`})
	if _, err := ReadCase(dir); err == nil {
		t.Error("ReadCase accepted an unknown request field")
	}
	writeCase(t, dir, map[string]string{"request.json": `{"site":"s","feed":"f","generated":"2026-01-02T03:04:05Z"}`, "input.jsonl": `{"type":"ipv4","value":"198.51.100.7","ttl":3}` + "\n"})
	if _, err := ReadCase(dir); err == nil {
		t.Error("ReadCase accepted an unknown indicator field")
	}
}

func TestCheck(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a")
	writeCase(t, dir, map[string]string{
		"request.json": `{"data_type":"ipv4","site":"s","feed":"f","generated":"2026-01-02T03:04:05Z"}`,
		"input.jsonl":  `{"type":"ipv4","value":"198.51.100.7","event_id":9}` + "\n" + `{"type":"domain","value":"bad.example"}` + "\n" + `{"type":"url","value":"http://x/"}` + "\n",
		"output.txt":   "s f ipv4 2026-01-02T03:04:05Z map[]\n198.51.100.7 9\n",
		"drops.txt":    "url: 1\n",
	})
	c, err := ReadCase(dir)
	if err != nil {
		t.Fatal(err)
	}
	Check(t, echo{}, c) // matches: the domain is filtered out, the URL dropped

	os.WriteFile(filepath.Join(dir, "drops.txt"), nil, 0o644)
	ft := &testing.T{}
	done := make(chan struct{})
	go func() { defer close(done); Check(ft, echo{}, c) }()
	<-done
	if !ft.Failed() {
		t.Error("Check passed with a wrong drops.txt")
	}
}
