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
//   - Generated builds large realistic inputs for benchmarks;
//   - Render renders into memory and records Request.Drop reports;
//     Golden compares output with a file under testdata/, rewriting it
//     when the test binary runs with -update.
//
// It depends only on the standard library, renderers and core/indicator,
// so a plugin author can import it without pulling in the service.
package conformance
