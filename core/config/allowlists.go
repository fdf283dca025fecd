package config

import (
	"net/netip"

	"github.com/cratos-project/cratos/core/acl"
)

// Allows reports whether a is inside allowed_ips, through the table
// built when the file was read: a list of thousands costs a request no
// more than a short one.
func (s *Site) Allows(a netip.Addr) bool { return acl.Lookup(s.allowedTable, s.AllowedIPs, a) }

// AlwaysAllows reports whether a is inside allways_allowed_ips, through
// the table built when config.yaml was read.
func (c *Config) AlwaysAllows(a netip.Addr) bool {
	return acl.Lookup(c.alwaysAllowedTable, c.AlwaysAllowedIPs, a)
}
