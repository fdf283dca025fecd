// Package conformance is the test kit every renderer uses, built-in or
// third-party plugin:
//
//   - Check runs the renderer contract (valid Info, empty input,
//     determinism, declared types only, cancellation, write errors,
//     concurrency, option validation) and returns every failure at once;
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
//     Golden compares output with a file under testdata/, rewriting it
//     when the test binary runs with -update;
//   - DataTypesFor, AddFuzzSeeds, FromRecords, FromValues and FuzzRequest
//     build fuzz targets' inputs the way the service does;
//   - CheckBridge runs a renderer through the plugin bridge and compares
//     the bytes; CheckPluginBinary checks a plugin executable.
//
// It depends on renderers, core/indicator and plugins (which a plugin
// author imports anyway), never on the service itself.
package conformance
