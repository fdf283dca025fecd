package mdsafe

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestRender(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"heading shifted", "# rpz — zones\n", "<h2>rpz — zones</h2>\n"},
		{"heading capped", "###### deep\n", "<h6>deep</h6>\n"},
		{"paragraph joined", "one\ntwo\n\nthree", "<p>one two</p>\n<p>three</p>\n"},
		{"inline code and bold", "a `<b>` **c**", "<p>a <code>&lt;b&gt;</code> <strong>c</strong></p>\n"},
		{"raw html escaped", "<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"},
		{"link text only", "see [the docs](https://example.net/x) now", "<p>see the docs now</p>\n"},
		{"code block", "```\n<x y=\"1\">\n```\n", "<pre><code>&lt;x y=&#34;1&#34;&gt;\n</code></pre>\n"},
		{"unclosed code block", "```\nline", "<pre><code>line\n</code></pre>\n"},
		{"list with continuation", "- a\n  b\n- `c`\n", "<ul>\n<li>a b</li>\n<li><code>c</code></li>\n</ul>\n"},
		{"numbered list", "1. x\n2. y", "<ul>\n<li>x</li>\n<li>y</li>\n</ul>\n"},
		{"table", "| A | B |\n|---|:-:|\n| `a|b` | c \\| d |\n",
			"<table>\n<tr><th>A</th><th>B</th></tr>\n<tr><td><code>a|b</code></td><td>c | d</td></tr>\n</table>\n"},
		{"lone markers", "a * b ` c [d", "<p>a * b ` c [d</p>\n"},
		{"not a heading", "#hashtag", "<p>#hashtag</p>\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(Render(tc.in, 1)); got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

// allowed are the only elements Render may produce.
var allowed = map[string]bool{"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "p": true, "pre": true,
	"code": true, "ul": true, "li": true, "table": true, "tr": true, "th": true, "td": true, "strong": true}

var tagRE = regexp.MustCompile(`<[^>]*>?`)

// checkSafe fails on any tag but a bare allowed one: no other element and
// no attribute at all.
func checkSafe(t *testing.T, in, out string) {
	t.Helper()
	for _, tag := range tagRE.FindAllString(out, -1) {
		name := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(tag, "<"), "/"), ">")
		if !allowed[name] || !strings.HasSuffix(tag, ">") {
			t.Fatalf("input %q gave %q:\n%s", in, tag, out)
		}
	}
}

func TestRepositoryREADMEs(t *testing.T) {
	files, _ := filepath.Glob("../../renderers/*/README.md")
	if len(files) == 0 {
		t.Fatal("no renderer README found")
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out := string(Render(string(src), 1))
		checkSafe(t, f, out)
		if !strings.Contains(out, "<h2>") || !strings.Contains(out, "<p>") {
			t.Errorf("%s: no heading or paragraph rendered", f)
		}
	}
}

func FuzzRender(f *testing.F) {
	for _, s := range []string{"# a", "| a | b |\n|--|--|\n| `x` | y |", "```\n<a>\n```", "- [x](y) **<i>**", "<img src=x onerror=y>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkSafe(t, s, string(Render(s, 1)))
	})
}
