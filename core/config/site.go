package config

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/cratos-project/cratos/core/acl"
	"github.com/cratos-project/cratos/core/indicator"
)

// Site is sites/<fqdn>.yaml: one MISP instance and who may read it.
type Site struct {
	// Name is the fqdn the file is named after; tokens name it.
	Name string `yaml:"-"`
	// Path is the file the site was read from.
	Path string `yaml:"-"`

	Enabled              *bool       `yaml:"enabled"`
	Debug                bool        `yaml:"debug"`
	Company              string      `yaml:"company"`
	Tag                  string      `yaml:"tag"`
	MISPVerifyCert       *bool       `yaml:"mispVerifyCert"`
	MISPTimeoutSeconds   int         `yaml:"mispTimeoutSeconds"`
	MISPDebug            bool        `yaml:"mispDebug"`
	MemcachedAllTimeout  int         `yaml:"memcached_all_timeout"`
	FalsePositiveTimeout string      `yaml:"falsepositive_timeout"`
	ListStats            unusedValue `yaml:"list_stats"`
	AllowedIPs           Prefixes    `yaml:"allowed_ips"`
	CustomFeeds          CustomFeeds `yaml:"custom_feeds"`
	IgnoreToIDs          []string    `yaml:"ignore_to_ids"`
	BlacklistedAPITokens []string    `yaml:"blacklisted_api_tokens"`

	// MISPURL, when set, is where /v1/status probes this site's MISP
	// (tokens carry the URL used for requests).
	MISPURL string `yaml:"misp_url"`
	// Renderers holds per-renderer options: renderer name -> option -> value.
	Renderers rendererTable `yaml:"renderers"`
	// PageSize is the number of attributes asked of MISP per restSearch
	// page (default 25000).
	PageSize int `yaml:"page_size"`
	// ExpandLimit is the shortest IPv4 prefix length the ipv4ext data type
	// expands into addresses (default 16).
	ExpandLimit int `yaml:"ipv4ext_expand_limit"`
	// ExpandMax is the most addresses ipv4ext adds to one list by
	// expanding nets (default 1,048,576); nets past it stay nets.
	ExpandMax int `yaml:"ipv4ext_expand_max"`
	// MaxStaleSeconds is how long past its lifetime a list is still
	// served at once while it is rebuilt in the background (default
	// 86400; -1 never serves an expired list without a rebuild).
	MaxStaleSeconds int `yaml:"max_stale_seconds"`
	// Consumers names tokens by fingerprint, with their pull interval.
	Consumers consumerTable `yaml:"consumers"`

	// Warnings are problems that did not stop the file from loading
	// (path:line: what), for the log.
	Warnings []string `yaml:"-"`
	// Guard configures what never reaches a device (see Guard).
	Guard Guard `yaml:"guard"`
	// TokenMaxDays, when set, caps token lifetime for this site: a token
	// expiring more than this many days ahead is refused, and not minted.
	TokenMaxDays int `yaml:"token_max_days"`

	revoked map[string]bool
	// guardDigest and selectionDigest are GuardDigest and
	// SelectionDigest, taken once the file is read.
	guardDigest, selectionDigest string
	// allowedTable is AllowedIPs as a table (see Allows).
	allowedTable *acl.Table
	// fileSum is the SHA-256 of the file the site was read from: a reload
	// keeps the site of a file that did not change (Sites.Reload).
	fileSum [sha256.Size]byte
}

// CustomFeed is one entry of custom_feeds: a feed name and the tag
// suffixes appended to the site's tag.
type CustomFeed struct {
	Name     string
	Suffixes []string
}

// CustomFeeds keeps custom_feeds in file order (the feed mapping route
// lists them that way).
type CustomFeeds []CustomFeed

// UnmarshalYAML implements yaml.Unmarshaler.
func (c *CustomFeeds) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		*c = nil
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: custom_feeds must map feed names to tag suffixes", n.Line)
	}
	var out CustomFeeds
	first := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !slices.Contains(FeedNames, k.Value) || k.Value == "any" || k.Value == "42" {
			return fmt.Errorf("line %d: custom feed %q: want one of incident, block, alert, hunt, cust1..cust5", k.Line, k.Value)
		}
		if line, dup := first[k.Value]; dup {
			return fmt.Errorf("line %d: custom feed %q listed twice (first at line %d)", k.Line, k.Value, line)
		}
		first[k.Value] = k.Line
		var s StringOrList
		if err := s.UnmarshalYAML(v); err != nil {
			return err
		}
		if len(s) == 0 {
			// No tag would select the feed: it would be everything.
			return fmt.Errorf("line %d: custom feed %q: no tag suffix", v.Line, k.Value)
		}
		for _, suf := range s {
			if suf == "" {
				return fmt.Errorf("line %d: custom feed %q: empty tag suffix", v.Line, k.Value)
			}
		}
		out = append(out, CustomFeed{Name: k.Value, Suffixes: s})
	}
	*c = out
	return nil
}

// Lookup returns the suffixes configured for feed.
func (c CustomFeeds) Lookup(feed string) ([]string, bool) {
	for _, f := range c {
		if f.Name == feed {
			return f.Suffixes, true
		}
	}
	return nil, false
}

// FeedNames are the values of the routes' {feedName} segment.
var FeedNames = []string{"incident", "block", "alert", "hunt", "cust1", "cust2", "cust3", "cust4", "cust5", "any", "42"}

// IsEnabled reports whether the site serves requests (enabled defaults to
// true).
func (s *Site) IsEnabled() bool { return s.Enabled == nil || *s.Enabled }

// VerifyCert reports whether MISP's TLS certificate is verified (default
// true).
func (s *Site) VerifyCert() bool { return s.MISPVerifyCert == nil || *s.MISPVerifyCert }

// TokenTooLong reports whether a token expiring on expires (YYYY-MM-DD)
// outlives the site's token_max_days as seen at now.
func (s *Site) TokenTooLong(expires string, now time.Time) bool {
	if s.TokenMaxDays <= 0 {
		return false
	}
	exp, err := time.Parse(time.DateOnly, expires)
	if err != nil {
		return true
	}
	return exp.After(now.UTC().AddDate(0, 0, s.TokenMaxDays))
}

// IsRevoked reports whether the token fingerprint (lower-case hex sha256)
// is listed in blacklisted_api_tokens.
func (s *Site) IsRevoked(fingerprint string) bool { return s.revoked[fingerprint] }

// LoadSite reads one site file. check, when not nil, validates each
// renderer's options.
func LoadSite(path string, check RendererCheck) (*Site, error) {
	data, err := readSmallFile(path)
	if err != nil {
		return nil, fmt.Errorf("site: %w", err)
	}
	s := &Site{}
	if err := decodeStrict(path, data, s); err != nil {
		return nil, err
	}
	if err := s.validate(path, data, check); err != nil {
		return nil, err
	}
	s.fileSum = sha256.Sum256(data)
	return s, nil
}

// validate applies defaults and checks the values decoding cannot; errors
// name the file and line.
func (s *Site) validate(path string, data []byte, check RendererCheck) error {
	s.Path = path
	s.Name = strings.TrimSuffix(filepath.Base(path), ".yaml")
	setDefault(&s.MISPTimeoutSeconds, 30)
	setDefault(&s.PageSize, 25000)
	setDefault(&s.ExpandLimit, 16)
	setDefault(&s.ExpandMax, indicator.DefaultExpandBudget)
	var errs []error
	if strings.TrimSpace(s.Tag) == "" {
		errs = append(errs, errors.New("tag is required"))
	}
	errs = checkRange(errs, "mispTimeoutSeconds", s.MISPTimeoutSeconds, 1, 3600)
	errs = checkRange(errs, "page_size", s.PageSize, 1, 1000000)
	errs = checkRange(errs, "ipv4ext_expand_max", s.ExpandMax, 0, 1<<24)
	if s.MaxStaleSeconds < -1 || s.MaxStaleSeconds > 30*86400 {
		errs = append(errs, fmt.Errorf("max_stale_seconds %d: want -1 (off), 0 (default, 86400) or up to 2592000", s.MaxStaleSeconds))
	}
	errs = checkRange(errs, "ipv4ext_expand_limit", s.ExpandLimit, 1, 32)
	errs = checkRange(errs, "token_max_days", s.TokenMaxDays, 0, 36500)
	errs = checkRange(errs, "memcached_all_timeout", s.MemcachedAllTimeout, 0, 86400)
	errs = append(errs, s.Guard.setDefaults()...)
	s.selectionDigest = s.digestSelection()
	s.guardDigest = s.digestGuard()
	s.allowedTable = acl.NewTable(s.AllowedIPs)
	s.revoked = make(map[string]bool, len(s.BlacklistedAPITokens))
	lines := tokenDigestLines(data)
	for i, entry := range s.BlacklistedAPITokens {
		entry = strings.TrimSpace(entry)
		h := strings.ToLower(entry)
		if h == "" {
			continue
		}
		if !isHex(h, 64) {
			// The original's own example lists "empty"; an operator may
			// paste the token itself. Revoke the token it would be, and
			// say where.
			where := path
			if i < len(lines) && lines[i] > 0 {
				where = fmt.Sprintf("%s:%d", path, lines[i])
			}
			s.Warnings = append(s.Warnings, fmt.Sprintf("%s: blacklisted_api_tokens: %s is not a sha256 hex digest (cratos token inspect prints one); "+
				"taken for a token, the token it is is revoked", where, quoteEntry(entry)))
			sum := sha256.Sum256([]byte(entry))
			s.revoked[hex.EncodeToString(sum[:])] = true
			continue
		}
		s.revoked[h] = true
	}
	errs = append(errs, s.normaliseConsumers()...)
	if check != nil {
		names := make([]string, 0, len(s.Renderers))
		for n := range s.Renderers {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			if err := check(n, s.Renderers[n]); err != nil {
				errs = append(errs, fmt.Errorf("renderers.%s: %w", n, err))
			}
		}
	}
	return withLines(path, data, errors.Join(errs...))
}

// RendererCheck validates the options given to one renderer.
type RendererCheck func(renderer string, options map[string]string) error

// Sites is the set of site files in a directory, replaced atomically on
// Reload. It is safe for concurrent use.
type Sites struct {
	dir   string
	check RendererCheck
	cur   atomic.Pointer[map[string]*Site]
	// gen counts the reloads, each counted once its sites are in cur.
	gen atomic.Uint64
	// misnamed are the files of the last read not loaded for their name.
	misnamed atomic.Pointer[[]string]
}

// LoadSites reads every *.yaml file in dir. Any broken file is an error:
// start-up must not go ahead with a site missing.
func LoadSites(dir string, check RendererCheck) (*Sites, error) {
	s := &Sites{dir: dir, check: check}
	m, errs := s.read(nil)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	s.cur.Store(&m)
	return s, nil
}

// NewSites returns a Sites holding the given sites, for tests and the demo.
func NewSites(sites ...*Site) *Sites {
	m := make(map[string]*Site, len(sites))
	for _, st := range sites {
		m[st.Name] = st
	}
	s := &Sites{}
	s.cur.Store(&m)
	return s
}

// Reload rereads the directory. A file that fails to load keeps the
// previous good version of its site; the errors say which and why.
// Removed files remove their sites. A file that did not change keeps its
// *Site, so that a caller comparing the site it used with the one loaded
// now sees a change only where there is one.
func (s *Sites) Reload() []error {
	if s.dir == "" {
		return nil
	}
	old := *s.cur.Load()
	m, errs := s.read(old)
	if len(m) == 0 && len(old) > 0 {
		// A directory emptied for a moment (a deployment replacing its
		// files, rsync --delete) would refuse every device at once.
		return append(errs, fmt.Errorf("sites: %s holds no site file: keeping the %d sites loaded (a restart starts with none)", s.dir, len(old)))
	}
	s.cur.Store(&m)
	s.gen.Add(1)
	return errs
}

// Generation counts the reloads so far. A caller that reads it before Get
// and finds it unchanged later knows that what Get returned is still
// current; after a change, Get may return a site of either generation.
func (s *Sites) Generation() uint64 { return s.gen.Load() }

func (s *Sites) read(previous map[string]*Site) (map[string]*Site, []error) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		if previous != nil {
			return previous, []error{fmt.Errorf("sites: %w", err)}
		}
		return nil, []error{fmt.Errorf("sites: %w", err)}
	}
	m := map[string]*Site{}
	var errs []error
	var misnamed []string
	defer func() { s.misnamed.Store(&misnamed) }()
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue // an editor's lock or swap file: no host starts with a dot
		}
		if isMisnamedSite(e) {
			misnamed = append(misnamed, filepath.Join(s.dir, e.Name()))
			continue
		}
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".yaml") || !e.Type().IsRegular() && e.Type()&os.ModeSymlink == 0 {
			continue // a FIFO, socket or device is never opened
		}
		path := filepath.Join(s.dir, e.Name())
		st, err := LoadSite(path, s.check)
		if err != nil {
			errs = append(errs, err)
			if prev, ok := previous[strings.TrimSuffix(e.Name(), ".yaml")]; ok {
				m[prev.Name] = prev
			}
			continue
		}
		if prev, ok := previous[st.Name]; ok && prev.Path == st.Path && prev.fileSum == st.fileSum {
			st = prev
		}
		m[st.Name] = st
	}
	return m, errs
}

// Get returns the site named fqdn: the file name must match exactly, as
// in the original (a token for MISP.example.net does not read
// misp.example.net.yaml).
func (s *Sites) Get(fqdn string) (*Site, bool) {
	m := *s.cur.Load()
	st, ok := m[fqdn]
	return st, ok
}

// All returns every site sorted by name.
func (s *Sites) All() []*Site {
	m := *s.cur.Load()
	out := make([]*Site, 0, len(m))
	for _, st := range m {
		out = append(out, st)
	}
	slices.SortFunc(out, func(a, b *Site) int { return strings.Compare(a.Name, b.Name) })
	return out
}
