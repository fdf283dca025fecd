package yaml

import _ "embed"

//go:embed README.md
var readme string

// README implements renderers.Documented.
func (Renderer) README() string { return readme }
