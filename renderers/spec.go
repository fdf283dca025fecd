package renderers

// Definition declares a renderer for Spec: the Info it describes itself
// with, and how its options, once ParseOptions has checked them against
// that Info, become its configuration C. A renderer implements it on an
// unexported zero-size type, so that Spec, and the renderer that embeds
// it, work as zero values.
type Definition[C any] interface {
	Info() Info
	Config(o Options) (C, error)
}

// Spec gives a renderer defined by D, with configuration C, the methods
// every renderer with options has: Info, ValidateOptions (it satisfies
// OptionValidator) and Parse, which Render calls, so that a site file is
// refused for exactly what a request would be. A renderer embeds it,
// through an alias that keeps the field unexported:
//
//	type Renderer struct{ spec }
//
//	type spec = renderers.Spec[def, config]
//
//	type def struct{}
//
//	func (def) Info() renderers.Info { return info }
//
//	func (def) Config(o renderers.Options) (config, error) { ... }
type Spec[D Definition[C], C any] struct{}

// Info returns a copy of D's Info that shares no slices with it.
func (Spec[D, C]) Info() Info {
	var d D
	return d.Info().Clone()
}

// Parse checks opts against D's Info with ParseOptions and returns the
// configuration D reads from them.
func (Spec[D, C]) Parse(opts map[string]string) (C, error) {
	var d D
	o, err := ParseOptions(d.Info(), opts)
	if err != nil {
		var zero C
		return zero, err
	}
	return d.Config(o)
}

// ValidateOptions returns the error Parse gives for opts.
func (s Spec[D, C]) ValidateOptions(opts map[string]string) error {
	_, err := s.Parse(opts)
	return err
}
