package renderers

// Documented is implemented by renderers that carry their README (the
// built-in ones embed renderers/<name>/README.md); the console shows it.
type Documented interface {
	// README returns the renderer's README in Markdown.
	README() string
}
