// Package conformance is the test kit every renderer uses, built-in or
// third-party plugin, in its tests:
//
//   - Check runs the renderer contract (valid Info, empty input,
//     determinism, declared types only, cancellation, write errors,
//     concurrency, option validation) and returns every failure at once;
//     it is contract.Check, which `cratos plugin check` runs;
//   - Sample is a small, fixed, canonical input holding every indicator
//     type with the values that break formats (IDN, long names, quotes,
//     pipes, backslashes, multi-line rules, non-ASCII text);
//   - RealData and RealIndicators extract every indicator from the shared
//     real MISP events and indicator lists, with per data type statistics;
//   - Generated builds large realistic inputs for benchmarks, OfTypes
//     keeps the indicators of some types, and BenchmarkRender measures a
//     renderer on such an input;
//   - CheckOptionCases runs a table of option sets through
//     ValidateOptions;
//   - Render renders into memory and records Request.Drop reports;
//     FirstDifference says where two outputs differ (the golden files are
//     internal/goldentest's);
//   - DataTypesFor, AddFuzzSeeds, FromRecords, FromValues and FuzzRequest
//     build fuzz targets' inputs the way the service does.
//
// It imports testing, so no production binary links it: the checks a
// binary runs are in conformance/contract, and the MISP emulator of
// `cratos demo` is conformance/mispsim; neither imports testing. It depends
// on renderers and core/indicator, never on the service itself nor on the
// plugin protocol: conformance/bridge checks that the plugin bridge carries
// a renderer unchanged.
package conformance
