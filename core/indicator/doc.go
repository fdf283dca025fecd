// Package indicator is the data model every part of Cratos shares: the
// kinds of indicator (Type), one canonical indicator (Indicator), the route
// data types that select them (DataType), and the rules that turn a MISP
// attribute value into canonical indicators (Extract) and order them
// (Normalize).
//
// It depends on the standard library and golang.org/x/net/idna only, so a
// third-party renderer plugin that imports it stays small.
package indicator
