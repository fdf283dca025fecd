package goldentest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

// Request is the content of a case's request.json.
type Request struct {
	DataType  string            `json:"data_type,omitempty"`
	Options   map[string]string `json:"options,omitempty"`
	Site      string            `json:"site"`
	Feed      string            `json:"feed"`
	Age       string            `json:"age,omitempty"`
	Generated time.Time         `json:"generated"`
}

// Renderers returns r as a renderers.Request.
func (r Request) Renderers() renderers.Request {
	return renderers.Request{Site: r.Site, Feed: r.Feed, DataType: r.DataType, Age: r.Age, Generated: r.Generated, Options: r.Options}
}

// Indicator is one line of a case's input.jsonl.
type Indicator struct {
	Type      indicator.Type `json:"type"`
	Value     string         `json:"value"`
	MISPType  string         `json:"misp_type,omitempty"`
	Category  string         `json:"category,omitempty"`
	UUID      string         `json:"uuid,omitempty"`
	EventID   int64          `json:"event_id,omitempty"`
	Timestamp int64          `json:"timestamp,omitempty"`
	ToIDS     bool           `json:"to_ids,omitempty"`
}

func fromIndicator(x indicator.Indicator) Indicator {
	return Indicator{x.Type, x.Value, x.MISPType, x.Category, x.UUID, x.EventID, x.Timestamp, x.ToIDS}
}

func (x Indicator) indicator() indicator.Indicator {
	return indicator.Indicator{Type: x.Type, Value: x.Value, MISPType: x.MISPType, Category: x.Category,
		UUID: x.UUID, EventID: x.EventID, Timestamp: x.Timestamp, ToIDS: x.ToIDS}
}

// Case is one golden case read from testdata/<name>.
type Case struct {
	Name    string
	Dir     string
	Request Request
	Input   []indicator.Indicator
}

// ReadCase reads the case in dir.
func ReadCase(dir string) (Case, error) {
	c := Case{Name: filepath.Base(dir), Dir: dir}
	b, err := os.ReadFile(filepath.Join(dir, "request.json"))
	if err != nil {
		return c, err
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(&c.Request); err != nil {
		return c, fmt.Errorf("%s/request.json: %v", dir, err)
	}
	c.Input, err = ReadInput(filepath.Join(dir, "input.jsonl"))
	return c, err
}

// ReadInput reads an input.jsonl file; a missing file is an empty input.
func ReadInput(path string) ([]indicator.Indicator, error) {
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []indicator.Indicator
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var x Indicator
		d := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		d.DisallowUnknownFields()
		if err := d.Decode(&x); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, n, err)
		}
		out = append(out, x.indicator())
	}
	return out, sc.Err()
}

// MarshalInput returns ins as the content of an input.jsonl file.
func MarshalInput(ins []indicator.Indicator) []byte {
	var b bytes.Buffer
	for _, x := range ins {
		line, err := json.Marshal(fromIndicator(x))
		if err != nil {
			panic(err) // the fields are plain values
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// MarshalRequest returns req as the content of a request.json file.
func MarshalRequest(req renderers.Request) []byte {
	b, err := json.MarshalIndent(Request{DataType: req.DataType, Options: req.Options, Site: req.Site, Feed: req.Feed, Age: req.Age, Generated: req.Generated}, "", "  ")
	if err != nil {
		panic(err)
	}
	return append(b, '\n')
}
