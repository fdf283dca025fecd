package rendertest

import "github.com/cratos-project/cratos/conformance"

// The parts of package conformance that renderer tests use beside the
// calls of this package, so that a renderer's test imports one kit.
type (
	// Rendered is conformance.Rendered: the output and drops of a render.
	Rendered = conformance.Rendered
	// OptionCase is conformance.OptionCase: one case of an option table.
	OptionCase = conformance.OptionCase
)

var (
	// Render is conformance.Render: it renders ins with r and req.
	Render = conformance.Render
	// Sample is conformance.Sample: the sample indicators of every type.
	Sample = conformance.Sample
	// RealData is conformance.RealData: the real indicators and their stats.
	RealData = conformance.RealData
	// RealIndicators is conformance.RealIndicators: the real indicators.
	RealIndicators = conformance.RealIndicators
	// OfTypes is conformance.OfTypes: the indicators of the given types.
	OfTypes = conformance.OfTypes
	// CheckOptionCases is conformance.CheckOptionCases: each option case
	// as a subtest.
	CheckOptionCases = conformance.CheckOptionCases
)
