package renderers

// ValidateWith returns the error parse gives for opts and drops the
// configuration it reads: the whole of a renderer's ValidateOptions when
// the renderer reads its options with one function, which Render calls
// too, so that a site file is refused for exactly what a request would be.
//
//	func (Renderer) ValidateOptions(opts map[string]string) error {
//		return renderers.ValidateWith(parseOptions, opts)
//	}
func ValidateWith[C any](parse func(map[string]string) (C, error), opts map[string]string) error {
	_, err := parse(opts)
	return err
}
