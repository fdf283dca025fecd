package readmecheck

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/plugins"
)

// TestREADMEPluginDeadline checks the plugin render deadline the READMEs
// give against the one the launcher applies.
func TestREADMEPluginDeadline(t *testing.T) {
	deadline := strconv.Itoa(int(plugins.DefaultRenderTimeout/time.Second)) + " s"
	for file, want := range map[string][]string{
		"README.md": {"| a plugin's render | " + deadline + ",", "Its deadline (" + deadline + ")"},
		filepath.Join("plugins", "example", "routeros", "README.md"): {"render deadline (" + deadline + ","},
	} {
		data, err := os.ReadFile(filepath.Join(moduleRoot(t), file))
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range want {
			if !strings.Contains(string(data), w) {
				t.Errorf("%s lacks %q (plugins.DefaultRenderTimeout)", file, w)
			}
		}
	}
}
