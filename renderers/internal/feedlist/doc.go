// Package feedlist holds what the firewall list renderers (edl, fortinet)
// share: the input sorted by kind (Collector), list lines (Entry), drop
// counts (Drops), IP de-duplication, name and URL entry helpers, sorting
// with de-duplication, and the newest-first caps. Each renderer keeps its
// own rules: which kinds a list takes, its drop reasons and its URL form.
package feedlist
