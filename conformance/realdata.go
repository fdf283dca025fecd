package conformance

import (
	"bufio"
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/cratos-project/cratos/conformance/internal/harness"
	"github.com/cratos-project/cratos/core/indicator"
)

// Rejected is one raw value an extractor refused as invalid.
type Rejected struct {
	Source   string // file name, with the event or line it came from
	MISPType string
	Value    string
}

// RealData returns every indicator obtainable from the shared real data
// (../shared/data next to the module root, or $CRATOS_SHARED_DATA), in
// canonical order, and the extraction statistics per data type name.
//
// The MISP events (all three wrapper forms; attributes of events and of
// their objects) and the indicator lists (domains.txt as MISP domain and
// hostname, ips.txt as ip-dst, urls.txt as url, hashes.txt as md5, sha1 or
// sha256 by length; uris.txt is left out, a MISP uri is not a URL) go
// through the Extractor of every data type whose MISP types contain the
// attribute's type, and the union is Normalized. IPv4 nets are kept as
// nets rather than expanded by ipv4ext, so the corpus keeps its real size.
//
// When the data is absent (a fresh clone, a plugin's repository) it logs
// so and returns Generated(50_000, 1) with no statistics. The files are
// read once per test binary; every call returns a new slice.
func RealData(tb testing.TB) ([]indicator.Indicator, map[string]indicator.Stats) {
	tb.Helper()
	c := realCorpus(tb)
	return slices.Clone(c.ins), maps.Clone(c.stats)
}

// RealIndicators returns the indicators of RealData.
func RealIndicators(tb testing.TB) []indicator.Indicator {
	tb.Helper()
	return slices.Clone(realCorpus(tb).ins)
}

// RealRejected returns, per data type name, the raw values of the shared
// real data its extractor refused as invalid, so a test can show what was
// dropped and why. It is empty when the data is absent.
func RealRejected(tb testing.TB) map[string][]Rejected {
	tb.Helper()
	c := realCorpus(tb)
	out := make(map[string][]Rejected, len(c.rejected))
	for k, v := range c.rejected {
		out[k] = slices.Clone(v)
	}
	return out
}

type corpus struct {
	ins      []indicator.Indicator
	stats    map[string]indicator.Stats
	rejected map[string][]Rejected
	dir      string
	err      error
}

var loadCorpus = sync.OnceValue(func() *corpus {
	dir := sharedDataDir()
	if dir == "" {
		return &corpus{ins: Generated(50_000, 1), stats: map[string]indicator.Stats{}, rejected: map[string][]Rejected{}}
	}
	c, err := readCorpus(dir)
	if err != nil {
		return &corpus{dir: dir, err: err}
	}
	c.dir = dir
	return c
})

func realCorpus(tb testing.TB) *corpus {
	tb.Helper()
	c := loadCorpus()
	switch {
	case c.err != nil:
		tb.Fatalf("conformance: real data: %v", c.err)
	case c.dir == "":
		tb.Logf("conformance: shared real data not found (set CRATOS_SHARED_DATA): using Generated(50000, 1)")
	}
	return c
}

// sharedDataDir returns $CRATOS_SHARED_DATA, or ../shared/data next to the
// nearest directory holding go.mod, or "".
func sharedDataDir() string {
	isDir := func(p string) bool {
		st, err := os.Stat(p)
		return err == nil && st.IsDir()
	}
	if p := os.Getenv("CRATOS_SHARED_DATA"); p != "" && isDir(p) {
		return p
	}
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			if p := filepath.Join(dir, "..", "shared", "data"); isDir(p) {
				return p
			}
			return ""
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// rawAttr is a MISP attribute with where it came from.
type rawAttr struct {
	indicator.Attribute
	source string
}

func readCorpus(dir string) (*corpus, error) {
	var attrs []rawAttr
	events, err := filepath.Glob(filepath.Join(dir, "misp-events", "*.json"))
	if err != nil {
		return nil, fmt.Errorf("list events: %w", err)
	}
	for _, p := range events {
		as, err := readEvent(p)
		if err != nil {
			return nil, err
		}
		attrs = append(attrs, as...)
	}
	lists := []struct {
		file  string
		types func(v string) []string
	}{
		{"domains.txt", func(string) []string { return []string{"domain", "hostname"} }},
		{"ips.txt", func(string) []string { return []string{"ip-dst"} }},
		{"urls.txt", func(string) []string { return []string{"url"} }},
		{"hashes.txt", func(v string) []string {
			switch len(strings.TrimSpace(v)) {
			case 32:
				return []string{"md5"}
			case 40:
				return []string{"sha1"}
			case 64:
				return []string{"sha256"}
			}
			return []string{"hash-of-unknown-length"}
		}},
	}
	for _, l := range lists {
		as, err := readList(filepath.Join(dir, "indicators", l.file), l.types)
		if err != nil {
			return nil, err
		}
		attrs = append(attrs, as...)
	}

	plain := make([]indicator.Attribute, len(attrs))
	for i, a := range attrs {
		plain[i] = a.Attribute
	}
	c := &corpus{rejected: map[string][]Rejected{}}
	c.ins, c.stats = harness.ExtractAll(plain, 32, func(i int, dataType string) {
		a := attrs[i]
		c.rejected[dataType] = append(c.rejected[dataType], Rejected{Source: a.source, MISPType: a.Type, Value: a.Value})
	})
	return c, nil
}

// flexInt decodes a JSON number, a string holding one, or null.
type flexInt int64

func (f *flexInt) UnmarshalJSON(b []byte) error {
	b = bytes.Trim(b, `"`)
	if len(b) == 0 || string(b) == "null" {
		*f = 0
		return nil
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return fmt.Errorf("parse integer %q: %w", b, err)
	}
	*f = flexInt(n)
	return nil
}

// flexBool decodes a JSON boolean, 0/1, or a string holding either.
type flexBool bool

func (f *flexBool) UnmarshalJSON(b []byte) error {
	switch strings.Trim(string(b), `"`) {
	case "true", "1":
		*f = true
	case "false", "0", "", "null":
		*f = false
	default:
		return fmt.Errorf("parse boolean %s", b)
	}
	return nil
}

type mispAttribute struct {
	Type      string   `json:"type"`
	Value     string   `json:"value"`
	Category  string   `json:"category"`
	UUID      string   `json:"uuid"`
	EventID   flexInt  `json:"event_id"`
	Timestamp flexInt  `json:"timestamp"`
	ToIDS     flexBool `json:"to_ids"`
}

type mispEvent struct {
	ID        flexInt         `json:"id"`
	Attribute []mispAttribute `json:"Attribute"`
	Object    []struct {
		Attribute []mispAttribute `json:"Attribute"`
	} `json:"Object"`
}

// readEvent reads the attributes of one MISP event document in any of the
// three wrapper forms: {"Event": …}, {"response": [{"Event": …}]}, or a
// bare event.
func readEvent(path string) ([]rawAttr, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read event: %w", err)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, fmt.Errorf("decode event %s: %w", filepath.Base(path), err)
	}
	var raws []json.RawMessage
	switch {
	case top["Event"] != nil:
		raws = append(raws, top["Event"])
	case top["response"] != nil:
		var resp []struct {
			Event json.RawMessage `json:"Event"`
		}
		if err := json.Unmarshal(top["response"], &resp); err != nil {
			return nil, fmt.Errorf("decode event %s: response: %w", filepath.Base(path), err)
		}
		for _, r := range resp {
			raws = append(raws, r.Event)
		}
	default:
		raws = append(raws, data)
	}
	var out []rawAttr
	for _, raw := range raws {
		var ev mispEvent
		if err := json.Unmarshal(raw, &ev); err != nil {
			return nil, fmt.Errorf("decode event %s: %w", filepath.Base(path), err)
		}
		all := ev.Attribute
		for _, o := range ev.Object {
			all = append(all, o.Attribute...)
		}
		for _, a := range all {
			eid := int64(a.EventID)
			if eid == 0 {
				eid = int64(ev.ID)
			}
			out = append(out, rawAttr{
				Attribute: indicator.Attribute{
					Type: a.Type, Value: a.Value, Category: a.Category, UUID: a.UUID,
					EventID: eid, Timestamp: int64(a.Timestamp), ToIDS: bool(a.ToIDS),
				},
				source: filepath.Base(path),
			})
		}
	}
	return out, nil
}

// readList reads a one-value-per-line indicator file; types gives the MISP
// types a line is stored as. Lines get a UUID derived from file and line.
func readList(path string, types func(string) []string) ([]rawAttr, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read list: %w", err)
	}
	defer f.Close()
	var out []rawAttr
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	base := filepath.Base(path)
	for line := 1; sc.Scan(); line++ {
		v := sc.Text()
		if strings.TrimSpace(v) == "" {
			continue
		}
		src := base + ":" + strconv.Itoa(line)
		for _, t := range types(v) {
			out = append(out, rawAttr{
				Attribute: indicator.Attribute{
					Type: t, Value: v, Category: harness.MISPCategory(t), UUID: lineUUID(src + ":" + t),
					Timestamp: harness.Epoch, ToIDS: true,
				},
				source: src,
			})
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read list %s: %w", base, err)
	}
	return out, nil
}

// lineUUID derives a stable UUID (version 5 layout) from s.
func lineUUID(s string) string {
	sum := sha1.Sum([]byte("cratos-conformance:" + s))
	sum[6] = sum[6]&0x0f | 0x50
	sum[8] = sum[8]&0x3f | 0x80
	h := hex.EncodeToString(sum[:16])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
