package mispview

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/misp"
)

// fakeMISP answers each path with a fixed body and status, and records
// the key and user agent it was sent.
func fakeMISP(t *testing.T, answers map[string]string) (Source, *http.Header) {
	t.Helper()
	var got http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		body, ok := answers[r.URL.Path]
		if !ok {
			http.Error(w, `{"message":"no"}`, http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	site := &config.Site{Name: "misp.example", MISPTimeoutSeconds: 30}
	return Source{Site: site, BaseURL: srv.URL, Key: "k3y", UserAgent: "Cratos/test"}, &got
}

func TestAnswers(t *testing.T) {
	src, sent := fakeMISP(t, map[string]string{
		"/servers/getVersion.json":        `{"version": "2.4.190", "note": "<a&b>"}`,
		"/attributes/attributeStatistics": `[]`,
		"/warninglists/index": `{"Warninglists": [{"Warninglist": {"id": "1", "name": "Liste \u00e9t\u00e9", "enabled": true,
			"valid_attributes": null, "type": "string", "q": "it's \"x\" <y> & z", "list": [], "n": 3}}]}`,
		"/warninglists/view/7": `{"Warninglist": {"WarninglistEntry": [{"value": "b.example"}, {"value": "a.example"},
			{"value": "b.example"}, {"value": "yes"}, {"value": "\u00e9\ud83d\ude00"}]}}`,
	})
	now := time.Unix(1700000000, 0)
	ctx := context.Background()
	tests := []struct {
		name     string
		run      func() (Answer, error)
		body, ct string
	}{
		{"check", func() (Answer, error) { return Check(ctx, src, now) },
			`{"status_code":200,"encoding":"utf-8","content":{"version":"2.4.190","note":"\u003ca\u0026b\u003e"},"misp_host":"` + src.BaseURL + `","unixtimestamp":1700000000}`, "application/json"},
		{"statistics of an empty MISP", func() (Answer, error) { return Statistics(ctx, src) },
			`{"status_code":200,"encoding":"utf-8","content":{},"misp_host":"` + src.BaseURL + `"}`, "application/json"},
		{"index txt", func() (Answer, error) { return Warninglist(ctx, src, 0, "txt") },
			"id: 1\r\nname: Liste \u00e9t\u00e9\r\nenabled: True\r\nvalid_attributes: None\r\ntype: string\r\nq: it's \"x\" <y> & z\r\nlist: []\r\nn: 3\r\n\r\n", textType},
		{"index json", func() (Answer, error) { return Warninglist(ctx, src, 0, "json") },
			`[{"Warninglist": {"id": "1", "name": "Liste \u00e9t\u00e9", "enabled": true, "valid_attributes": null, "type": "string", "q": "it's \"x\" <y> & z", "list": [], "n": 3}}]`, jsonType},
		{"index yaml", func() (Answer, error) { return Warninglist(ctx, src, 0, "yaml") },
			"---\n- Warninglist:\n    enabled: true\n    id: '1'\n    list: []\n    'n': 3\n    name: \"Liste \\xE9t\\xE9\"\n    q: it's \"x\" <y> & z\n    type: string\n    valid_attributes: null\n", textType},
		{"index xml", func() (Answer, error) { return Warninglist(ctx, src, 0, "xml") },
			xmlHead + "<item><Warninglist><id>1</id><name>Liste \u00e9t\u00e9</name><enabled>true</enabled><valid_attributes></valid_attributes><type>string</type><q>it&apos;s &quot;x&quot; &lt;y&gt; &amp; z</q><list></list><n>3</n></Warninglist></item></Warninglists>", xmlType},
		{"view txt", func() (Answer, error) { return Warninglist(ctx, src, 7, "txt") },
			"b.example\r\na.example\r\nb.example\r\nyes\r\n\u00e9\U0001F600\r\n", textType},
		{"view json: sorted, distinct", func() (Answer, error) { return Warninglist(ctx, src, 7, "json") },
			`["a.example", "b.example", "yes", "\u00e9\ud83d\ude00"]`, jsonType},
		{"view yaml", func() (Answer, error) { return Warninglist(ctx, src, 7, "yaml") },
			"---\n- a.example\n- b.example\n- 'yes'\n- \"\\xE9\\U0001F600\"\n", textType},
		{"view xml", func() (Answer, error) { return Warninglist(ctx, src, 7, "xml") },
			xmlHead + "<item><value>b.example</value></item><item><value>a.example</value></item><item><value>b.example</value></item><item><value>yes</value></item><item><value>\u00e9\U0001F600</value></item></Warninglists>", xmlType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := tt.run()
			if err != nil {
				t.Fatal(err)
			}
			if string(a.Body) != tt.body || a.ContentType != tt.ct {
				t.Errorf("got %s\n%q\nwant %s\n%q", a.ContentType, a.Body, tt.ct, tt.body)
			}
		})
	}
	if sent.Get("Authorization") != "k3y" || sent.Get("User-Agent") != "Cratos/test" {
		t.Errorf("MISP got Authorization %q, User-Agent %q", sent.Get("Authorization"), sent.Get("User-Agent"))
	}
}

func TestFaults(t *testing.T) {
	src, _ := fakeMISP(t, map[string]string{
		"/servers/getVersion.json": `{"name": "MISP"}`,
		"/warninglists/index":      `{"Warninglists": [`,
		"/warninglists/view/3":     `{"other": 1}`,
	})
	ctx := context.Background()
	tests := []struct {
		name string
		run  func() (Answer, error)
		want string // AnswerError text; "" for a MISP error
	}{
		{"no version", func() (Answer, error) { return Check(ctx, src, time.Now()) }, "MISP misp.example: answer has no version"},
		{"malformed JSON", func() (Answer, error) { return Warninglist(ctx, src, 0, "txt") }, "MISP misp.example: answered with malformed JSON"},
		{"no Warninglist", func() (Answer, error) { return Warninglist(ctx, src, 3, "json") }, "MISP misp.example: answer has no Warninglist"},
		{"MISP error", func() (Answer, error) { return Warninglist(ctx, src, 4, "json") }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.run()
			var ae *AnswerError
			var me *misp.Error
			switch {
			case tt.want != "" && (!errors.As(err, &ae) || err.Error() != tt.want):
				t.Errorf("error %v, want AnswerError %q", err, tt.want)
			case tt.want == "" && !errors.As(err, &me):
				t.Errorf("error %v (%T), want a *misp.Error", err, err)
			}
		})
	}
}

// TestOddWarninglists: an index whose entries are not {"Warninglist":
// {…}} objects is written as far as it goes, in every format.
func TestOddWarninglists(t *testing.T) {
	src, _ := fakeMISP(t, map[string]string{"/warninglists/index": `{"Warninglists": [1, {"other": 2}, {"Warninglist": "x"}]}`})
	want := map[string]string{
		"txt":  "\r\n\r\n\r\n",
		"json": `[1, {"other": 2}, {"Warninglist": "x"}]`,
		"yaml": "---\n- 1\n- other: 2\n- Warninglist: x\n",
		"xml":  xmlHead + "<item><Warninglist></Warninglist></item><item><Warninglist></Warninglist></item><item><Warninglist>x</Warninglist></item></Warninglists>",
	}
	for _, out := range WarninglistOutputs {
		a, err := Warninglist(context.Background(), src, 0, out)
		if err != nil || string(a.Body) != want[out] {
			t.Errorf("%s: %q, %v; want %q", out, a.Body, err, want[out])
		}
	}
}

// TestWideWarninglistYAML: a list with many fields is written in time
// linear in their number: under three seconds with the race detector,
// where time quadratic in them is hours. The bound leaves room for a busy
// machine.
func TestWideWarninglistYAML(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"Warninglists": [{"Warninglist": {`)
	const n = 200_000
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"k%06d": %d`, n-i, i)
	}
	b.WriteString(`}}]}`)
	src, _ := fakeMISP(t, map[string]string{"/warninglists/index": b.String()})
	done := make(chan Answer, 1)
	go func() {
		a, err := Warninglist(context.Background(), src, 0, "yaml")
		if err != nil {
			t.Error(err)
		}
		done <- a
	}()
	select {
	case a := <-done:
		if !strings.HasPrefix(string(a.Body), "---\n- Warninglist:\n    k000001: 199999\n    k000002: 199998\n") {
			t.Fatalf("yaml starts %q", a.Body[:min(len(a.Body), 100)])
		}
		if got := strings.Count(string(a.Body), "\n"); got != n+2 {
			t.Fatalf("%d lines, want %d", got, n+2)
		}
	case <-time.After(time.Minute):
		t.Fatal("a list of 200,000 fields took over a minute to write as YAML")
	}
}

// TestUnfitValues: a txt line never splits a value, and the xml document
// is always well-formed: values that cannot be carried are left out and
// counted.
func TestUnfitValues(t *testing.T) {
	src, _ := fakeMISP(t, map[string]string{
		"/warninglists/index": `{"Warninglists": [{"Warninglist": {"id": "1", "name": "ok", "description": "two\nlines"}},
			{"Warninglist": {"id": "2", "name": "bell\u0007", "line\rkey": 1}}]}`,
		"/warninglists/view/5": `{"Warninglist": {"WarninglistEntry": [{"value": "a.example", "comment": "ok"},
			{"value": "x.example\nevil.example"}, {"value": "cr\r"}, {"value": "nul\u0000x"}, {"value": "ls\u2028x"},
			{"value": "nel\u0085"}, {"value": "tab\tok"}, {"value": "b.example", "comment": "bell\u0007"}, {"value": "bad` + "\xff" + `"}]}}`,
	})
	const (
		ctrl = DropControlChar + "="
		bad  = "character not allowed in XML 1.0="
	)
	tests := []struct {
		id            int
		out           string
		body, dropped string
	}{
		{0, "txt", "id: 1\r\nname: ok\r\n\r\nid: 2\r\n\r\n", ctrl + "3"},
		{0, "xml", xmlHead + "<item><Warninglist><id>1</id><name>ok</name><description>two\nlines</description></Warninglist></item></Warninglists>", bad + "1"},
		{5, "txt", "a.example\r\ntab\tok\r\nb.example\r\nbad\xff\r\n", ctrl + "5"},
		{5, "xml", xmlHead + "<item><value>a.example</value><comment>ok</comment></item><item><value>x.example\nevil.example</value></item>" +
			"<item><value>cr\r</value></item><item><value>ls\u2028x</value></item><item><value>nel\u0085</value></item>" +
			"<item><value>tab\tok</value></item></Warninglists>", bad + "2, invalid UTF-8=1"},
		{5, "json", `["a.example", "b.example", "bad\ufffd", "cr\r", "ls\u2028x", "nel\u0085", "nul\u0000x", "tab\tok", "x.example\nevil.example"]`, ""},
	}
	for _, tt := range tests {
		a, err := Warninglist(context.Background(), src, tt.id, tt.out)
		if err != nil {
			t.Fatal(err)
		}
		if string(a.Body) != tt.body || a.Dropped != tt.dropped {
			t.Errorf("%d %s: %q, dropped %q\nwant %q, dropped %q", tt.id, tt.out, a.Body, a.Dropped, tt.body, tt.dropped)
		}
		if tt.out == "xml" {
			d := xml.NewDecoder(bytes.NewReader(a.Body))
			for {
				if _, err := d.Token(); err != nil {
					if err != io.EOF {
						t.Errorf("%d xml does not parse: %v", tt.id, err)
					}
					break
				}
			}
		}
	}
}

// TestContentNotJSON: MISP's version or statistics in a document that is
// not JSON (NaN, a raw control character) are a fault of MISP's answer,
// and invalid UTF-8 in its strings is passed on as U+FFFD: a client's
// JSON parser reads every answer.
func TestContentNotJSON(t *testing.T) {
	const want = "MISP misp.example: answered with malformed JSON"
	for _, tc := range []struct{ name, body, content string }{
		{"NaN", `{"version":"2.4.190","n":NaN}`, ""},
		{"Infinity", `{"version":"2.4.190","n":-Inf}`, ""},
		{"raw control character", "{\"version\":\"2.4.190\x01\"}", ""},
		{"invalid UTF-8", "{\"version\":\"2.4.190\xff\"}", "{\"version\":\"2.4.190\ufffd\"}"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src, _ := fakeMISP(t, map[string]string{"/servers/getVersion.json": tc.body, "/attributes/attributeStatistics": tc.body})
			for what, run := range map[string]func() (Answer, error){
				"check":      func() (Answer, error) { return Check(context.Background(), src, time.Unix(0, 0)) },
				"statistics": func() (Answer, error) { return Statistics(context.Background(), src) },
			} {
				a, err := run()
				var ae *AnswerError
				switch {
				case tc.content == "" && (!errors.As(err, &ae) || err.Error() != want):
					t.Errorf("%s: %q, %v; want AnswerError %q", what, a.Body, err, want)
				case tc.content != "" && (err != nil || !strings.Contains(string(a.Body), `"content":`+tc.content+`,`)):
					t.Errorf("%s: %q, %v; want content %s", what, a.Body, err, tc.content)
				}
			}
		})
	}
}

// A MISP call cut off by its own limit, shorter than the site's
// mispTimeoutSeconds, names that limit: raising mispTimeoutSeconds would
// change nothing.
func TestCallLimitNamed(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	site := &config.Site{Name: "misp.example", MISPTimeoutSeconds: 600}
	_, err := Check(context.Background(), Source{Site: site, BaseURL: srv.URL, Key: "k3y"}, time.Now())
	var me *misp.Error
	if want := "MISP misp.example: no answer within this call's limit (5s)"; !errors.As(err, &me) || me.Kind != misp.Timeout || err.Error() != want {
		t.Errorf("error %v, want a timeout %q", err, want)
	}
}
