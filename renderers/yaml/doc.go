// Package yaml renders the values as the original service's YAML
// document, the bytes of PyYAML's yaml.dump(list, explicit_start=True):
//
//	---
//	- 198.51.100.7
//	- '1.0'
//
// and "--- []" for an empty list. Each value is written the way PyYAML's
// emitter chooses with its defaults (no unicode output, width 80, indent
// 2): plain when it reads back as the same string; single-quoted when a
// plain scalar would resolve to a bool, null, number, timestamp or merge
// key (to PyYAML, and numbers and dates to YAML 1.2 readers too), or
// would start with an indicator, or hold ": " or " #";
// double-quoted with \xXX, \uXXXX and \UXXXXXXXX escapes when it holds a
// character outside printable ASCII. Long scalars are folded at spaces
// past column 80 exactly where PyYAML folds them, and multi-line rules are
// written as PyYAML writes them.
package yaml
