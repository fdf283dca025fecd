package misp

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/internal/testtool"
	"github.com/valyala/fastjson"
)

// decoded is everything a page decoder tells its caller.
type decoded struct {
	attrs []indicator.Attribute
	n     int
	err   string
}

func decodeWith(decode func(*fastjson.Parser, []byte, func(indicator.Attribute)) (int, error), body []byte) decoded {
	var d decoded
	n, err := decode(new(fastjson.Parser), body, func(a indicator.Attribute) { d.attrs = append(d.attrs, a.Own()) }) // given borrowed
	d.n = n
	if err != nil {
		d.err = err.Error()
	}
	return d
}

// sameWindowed fails t unless decodeStream answers body, read through
// small windows (fixed, or doubling up to a most) in pieces of several
// sizes, as the client answered it whole: the same attributes given,
// count and error.
func sameWindowed(t *testing.T, body []byte, whole decoded) {
	t.Helper()
	readings := []struct{ piece, window, most int }{{1, 1, 1}, {3, 16, 16}, {61, 40, 40}, {5, 8, 200}, {4096, 512, 512}}
	if len(body) > 64<<10 {
		readings = readings[len(readings)-1:] // the real pages, cut at 200 points: a few pieces take seconds
	}
	for _, r := range readings {
		if got := decodeWith(decodeStreamed(r.piece, r.window, r.most), body); !sameDecoded(got, whole) {
			t.Fatalf("input %q read %d bytes at a time through a %d-byte window (doubling up to %d):\nstreamed %d %q %+v\nwhole    %d %q %+v",
				body, r.piece, r.window, r.most, got.n, got.err, got.attrs, whole.n, whole.err, whole.attrs)
		}
	}
}

func sameDecoded(a, b decoded) bool {
	return a.n == b.n && a.err == b.err && slices.Equal(a.attrs, b.attrs)
}

// sameAsFastjson fails t unless, at every '{' of body that begins an
// element of a list (where decodePage may read an attribute), the
// attribute scanner reads the object as fastjson did: the same attribute
// and end, or both refusing it, and the answer streamed is the answer
// whole (sameWindowed). It returns decodePage's answer. decodePage
// walks the page's outline as the fastjson decoder did and differs from it
// only in how it reads an attribute object, so the two answer body alike.
func sameAsFastjson(t *testing.T, body []byte) decoded {
	t.Helper()
	var p fastjson.Parser
	s := attrScanner{b: body}
	for i := bytes.IndexByte(body, '{'); i >= 0; i = nextBrace(body, i) {
		if before := bytes.TrimRight(body[:i], " \t\r\n"); len(before) == 0 || !bytes.ContainsAny(before[len(before)-1:], "[,") {
			continue
		}
		got, end, ok := s.attribute(i)
		want, wantEnd, wantOK := fastjsonAttribute(&p, body, i)
		if ok != wantOK || ok && (end != wantEnd || got != want) {
			t.Fatalf("input %q at %d:\nattribute scanner %v %d %+v\nfastjson          %v %d %+v", body, i, ok, end, got, wantOK, wantEnd, want)
		}
	}
	whole := decodeWith(decodeWhole, body)
	sameWindowed(t, body, whole)
	return whole
}

// nextBrace returns the index of the first '{' after b[i], or -1.
func nextBrace(b []byte, i int) int {
	if j := bytes.IndexByte(b[i+1:], '{'); j >= 0 {
		return i + 1 + j
	}
	return -1
}

// attrPage wraps attribute objects in a restSearch answer.
func attrPage(attrs ...string) []byte {
	return []byte(`{"response":{"Attribute":[` + strings.Join(attrs, ",") + `]}}`)
}

func TestDecodePageAttributeFields(t *testing.T) {
	nested := func(depth int, inner string) string { // depth counts the attribute
		return `{"value":"x","deep":` + strings.Repeat("[", depth-2) + inner + strings.Repeat("]", depth-2) + `}`
	}
	for _, tc := range []struct {
		name string
		attr string
		want indicator.Attribute // checked when err is ""
		err  string
	}{
		{name: "all fields as MISP sends them",
			attr: `{"type":"ip-dst","value":"192.0.2.1","category":"Network activity","uuid":"u-1","event_id":"7","timestamp":"1700000000","to_ids":true}`,
			want: indicator.Attribute{Type: "ip-dst", Value: "192.0.2.1", Category: "Network activity", UUID: "u-1", EventID: 7, Timestamp: 1700000000, ToIDS: true}},
		{name: "numbers as numbers", attr: `{"event_id":12,"timestamp":1.7e9,"to_ids":1}`,
			want: indicator.Attribute{EventID: 12, ToIDS: true}},
		{name: "flags as strings", attr: `{"to_ids":"1"}`, want: indicator.Attribute{ToIDS: true}},
		{name: "flag true as string", attr: `{"to_ids":"true"}`, want: indicator.Attribute{ToIDS: true}},
		{name: "flag false and zero", attr: `{"to_ids":false,"event_id":"0"}`},
		{name: "flag number zero", attr: `{"to_ids":0}`},
		{name: "flag null", attr: `{"to_ids":null,"value":null}`},
		{name: "wrong kinds give zero values", attr: `{"type":1,"value":{"a":"b"},"uuid":["x"],"event_id":true,"timestamp":{}}`},
		{name: "escaped value", attr: `{"value":"a\"b\\c\/d\n\u00e9\ud83d\ude00\u0041"}`,
			want: indicator.Attribute{Value: "a\"b\\c/d\né😀A"}},
		{name: "several escaped fields", attr: `{"value":"a\u0041","uuid":"\u0062","to_ids":"\u0031"}`,
			want: indicator.Attribute{Value: "aA", UUID: "b", ToIDS: true}},
		{name: "unknown escapes kept", attr: `{"value":"\q\u12\uZZZZ\ud800x\ud800\u0041"}`,
			want: indicator.Attribute{Value: `\q\u12\uZZZZ\ud800x` + "\ufffd"}},
		{name: "escaped key", attr: `{"valu\u0065":"v"}`, want: indicator.Attribute{Value: "v"}},
		{name: "first duplicate wins", attr: `{"value":"a","value":"b"}`, want: indicator.Attribute{Value: "a"}},
		// Keys are matched as written until a field is missing, then
		// unescaped: "type" is missing here, so "value" is looked up
		// among unescaped keys and the escaped one comes first.
		{name: "escaped key before plain one, after a missing field", attr: `{"valu\u0065":"esc","value":"plain"}`,
			want: indicator.Attribute{Value: "esc"}},
		{name: "plain key wins while no field is missing", attr: `{"type":"t","valu\u0065":"esc","value":"plain"}`,
			want: indicator.Attribute{Type: "t", Value: "plain"}},
		{name: "timestamp out of range as string", attr: `{"timestamp":"99999999999999999999"}`,
			want: indicator.Attribute{Timestamp: 1<<63 - 1}},
		{name: "signed and spaced strings", attr: `{"event_id":"+5","timestamp":" 5"}`, want: indicator.Attribute{EventID: 5}},
		{name: "nan and inf", attr: `{"event_id":NaN,"timestamp":-Inf,"to_ids":nan}`},
		{name: "odd numbers", attr: `{"event_id":--1,"timestamp":1e,"to_ids":.}`},
		{name: "control bytes and bad UTF-8 in strings", attr: "{\"value\":\"a\tb\x00\xff\"}", want: indicator.Attribute{Value: "a\tb\x00\xff"}},
		{name: "white space", attr: " {\r\n\t\"value\" : \"v\" ,\n\"to_ids\"\t:\ttrue }\n", want: indicator.Attribute{Value: "v", ToIDS: true}},
		{name: "nesting at the limit", attr: nested(300, "1"), want: indicator.Attribute{Value: "x"}},
		{name: "empty list at the limit", attr: nested(300, "[]"), want: indicator.Attribute{Value: "x"}},
		{name: "empty list past the limit", attr: nested(301, "[]"), err: errMalformed.Error()},
		{name: "nesting past the limit", attr: nested(301, "1"), err: errMalformed.Error()},
		{name: "trailing comma", attr: `{"value":"v",}`, err: errMalformed.Error()},
		{name: "trailing comma in nested list", attr: `{"a":[1,]}`, err: errMalformed.Error()},
		{name: "missing colon", attr: `{"value" "v"}`, err: errMalformed.Error()},
		{name: "bare word", attr: `{"value":tru}`, err: errMalformed.Error()},
		{name: "literal with tail", attr: `{"value":nullx}`, err: errMalformed.Error()},
		{name: "capital literal", attr: `{"to_ids":True}`, err: errMalformed.Error()},
		{name: "single quotes", attr: `{'value':'v'}`, err: errMalformed.Error()},
		{name: "mismatched brackets", attr: `{"a":[1}]`, err: errMalformed.Error()},
		{name: "unterminated string", attr: `{"value":"v\"}`, err: errMalformed.Error()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := sameAsFastjson(t, attrPage(tc.attr))
			if got.err != tc.err {
				t.Fatalf("error %q, want %q", got.err, tc.err)
			}
			if tc.err == "" && !slices.Equal(got.attrs, []indicator.Attribute{tc.want}) {
				t.Fatalf("got %+v, want %+v", got.attrs, tc.want)
			}
		})
	}
}

func TestDecodePageShapesAsFastjson(t *testing.T) {
	a := `{"type":"domain","value":"example.org","to_ids":true}`
	for _, body := range []string{
		``, ` `, `[]`, `[` + a + `]`, `[` + a + `,` + a + `]`, `[` + a + `,1]`, `[1,` + a + `]`, `[` + a + `,]`,
		`[` + a + `,{"value":x}]`, `[` + a + `] x`, `[` + a + ` `, `[` + a, `[` + a + `,"s"]`, `[` + a + `,[]]`,
		`{"response":[]}`, `{"response":[{"Event":{}}]}`, `{"response":{}}`, `{"response":{"Attribute":[]}}`,
		`{"response":{"Attribute":{}}}`, `{"response":{"Attribute":null}}`, `{"response":"x"}`, `{"response":{"Attribute":[` + a + `]},"x":1}`,
		`{"x":{"Attribute":[1]},"response":{"Attribute":[` + a + `]}}`, `{"response":{"x":[{]}],"Attribute":[` + a + `]}}`,
		`{"response":{"Attribute":[` + a + `],"Attribute":[1]}}`, `{"response":{"Attribute":[` + a + `]}`, `{"response":{"Attribute":[` + a + `]}}}`,
		`{"name":"Not Found","message":"Not Found","url":"/x"}`, `{"errors":"x"}`, `{}`, `"x"`, `1`, `{"response":{"Attribute":[{"value":"a"}{"value":"b"}]}}`,
		`{"count":12345,"response":{"Attribute":[` + a + `],"page":1e10},"ok":true}`, `{"response":{"Attribute":[12345]}}`,
	} {
		sameAsFastjson(t, []byte(body))
	}
}

// TestDecodePageAnswers checks what the decoder makes of answers of each
// shape, whole and read through windows of every size.
func TestDecodePageAnswers(t *testing.T) {
	a := `{"type":"domain","value":"example.org","to_ids":true}`
	for _, tc := range []struct{ body, err string }{
		{`{"count":12345,"response":{"Attribute":[` + a + `],"page":1e10},"ok":true}`, ""},
		{`{"response":{"Attribute":[` + a + `],"n":123}}`, ""},
		{`[` + a + `]`, ""},
		{`{"name":"Not Found","message":"Not Found","url":"/x"}`, "answered with an error: Not Found"},
		{` {"errors":"x"}`, "answered with an error: "},
		{`{"x":1}`, `answer has no "response" key`},
		{`{"response":[{"Event":{}}]}`, "answer holds events, not attributes"},
		{`{"response":{"Attribute":[12345]}}`, "an attribute is not an object"},
		{`x`, "not JSON"},
		{`{"response":{"Attribute":[` + a + `],"n":123}`, errMalformed.Error()},
	} {
		got := sameAsFastjson(t, []byte(tc.body))
		if got.err != tc.err || tc.err == "" && got.n != 1 {
			t.Errorf("%s: %d attributes, error %q; want %q", tc.body, got.n, got.err, tc.err)
		}
		// A window of every size puts its end at every byte.
		for w := 1; w <= len(tc.body); w++ {
			if streamed := decodeWith(decodeStreamed(7, w, w), []byte(tc.body)); !sameDecoded(streamed, got) {
				t.Errorf("%s through a %d-byte window: %d attributes, error %q", tc.body, w, streamed.n, streamed.err)
			}
		}
	}
}

// TestDecodePageRealEvents decodes the attributes of the real MISP events
// as restSearch pages, whole and cut short at many points, and the event
// files themselves (which are not attribute pages).
func TestDecodePageRealEvents(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "..", "shared", "data", "misp-events", "*.json"))
	if err != nil || len(files) == 0 {
		t.Skip("no real MISP events in ../shared/data/misp-events")
	}
	// The decoder is single-threaded: under the race detector (and its
	// pointer checks) a fifth of the files is enough, each cut at 20
	// points; make test decodes every file, cut at 200, without it.
	all := len(files)
	files = testtool.RaceSample(t, files, 5)
	total := 0
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			sameAsFastjson(t, body)
			var attrs []string
			collectAttributes(t, body, &attrs)
			page := attrPage(attrs...)
			got := sameAsFastjson(t, page)
			if got.err != "" || got.n != len(attrs) {
				t.Fatalf("decoded %d of %d attributes: %s", got.n, len(attrs), got.err)
			}
			total += got.n
			// Every prefix of 200 is decoded both ways.
			cuts := 200
			if testtool.RaceEnabled {
				cuts = 20
			}
			step := max(1, len(page)/cuts)
			for cut := 0; cut < len(page); cut += step {
				sameAsFastjson(t, page[:cut])
			}
		})
	}
	if len(files) == all && total < 3000 {
		t.Fatalf("decoded %d attributes from the real events, want the 3,621 they hold", total)
	}
}

// collectAttributes appends the objects of every "Attribute" list in the
// JSON document raw, byte for byte as written.
func collectAttributes(t testing.TB, raw []byte, out *[]string) {
	t.Helper()
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) == nil {
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			var list []json.RawMessage
			if k == "Attribute" && json.Unmarshal(obj[k], &list) == nil {
				for _, a := range list {
					*out = append(*out, string(a))
				}
			}
			collectAttributes(t, obj[k], out)
		}
		return
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) == nil {
		for _, v := range list {
			collectAttributes(t, v, out)
		}
	}
}

// FuzzDecodePageAsFastjson checks that decodePage answers every input as
// the fastjson decoder did: the same attributes delivered, count and error.
func FuzzDecodePageAsFastjson(f *testing.F) {
	a := `{"type":"ip-dst","value":"192.0.2.1","category":"Network activity","uuid":"u","to_ids":true,"event_id":"7","timestamp":"1700000000","Event":{"id":"7","info":"x"},"Tag":[{"name":"tlp:white"}]}`
	for _, s := range []string{
		string(attrPage(a, a)), `[` + a + `]`, `{"response":[]}`, `{"response":{"Attribute":{}}}`,
		`{"name":"x","message":"y","url":"/z"}`, `{"response":{"Attribute":[1,2]}}`,
		string(attrPage(`{"to_ids":"1","event_id":12.5,"timestamp":-1e3}`)),
		string(attrPage(`{"valu\u0065":"\ud83d\ude00\u00e9\n","value":"b","type":"\q"}`)),
		string(attrPage(`{"event_id":NaN,"timestamp":-inf,"to_ids":nan,"x":[null,false,true,{}]}`)),
		string(attrPage(`{"a":[[[[1]]]],"value":"v" , "b" : { "c" : [ ] } }`)),
		string(attrPage(`{"value":"v",}`)), string(attrPage(`{"a":[1}]`)),
		string(attrPage(`{"type":1,"\u0076alue":"tru\u0065","to_id\u0073":"\ud83d\ude00"}`)),
		// Keys and objects like the ones before, but not the same.
		string(attrPage(a, `{"type":"ip-dst","valu":"v","value":"w","uuid":"u","Event":{"id":"7","info":"xy"}}`,
			`{"uuid":"u","type":"ip-src","value":"x","Event":{"id":"7","info":"xy"}},"Tag":[{"name":"tlp:white"}]}`, a)),
		string(attrPage(`{"Event":{},"value":"a"}`, `{"Event":{}},"value":"b"}`, `{"Event":[{}],"value":"c"}`)),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		sameAsFastjson(t, b)
	})
}
