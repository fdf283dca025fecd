package main

import (
	"fmt"
	"os"
	"slices"

	"github.com/cratos-project/cratos/internal/version"
	"github.com/cratos-project/cratos/plugins"
)

func main() {
	if slices.Contains(os.Args[1:], "--version") {
		fmt.Println("cratos-routeros", version.String())
		return
	}
	plugins.Serve(Renderer{})
}
