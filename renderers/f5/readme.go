package f5

import _ "embed"

//go:embed README.md
var readme string

// README implements renderers.Documented.
func (Renderer) README() string { return readme }
