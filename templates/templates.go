// Package templates holds the files compiled into the binary: HTML pages
// (token form, API help) and the favicon.
package templates

import (
	"embed"
	"html/template"
)

//go:embed favicon.ico
var Favicon []byte

//go:embed *.html
var pages embed.FS

// Pages are the parsed HTML templates: "token_form.html" and "help.html".
var Pages = template.Must(template.New("").ParseFS(pages, "*.html"))
