// Package feedlist holds what the firewall list renderers (edl, fortinet,
// and in part f5, junos, ipset, nftables and the IoC feeds) share: the
// input sorted by kind (Collector), list lines (Entry), drop counts
// (Drops), IP de-duplication, the check for an IPv6 net holding the
// IPv4-mapped block (HoldsIPv4Mapped, for squid, zeek and haproxy), name
// and URL entry helpers, sorting with de-duplication, the newest-first
// caps, and the frames of a render (Stream, which reads the options,
// Render, RenderSets, Finish). Each renderer keeps its own rules: which
// kinds a list takes, its drop reasons and its URL form.
package feedlist
