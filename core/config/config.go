package config

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/cratos-project/cratos/core/acl"
	"github.com/cratos-project/cratos/core/indicator"
)

// Config is config/config.yaml: the original's keys, then the keys Cratos
// adds (all optional).
type Config struct {
	// Path is the file the configuration was read from.
	Path string `yaml:"-"`

	Debug                   bool       `yaml:"debug"`
	EncryptionKey           string     `yaml:"encryption_key"`
	Salt                    string     `yaml:"salt"`
	MemcachedUser           string     `yaml:"memcached_user"`
	MemcachedPass           string     `yaml:"memcached_pass"`
	MemcachedHost           string     `yaml:"memcached_host"`
	MemcachedPort           PortString `yaml:"memcached_port"`
	AlwaysAllowedIPs        Prefixes   `yaml:"allways_allowed_ips"`
	ReverseProxy            bool       `yaml:"reverse_proxy"`
	ReverseProxyHeader      string     `yaml:"reverse_proxy_header"`
	ReverseProxyRealIPRegex string     `yaml:"reverse_proxy_real_ip_regex"`
	ReverseProxyRegexPlace  int        `yaml:"reverse_proxy_regex_place"`
	AccessLog               string     `yaml:"access_log"`
	AccessLogMaxBytes       int        `yaml:"access_log_max_bytes"` // MiB
	AccessLogRotations      int        `yaml:"access_log_rotations"`

	// Listen is the HTTP listen address (default 127.0.0.1:8080).
	Listen string `yaml:"listen"`
	// TrustedProxies are the peers whose forwarding header is believed.
	TrustedProxies Prefixes `yaml:"trusted_proxies"`
	// TokenMinting is open, allowlist (only allways_allowed_ips may mint)
	// or off. Default: allowlist.
	TokenMinting string `yaml:"token_minting"`
	// SitesDir holds the site files; default: sites/ next to the config/
	// directory.
	SitesDir string `yaml:"sites_dir"`
	// StateDir holds what must survive a restart (TAXII collection
	// histories); default: state/ next to the config/ directory.
	StateDir string `yaml:"state_dir"`
	// StateMaxAgeDays is how many days a last good list in state_dir
	// neither built nor served is kept (default
	// DefaultStateMaxAgeDays); 0: kept until removed by hand.
	StateMaxAgeDays *int `yaml:"state_max_age_days"`
	// StateMaxBytes bounds the last good lists' files in state_dir
	// (default DefaultStateMaxBytes); 0: no bound.
	StateMaxBytes *int64 `yaml:"state_max_bytes"`
	// MemcachedServers lists host:port of a memcached cluster, in addition
	// to memcached_host/memcached_port.
	MemcachedServers []string `yaml:"memcached_servers"`
	// CacheMaxBytes bounds the in-process cache (default 256 MiB).
	CacheMaxBytes int64 `yaml:"cache_max_bytes"`
	// FeedSnapshotMaxBytes bounds the feed snapshots held in process
	// (default DefaultFeedSnapshotMaxBytes); the most recent one is kept
	// even when it alone is larger.
	FeedSnapshotMaxBytes int64 `yaml:"feed_snapshot_max_bytes"`
	// MemoryLimitBytes is the process's soft memory limit, as GOMEMLIMIT
	// sets it (which wins when set); 0: none.
	MemoryLimitBytes int64 `yaml:"memory_limit_bytes"`
	// AdminTokens are sha256 fingerprints of tokens allowed to flush the
	// whole cache.
	AdminTokens []string `yaml:"admin_tokens"`
	// AuthFailLimit is how many failed authentications (and token mints)
	// one address may make per minute before it gets 429 (default 20).
	AuthFailLimit int `yaml:"auth_fail_limit"`
	// Plugins are out-of-process renderers to launch.
	Plugins []Plugin `yaml:"plugins"`
	// DNS configures RPZ zones served by zone transfer.
	DNS *DNS `yaml:"dns"`
	// NeverBlock lists values no list of any site may carry.
	NeverBlock NeverBlock `yaml:"never_block"`
	// Limits are the connection, upstream and build bounds (limits.go).
	Limits `yaml:",inline"`

	// Mappings is the dataType -> MISP types table of mappings.yaml, when
	// that file exists next to config.yaml.
	Mappings map[string][]string `yaml:"-"`

	// alwaysAllowedTable is AlwaysAllowedIPs as a table (see AlwaysAllows).
	alwaysAllowedTable *acl.Table
}

// DefaultFeedSnapshotMaxBytes is feed_snapshot_max_bytes when unset: a few
// feeds of millions of attributes (some 61 bytes each).
const DefaultFeedSnapshotMaxBytes = 1 << 30

// MinMemoryLimitBytes is the smallest memory_limit_bytes: below it the
// collector would run without pause.
const MinMemoryLimitBytes = 64 << 20

// Plugin configures one out-of-process renderer.
type Plugin struct {
	Name   string `yaml:"name"`
	Path   string `yaml:"path"`
	SHA256 string `yaml:"sha256"`
}

// DNS is the dns: section: a DNS primary serving RPZ zones.
type DNS struct {
	// Listen is the UDP and TCP address, e.g. 127.0.0.1:5353.
	Listen string    `yaml:"listen"`
	Zones  []DNSZone `yaml:"zones"`
}

// DNSZone is one RPZ zone: which feed of which site it holds, and who may
// transfer it.
type DNSZone struct {
	// Name is the zone origin, e.g. rpz.cratos.
	Name string `yaml:"name"`
	// Token names the site and carries the MISP key the zone is read with.
	Token string `yaml:"token"`
	Feed  string `yaml:"feed"`
	// DataTypes default to domain, hostname, ipv4 and ipv6.
	DataTypes []string `yaml:"data_types"`
	// Age defaults to 1y.
	Age string `yaml:"age"`
	// RefreshSeconds is how often the zone is rebuilt (default 300).
	RefreshSeconds int      `yaml:"refresh_seconds"`
	AllowTransfer  Prefixes `yaml:"allow_transfer"`
	// AllowQuery may query the zone; default: AllowTransfer.
	AllowQuery Prefixes `yaml:"allow_query"`
	// Notify lists host:port of secondaries told of every change.
	Notify      []string `yaml:"notify"`
	TSIG        *TSIG    `yaml:"tsig"`
	JournalSize int      `yaml:"journal_size"`
}

// TSIG is a transaction signature key.
type TSIG struct {
	Name      string `yaml:"name"`
	Algorithm string `yaml:"algorithm"`
	Secret    string `yaml:"secret"`
}

// Token minting modes.
const (
	MintOpen      = "open"
	MintAllowlist = "allowlist"
	MintOff       = "off"
)

// Load reads config.yaml at path, and mappings.yaml beside it if present.
func Load(path string) (*Config, error) {
	data, err := readSmallFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	c := &Config{}
	if err := decodeStrict(path, data, c); err != nil {
		return nil, err
	}
	c.Path = path
	mpath := filepath.Join(filepath.Dir(path), "mappings.yaml")
	if mdata, err := readSmallFile(mpath); err == nil {
		m, err := parseMappings(mpath, mdata)
		if err != nil {
			return nil, err
		}
		c.Mappings = m
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("config: %w", err)
	}
	c.setDefaults()
	if err := c.Validate(); err != nil {
		return nil, withLines(path, data, err)
	}
	c.alwaysAllowedTable = acl.NewTable(c.AlwaysAllowedIPs)
	return c, nil
}

func (c *Config) setDefaults() {
	if c.Listen == "" {
		c.Listen = "127.0.0.1:8080"
	}
	if c.TokenMinting == "" {
		c.TokenMinting = MintAllowlist
	}
	if c.SitesDir == "" && c.Path != "" {
		c.SitesDir = filepath.Join(filepath.Dir(filepath.Dir(c.Path)), "sites")
	} else if c.SitesDir != "" && !filepath.IsAbs(c.SitesDir) && c.Path != "" {
		c.SitesDir = filepath.Join(filepath.Dir(c.Path), c.SitesDir)
	}
	if c.StateDir == "" && c.Path != "" {
		c.StateDir = filepath.Join(filepath.Dir(filepath.Dir(c.Path)), "state")
	} else if c.StateDir != "" && !filepath.IsAbs(c.StateDir) && c.Path != "" {
		c.StateDir = filepath.Join(filepath.Dir(c.Path), c.StateDir)
	}
	setDefault(&c.CacheMaxBytes, 256<<20)
	setDefault(&c.FeedSnapshotMaxBytes, DefaultFeedSnapshotMaxBytes)
	if c.ReverseProxyHeader == "" {
		c.ReverseProxyHeader = "X-Forwarded-For"
	}
	c.Limits.SetDefaults()
}

// Validate checks the values that decoding cannot.
func (c *Config) Validate() error {
	var errs []error
	if c.EncryptionKey == "" {
		errs = append(errs, errors.New("encryption_key is required"))
	}
	if c.Salt == "" {
		errs = append(errs, errors.New("salt is required"))
	}
	if !slices.Contains([]string{MintOpen, MintAllowlist, MintOff}, c.TokenMinting) {
		errs = append(errs, fmt.Errorf("token_minting %q: want open, allowlist or off", c.TokenMinting))
	}
	if err := CheckHostPort(c.Listen); err != nil {
		errs = append(errs, fmt.Errorf("listen %q: %v", c.Listen, err))
	}
	for _, s := range c.MemcachedServers {
		if CheckHostPort(s) != nil {
			errs = append(errs, fmt.Errorf("memcached_servers %q: want host:port", s))
		}
	}
	if c.AuthFailLimit < 0 {
		errs = append(errs, errors.New("auth_fail_limit must not be negative"))
	}
	if c.CacheMaxBytes < 0 {
		errs = append(errs, errors.New("cache_max_bytes must not be negative"))
	}
	if c.FeedSnapshotMaxBytes < 0 {
		errs = append(errs, errors.New("feed_snapshot_max_bytes must not be negative"))
	}
	if c.StateMaxAgeDays != nil {
		errs = checkRange(errs, "state_max_age_days", *c.StateMaxAgeDays, 0, maxStateMaxAgeDays)
	}
	if c.StateMaxBytes != nil && *c.StateMaxBytes < 0 {
		errs = append(errs, errors.New("state_max_bytes must not be negative (0: no bound)"))
	}
	if c.MemoryLimitBytes != 0 && c.MemoryLimitBytes < MinMemoryLimitBytes {
		errs = append(errs, fmt.Errorf("memory_limit_bytes must be 0 (none) or at least %d (64 MiB)", MinMemoryLimitBytes))
	}
	for _, f := range c.AdminTokens {
		if !isHex(f, 64) {
			errs = append(errs, fmt.Errorf("admin_tokens: %s is not a sha256 hex digest", quoteEntry(f)))
		}
	}
	seen := map[string]bool{}
	for i, p := range c.Plugins {
		switch {
		case p.Name == "":
			errs = append(errs, fmt.Errorf("plugins[%d]: name is required", i))
		case seen[p.Name]:
			errs = append(errs, fmt.Errorf("plugins[%d]: name %q used twice", i, p.Name))
		case !filepath.IsAbs(p.Path):
			errs = append(errs, fmt.Errorf("plugins[%d] (%s): path must be absolute", i, p.Name))
		case !isHex(strings.ToLower(p.SHA256), 64):
			errs = append(errs, fmt.Errorf("plugins[%d] (%s): sha256 must be 64 hex digits", i, p.Name))
		}
		seen[p.Name] = true
	}
	if c.DNS != nil {
		errs = append(errs, c.DNS.validate()...)
	}
	errs = append(errs, c.NeverBlock.validate("never_block")...)
	errs = append(errs, c.Limits.validate()...)
	for dt := range c.Mappings {
		if _, ok := indicator.LookupDataType(dt); !ok {
			errs = append(errs, fmt.Errorf("mappings.yaml: unknown data type %q", dt))
		}
	}
	return errors.Join(errs...)
}

// CheckHostPort checks a host:port address as net.Listen and net.Dial
// read it: its port a number up to 65535 or a service name.
func CheckHostPort(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if _, err := net.LookupPort("tcp", port); err != nil || port == "" {
		return fmt.Errorf("port %q: want 0-65535", port)
	}
	return nil
}

// MemcachedAddrs returns every configured memcached server.
func (c *Config) MemcachedAddrs() []string {
	var out []string
	if c.MemcachedHost != "" && c.MemcachedPort != "" {
		out = append(out, net.JoinHostPort(c.MemcachedHost, string(c.MemcachedPort)))
	}
	for _, s := range c.MemcachedServers {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// DataType returns the named data type with the MISP types of
// mappings.yaml applied.
func (c *Config) DataType(name string) (indicator.DataType, bool) {
	dt, ok := indicator.LookupDataType(name)
	if !ok {
		return dt, false
	}
	if types, ok := c.Mappings[name]; ok && len(types) > 0 {
		dt = dt.WithMISPTypes(types)
	}
	return dt, true
}

// mappingsFile is config/mappings.yaml. Only types is used; the other keys
// are accepted as the original's files carry them.
type mappingsFile struct {
	Types  typeTable   `yaml:"types"`
	Output unusedValue `yaml:"output"`
	Feeds  unusedValue `yaml:"feeds"`
	Ages   unusedValue `yaml:"ages"`
}

func parseMappings(path string, data []byte) (map[string][]string, error) {
	var m mappingsFile
	if err := decodeStrict(path, data, &m); err != nil {
		return nil, err
	}
	return map[string][]string(m.Types), nil
}

func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func (d *DNS) validate() []error {
	var errs []error
	if CheckHostPort(d.Listen) != nil {
		errs = append(errs, fmt.Errorf("dns.listen %q: want host:port", d.Listen))
	}
	seen := map[string]bool{}
	for i := range d.Zones {
		z := &d.Zones[i]
		if z.Age == "" {
			z.Age = "1y"
		}
		if len(z.DataTypes) == 0 {
			z.DataTypes = []string{"domain", "hostname", "ipv4", "ipv6"}
		}
		setDefault(&z.RefreshSeconds, 300)
		where := fmt.Sprintf("dns.zones[%d]", i)
		switch {
		case z.Name == "":
			errs = append(errs, fmt.Errorf("%s: name is required", where))
		case seen[strings.ToLower(z.Name)]:
			errs = append(errs, fmt.Errorf("%s: zone %q listed twice", where, z.Name))
		}
		seen[strings.ToLower(z.Name)] = true
		if z.Token == "" {
			errs = append(errs, fmt.Errorf("%s (%s): token is required", where, z.Name))
		}
		if !slices.Contains(FeedNames, z.Feed) {
			errs = append(errs, fmt.Errorf("%s (%s): feed %q is not a feed name", where, z.Name, z.Feed))
		}
		for _, dt := range z.DataTypes {
			if _, ok := indicator.LookupDataType(dt); !ok {
				errs = append(errs, fmt.Errorf("%s (%s): unknown data type %q", where, z.Name, dt))
			}
		}
		errs = checkRange(errs, where+" ("+z.Name+"): refresh_seconds", z.RefreshSeconds, 1, 86400)
		for _, n := range z.Notify {
			if CheckHostPort(n) != nil {
				errs = append(errs, fmt.Errorf("%s (%s): notify %q: want host:port", where, z.Name, n))
			}
		}
	}
	return errs
}
