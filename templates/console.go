package templates

import (
	"embed"
	"html/template"
)

//go:embed console/*.html
var consolePages embed.FS

// ConsoleCSS is the console's only stylesheet.
//
//go:embed console/console.css
var ConsoleCSS []byte

// Console are the console's page templates ("overview.html",
// "consumers.html", "zones.html", "renderers.html", "renderer.html", "lookup.html",
// "login.html", "continue.html"), sharing "head" and "foot" from layout.html.
var Console = template.Must(template.New("").ParseFS(consolePages, "console/*.html"))
