package config

import (
	"errors"
	"fmt"
)

// Limits bound what clients and upstreams can make the service spend. A
// zero value takes the default (see SetDefaults); every key is in
// config.yaml at the top level.
type Limits struct {
	// MaxConnections caps open client connections in total (default
	// 4096, and never more than the open-file limit allows).
	MaxConnections int `yaml:"max_connections"`
	// MaxConnectionsPerIP caps open connections from one address (one /64
	// for IPv6); trusted_proxies are exempt (default 1024).
	MaxConnectionsPerIP int `yaml:"max_connections_per_ip"`
	// MaxConcurrentBuilds caps list builds reading MISP at once, process
	// wide (default 4).
	MaxConcurrentBuilds int `yaml:"max_concurrent_builds"`
	// MISPMaxResponseBytes bounds one MISP answer after decompression
	// (default 256 MiB).
	MISPMaxResponseBytes int64 `yaml:"misp_max_response_bytes"`
	// MISPMaxPages bounds the restSearch pages of one build (default 1000).
	MISPMaxPages int `yaml:"misp_max_pages"`
	// MISPMaxAttributes bounds the attributes of one build (default
	// 5,000,000).
	MISPMaxAttributes int `yaml:"misp_max_attributes"`
	// RenderMaxBytes bounds one rendered list, built-in or plugin
	// (default 256 MiB).
	RenderMaxBytes int64 `yaml:"render_max_bytes"`
	// ColdBuildsPerMinute is how many lists one token may have built from
	// MISP per minute; cache hits are free (default 30).
	ColdBuildsPerMinute int `yaml:"cold_builds_per_minute"`
	// RendersPerMinute is how many lists that are not in the cache one
	// token may have rendered per minute, from MISP or from indicators
	// already read; cache hits are free (default 120).
	RendersPerMinute int `yaml:"renders_per_minute"`
	// ReconcileSeconds is how often each feed is read from MISP in full
	// rather than refreshed with what changed (default 3600).
	ReconcileSeconds int `yaml:"reconcile_seconds"`
	// SendTimeoutSeconds is how long an answer's client may take nothing
	// of it, between two writes that make progress (default 60).
	SendTimeoutSeconds int `yaml:"send_timeout_seconds"`
}

// Limit defaults.
const (
	DefaultMaxConnections       = 4096
	DefaultMaxConnectionsPerIP  = 1024
	DefaultMaxConcurrentBuilds  = 4
	DefaultMISPMaxResponseBytes = 256 << 20
	DefaultMISPMaxPages         = 1000
	DefaultMISPMaxAttributes    = 5_000_000
	DefaultRenderMaxBytes       = 256 << 20
	DefaultColdBuildsPerMinute  = 30
	DefaultRendersPerMinute     = 120
	DefaultReconcileSeconds     = 3600
	DefaultSendTimeoutSeconds   = 60
)

// SetDefaults fills the zero values; the per-address default is never
// above max_connections.
func (l *Limits) SetDefaults() {
	setDefault(&l.MaxConnections, DefaultMaxConnections)
	perIP := DefaultMaxConnectionsPerIP
	if l.MaxConnections > 0 {
		perIP = min(perIP, l.MaxConnections)
	}
	setDefault(&l.MaxConnectionsPerIP, perIP)
	setDefault(&l.MaxConcurrentBuilds, DefaultMaxConcurrentBuilds)
	setDefault(&l.MISPMaxPages, DefaultMISPMaxPages)
	setDefault(&l.MISPMaxAttributes, DefaultMISPMaxAttributes)
	setDefault(&l.ColdBuildsPerMinute, DefaultColdBuildsPerMinute)
	setDefault(&l.RendersPerMinute, DefaultRendersPerMinute)
	setDefault(&l.ReconcileSeconds, DefaultReconcileSeconds)
	setDefault(&l.SendTimeoutSeconds, DefaultSendTimeoutSeconds)
	setDefault(&l.MISPMaxResponseBytes, DefaultMISPMaxResponseBytes)
	setDefault(&l.RenderMaxBytes, DefaultRenderMaxBytes)
}

// validate refuses negative limits.
func (l *Limits) validate() []error {
	var errs []error
	for _, f := range []struct {
		name string
		v    int64
	}{
		{"max_connections", int64(l.MaxConnections)},
		{"max_connections_per_ip", int64(l.MaxConnectionsPerIP)},
		{"max_concurrent_builds", int64(l.MaxConcurrentBuilds)},
		{"misp_max_response_bytes", l.MISPMaxResponseBytes},
		{"misp_max_pages", int64(l.MISPMaxPages)},
		{"misp_max_attributes", int64(l.MISPMaxAttributes)},
		{"render_max_bytes", l.RenderMaxBytes},
		{"cold_builds_per_minute", int64(l.ColdBuildsPerMinute)},
		{"renders_per_minute", int64(l.RendersPerMinute)},
		{"reconcile_seconds", int64(l.ReconcileSeconds)},
		{"send_timeout_seconds", int64(l.SendTimeoutSeconds)},
	} {
		if f.v < 0 {
			errs = append(errs, fmt.Errorf("%s must not be negative", f.name))
		}
	}
	if l.MaxConnectionsPerIP > l.MaxConnections && l.MaxConnections > 0 {
		errs = append(errs, errors.New("max_connections_per_ip must not exceed max_connections"))
	}
	return errs
}
