// Command cratos serves MISP threat intelligence to the devices that
// enforce it. See the README for the two commands a newcomer needs:
// `cratos demo` and `make test`.
package main

import (
	"github.com/cratos-project/cratos/core/cli"
	_ "github.com/cratos-project/cratos/renderers/all"
)

func main() { cli.Main() }
