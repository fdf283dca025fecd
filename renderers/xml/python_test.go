package xml_test

import (
	"bytes"
	"context"
	"os/exec"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/internal/testtool"
	"github.com/cratos-project/cratos/renderers"
	"github.com/cratos-project/cratos/renderers/xml"
)

// pythonParse parses doc with Python's xml.etree (expat), as the
// original's consumers do.
func pythonParse(t *testing.T, python, doc string) error {
	t.Helper()
	cmd := exec.Command(python, "-c", "import sys, xml.etree.ElementTree as E; E.fromstring(sys.stdin.buffer.read())")
	cmd.Stdin = strings.NewReader(doc)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return &parseError{stderr.String()}
	}
	return nil
}

type parseError struct{ msg string }

func (e *parseError) Error() string { return e.msg }

func TestPythonParsesEveryDocument(t *testing.T) {
	python := testtool.Require(t, "python3", "python3")
	tests := []struct {
		name, value, header string
	}{
		{"ASCII keeps the original's declaration", "198.51.100.7", xml.Header},
		{"non-ASCII declares UTF-8", "Ünïcödé – 日本語", xml.HeaderUTF8},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			in := []indicator.Indicator{{Type: indicator.EmailSubject, Value: tc.value}}
			if err := (xml.Renderer{}).Render(context.Background(), &buf, renderers.Request{DataType: "email-subject"}, renderers.Slice(in)); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(buf.String(), tc.header) {
				t.Fatalf("document %q, want declaration %q", buf.String(), tc.header)
			}
			if err := pythonParse(t, python, buf.String()); err != nil {
				t.Errorf("Python refuses %q: %v", buf.String(), err)
			}
		})
	}
	// Why: the original's declaration with a non-ASCII value.
	if err := pythonParse(t, python, xml.Header+"<e><entry>Ü</entry></e>"); err == nil {
		t.Log("this Python accepts encoding='utf8' with non-ASCII text")
	}
}
