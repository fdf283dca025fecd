package export

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

// Request is one list request, already authenticated.
type Request struct {
	Site             *config.Site
	MISPURL, MISPKey string
	Kind             Kind
	Feed             string // feed name (feed and vendor routes)
	Org              string // organisation uuid (uuid route)
	Vendor           string // paloalto or cisco (vendor route)
	DataType         indicator.DataType
	Age              string
	Output           string // renderer name (feed and uuid routes)
	TTL              time.Duration
	// RendererOptions override the site's options for this renderer.
	RendererOptions map[string]string
	// Package, when set, wraps the list (PackageTarGz).
	Package string
	// Consumer identifies the caller for the cold-build budget.
	Consumer string
	// WaitFresh makes a list past its lifetime wait for its rebuild
	// rather than be served while it is rebuilt (refresh.go).
	WaitFresh bool
	// Path, when set, names where the list is served when it is not at
	// its list route (a DNS zone): its hold carries it.
	Path string
}

// rendererOptions returns the site's options for renderer name with the
// request's overrides applied.
func (r Request) rendererOptions(name string) map[string]string {
	site := r.Site.Renderers[name]
	if len(r.RendererOptions) == 0 {
		return site
	}
	out := make(map[string]string, len(site)+len(r.RendererOptions))
	for k, v := range site {
		out[k] = v
	}
	for k, v := range r.RendererOptions {
		out[k] = v
	}
	return out
}

// Result is a served artifact.
type Result struct {
	*Artifact
	Status Status
	// Upstream is the failure that made a STALE result necessary.
	Upstream error
	// Held, when set, says that the circuit breaker held the rebuilt list
	// and this is the last good one.
	Held *Hold
}

// Read returns when MISP was last read for what r serves, which its Age
// counts from: the artifact's read or, for a held list, the hold's last
// read when later, which confirmed it (heldRead).
func (r Result) Read() time.Time {
	if r.Held != nil && r.Held.Read.After(r.Fetched) {
		return r.Held.Read
	}
	return r.Fetched
}

// Renderer resolves the renderer a request names and checks that it can
// carry the data type.
func (s *Service) Renderer(r Request) (renderers.Renderer, error) {
	name := r.Output
	if r.Kind == KindVendor {
		switch r.Vendor {
		case "paloalto", "cisco":
			name = "txt"
		default:
			return nil, fmt.Errorf("vendor %q: %w", r.Vendor, ErrUnknownVendor)
		}
	}
	if r.Package != "" && r.Package != PackageTarGz {
		return nil, fmt.Errorf("package %q: %w", r.Package, ErrUnknownPackage)
	}
	mk := rendererMemoKey{name: name, yields: r.DataType.Yields}
	if rd, ok := s.rdMemo.Get(mk); ok {
		return rd, nil
	}
	rd, ok := s.opts.Renderers.Lookup(name)
	if !ok {
		return nil, fmt.Errorf("output %q: %w (valid: %s)", name, ErrUnknownOutput, strings.Join(s.opts.Renderers.Names(), ", "))
	}
	info := rd.Info()
	if !slices.ContainsFunc(info.Types, r.DataType.Yields.Has) {
		return nil, fmt.Errorf("output %q cannot carry data type %q: %w", name, r.DataType.Name, ErrUnsupportedType)
	}
	s.rdMemo.Put(mk, rd)
	return rd, nil
}

// keys names a request's cache entries. group gathers every output of
// one feed for one site and one MISP key identity, for clearing.
type keys struct {
	group, snapshot, artifact string
	// identity names the request's MISP key (Service.Identity).
	identity string
	// list names what the request's URL names, whatever the settings in
	// the other keys: the list a device holds under it (listdate.go).
	list string
	// withoutUUIDs: the list is made without UUIDs, which its renderer
	// does not read (listKeys).
	withoutUUIDs bool
}

// listKeys is keysFor for a list to be rendered. A renderer that reads no
// UUID is given a list made without them, under a snapshot key of its
// own: a UUID's text is 36 bytes, most of a large IP list's text. What
// else the two lists hold is the same (indicator.Normalize keeps the same
// duplicate of each with or without UUIDs), and so is the artifact key.
func (s *Service) listKeys(r Request) keys {
	k := s.keysFor(r)
	if rd, err := s.Renderer(r); err == nil && rd.Info().Reads.Declared()&renderers.FieldUUID == 0 {
		k.snapshot += "|without-uuids"
		k.withoutUUIDs = true
	}
	return k
}

func (s *Service) keysFor(r Request) keys {
	keyID := s.keyID(r.Site.Name + "\x00" + r.MISPURL + "\x00" + r.MISPKey)
	selector := r.Feed
	kind := KindFeed
	if r.Kind == KindOrg {
		selector, kind = r.Org, KindOrg
	}
	group := strings.Join([]string{keyID, r.Site.Name, string(kind), selector, r.DataType.Name, r.Age}, "|")
	snapshot := "snap|" + keyID + "|" + group + "|" + strings.Join(r.DataType.MISPTypes, ",") + "|" + strconv.Itoa(r.Site.ExpandLimit) + "/" + strconv.Itoa(r.Site.ExpandMax) +
		"|guard:" + r.Site.GuardDigest() + "|rules:" + guardRules(r.Site) + s.neverBlockKey
	out := "out:" + r.Output
	if r.Kind == KindVendor {
		out = "vendor:" + r.Vendor
	}
	artifact := "art|" + snapshot + "|" + out + "|" + optionsDigest(r.rendererOptions(r.Output)) + "|" + r.Package
	if len(r.RendererOptions) > 0 {
		// A list with options of its own (a DNS zone's) is never another
		// URL's list of the same settings: the list last served at each
		// is noted by its own builds only (listdate.go).
		artifact += "|own:" + optionsDigest(r.RendererOptions)
	}
	list := "list|" + group + "|" + out + "|" + optionsDigest(r.RendererOptions) + "|" + r.Package
	return keys{group: group, snapshot: snapshot, artifact: artifact, list: list, identity: keyID}
}

// keyID returns the keyed hash naming a (site, MISP URL, MISP key) in
// cache keys, remembered so a hit costs no HMAC. The table is bounded.
func (s *Service) keyID(ident string) string {
	if id, ok := s.keyIDs.Get(ident); ok {
		return id
	}
	mac := hmac.New(sha256.New, s.opts.KeySecret)
	mac.Write([]byte(ident))
	id := hex.EncodeToString(mac.Sum(nil)[:12])
	s.keyIDs.Set(ident, id, 0)
	return id
}

func optionsDigest(opts map[string]string) string {
	if len(opts) == 0 {
		return "-"
	}
	keys := make([]string, 0, len(opts))
	for k := range opts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	h := sha256.New()
	for _, k := range keys {
		h.Write([]byte(k + "\x00" + opts[k] + "\x00"))
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// guardRules is a digest of the site's guard: section alone, which the
// snapshot key names apart from the settings the guard digest mixes in
// (the MISP URL, the selection), so that a list built under another
// guard is told from one built under another query (guardChanged). The
// circuit breaker's settings are left out: they keep no entry out.
func guardRules(site *config.Site) string {
	g := site.Guard
	g.CircuitBreaker, g.HoldDropPercent, g.HoldMinEntries = nil, 0, 0
	b, _ := json.Marshal(g)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

// guardChanged reports whether the list of artifact key former was built
// under other guard rules (the site's or never_block) than the list of
// artifact key current. A key that names no rules (made by an earlier
// version) is taken as unchanged.
func guardChanged(former, current string) bool {
	f, _ := keyRules(former)
	c, _ := keyRules(current)
	return f != "" && f != c
}

// listSettingsChanged reports whether the list of artifact key former was
// built under other guard rules or renderer options than the list of
// artifact key current, both made by the operator's settings rather than
// by MISP's answer. A key that names no rules (made by an earlier
// version) is taken as unchanged.
func listSettingsChanged(former, current string) bool {
	fr, fo := keyRules(former)
	cr, co := keyRules(current)
	return fr != "" && (fr != cr || fo != co)
}

// keyRules returns the guard rules an artifact key names and what follows
// them (the output, its renderer options and package); "" when it names
// no rules.
func keyRules(key string) (rules, rest string) {
	_, after, ok := strings.Cut(key, "|rules:")
	if !ok {
		return "", ""
	}
	rules, rest, _ = strings.Cut(after, "|")
	return rules, rest
}

// neverBlockKey is what config.yaml's never_block adds to the cache keys:
// nothing when it is empty (keys stay as they were), else a digest of it,
// so that lists made under other rules, in memcached or on disk, are not
// served after the restart that reads new ones.
func neverBlockKey(nb config.NeverBlock) string {
	if len(nb.CIDRs)+len(nb.Domains)+len(nb.URLs) == 0 {
		return ""
	}
	b, _ := json.Marshal(nb)
	sum := sha256.Sum256(b)
	return "+never_block:" + hex.EncodeToString(sum[:8])
}
