// Command builtin serves, as a plugin, the built-in renderer its binary is
// named after (a copy named "stix21" serves stix21), for benchmarks that
// compare a renderer in process and out of process.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/cratos-project/cratos/plugins"
	"github.com/cratos-project/cratos/renderers"
	_ "github.com/cratos-project/cratos/renderers/all"
)

func main() {
	name := filepath.Base(os.Args[0])
	r, ok := renderers.Lookup(name)
	if !ok {
		fmt.Fprintf(os.Stderr, "builtin: no built-in renderer %q\n", name)
		os.Exit(1)
	}
	plugins.Serve(r)
}
