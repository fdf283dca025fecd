package all_test

import (
	"strings"
	"testing"

	"github.com/cratos-project/cratos/renderers"
	_ "github.com/cratos-project/cratos/renderers/all"
)

// section returns the text of the "## " section of md whose heading starts
// with title, without the heading; ok is false when there is none.
func section(md, title string) (string, bool) {
	for _, s := range strings.Split("\n"+md, "\n## ")[1:] {
		if strings.HasPrefix(s, title) {
			_, body, _ := strings.Cut(s, "\n")
			return body, true
		}
	}
	return "", false
}

// readmeProblems lists what the README md of a renderer described by info
// lacks: a "# name" title, its content type and extension, and either an
// "## Options" section naming every option in backticks or the words "No
// options".
func readmeProblems(info renderers.Info, md string) []string {
	var out []string
	first, _, _ := strings.Cut(md, "\n")
	if first != "# "+info.Name && !strings.HasPrefix(first, "# "+info.Name+" — ") {
		out = append(out, "the first line must be \"# "+info.Name+"\" or \"# "+info.Name+" — …\", not "+first)
	}
	if !strings.Contains(md, info.ContentType) {
		out = append(out, "the content type "+info.ContentType+" is not named")
	}
	if !strings.Contains(md, "`"+info.Extension+"`") {
		out = append(out, "the extension `"+info.Extension+"` is not named")
	}
	if len(info.Options) == 0 {
		if !strings.Contains(strings.Join(strings.Fields(md), " "), "No options") {
			out = append(out, `a renderer without options says "No options"`)
		}
		return out
	}
	opts, ok := section(md, "Options")
	if !ok {
		return append(out, `no "## Options" section`)
	}
	for _, o := range info.Options {
		if !strings.Contains(opts, "`"+o.Name+"`") {
			out = append(out, "the Options section does not name `"+o.Name+"`")
		}
	}
	return out
}

// TestBuiltinREADMEs checks every built-in renderer's README against
// readmeProblems.
func TestBuiltinREADMEs(t *testing.T) {
	for _, r := range renderers.All() {
		d, ok := r.(renderers.Documented)
		if !ok {
			continue // TestBuiltinsDocumented reports it
		}
		for _, p := range readmeProblems(r.Info(), d.README()) {
			t.Errorf("renderers/%s/README.md: %s", r.Info().Name, p)
		}
	}
}

func TestReadmeProblems(t *testing.T) {
	info := renderers.Info{Name: "lines", ContentType: "text/plain", Extension: ".txt",
		Options: []renderers.Option{{Name: "upper"}, {Name: "max"}}}
	good := "# lines\n\nOne value a line, `text/plain`, extension `.txt`.\n\n## Options\n\n| `upper` | `max` |\n\n## Limits\n"
	tests := []struct {
		name string
		info renderers.Info
		md   string
		want []string
	}{
		{"good", info, good, nil},
		{"title with subtitle", info, strings.Replace(good, "# lines\n", "# lines — plain lines\n", 1), nil},
		{"wrong title", info, strings.Replace(good, "# lines\n", "# Lines\n", 1), []string{"first line"}},
		{"no content type", info, strings.Replace(good, "`text/plain`", "text", 1), []string{"content type"}},
		{"no extension", info, strings.Replace(good, "`.txt`", "txt", 1), []string{"extension"}},
		{"no options section", info, strings.Replace(good, "## Options", "## Settings", 1), []string{`no "## Options"`}},
		{"option named elsewhere only", info, strings.Replace(good, "`max` |", "|", 1) + "`max`\n", []string{"does not name `max`"}},
		{"no options, said", renderers.Info{Name: "lines", ContentType: "text/plain", Extension: ".txt"},
			"# lines\n`text/plain`, `.txt`. No\noptions.\n", nil},
		{"no options, unsaid", renderers.Info{Name: "lines", ContentType: "text/plain", Extension: ".txt"},
			"# lines\n`text/plain`, `.txt`.\n", []string{"No options"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := readmeProblems(tt.info, tt.md)
			if len(got) != len(tt.want) {
				t.Fatalf("problems = %q, want %d", got, len(tt.want))
			}
			for i, w := range tt.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("problem %d = %q, want it to contain %q", i, got[i], w)
				}
			}
		})
	}
}
