package export

import (
	"maps"
	"slices"

	"github.com/cratos-project/cratos/core/cache"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

// Bounds of the memos of validated requests. Entries are added only for
// requests that passed validation, and a memo is emptied when it is full,
// so no client can grow one.
const (
	maxKeyMemo      = 4096
	maxRendererMemo = 1024
)

// keyMemoKey is the fields of a Request that keysFor reads and that
// compare cheaply. The rest (the data type's MISP types, the site's
// expansion limits, guard rules and renderer options) are kept in the
// entry as copies and compared on a hit, so a site reloaded or changed in
// place, or a changed mapping, gets new keys. Requests with renderer options of
// their own are not remembered.
type keyMemoKey struct {
	site, mispURL, mispKey        string
	kind                          Kind
	feed, org, vendor             string
	dataType, age, output, pkgTag string
}

type keyMemoEntry struct {
	mispTypes              []string
	expandLimit, expandMax int
	guard                  string // Site.GuardDigest
	options                map[string]string
	keys                   keys
}

// matches reports whether the parts of r the key leaves out are those
// the entry was built from.
func (e *keyMemoEntry) matches(r Request) bool {
	return e.expandLimit == r.Site.ExpandLimit && e.expandMax == r.Site.ExpandMax && e.guard == r.Site.GuardDigest() &&
		slices.Equal(e.mispTypes, r.DataType.MISPTypes) && maps.Equal(e.options, r.Site.Renderers[r.Output])
}

// keyMemo remembers the cache keys of recent requests so that a cache hit
// builds no key strings and hashes no options.
type keyMemo struct {
	*cache.Memo[keyMemoKey, keyMemoEntry]
}

func newKeyMemo() keyMemo { return keyMemo{cache.NewMemo[keyMemoKey, keyMemoEntry](maxKeyMemo)} }

// keysFor returns the keys of r, remembered or computed by build.
func (km keyMemo) keysFor(r Request, build func(Request) keys) keys {
	if len(r.RendererOptions) > 0 {
		return build(r)
	}
	mk := keyMemoKey{site: r.Site.Name, mispURL: r.MISPURL, mispKey: r.MISPKey, kind: r.Kind, feed: r.Feed, org: r.Org,
		vendor: r.Vendor, dataType: r.DataType.Name, age: r.Age, output: r.Output, pkgTag: r.Package}
	if e, ok := km.Get(mk); ok && e.matches(r) {
		return e.keys
	}
	k := build(r)
	km.Put(mk, keyMemoEntry{mispTypes: slices.Clone(r.DataType.MISPTypes), expandLimit: r.Site.ExpandLimit,
		expandMax: r.Site.ExpandMax, guard: r.Site.GuardDigest(), options: maps.Clone(r.Site.Renderers[r.Output]), keys: k})
	return k
}

// rendererMemoKey is what decides whether a registered renderer can carry
// a data type: its name and the kinds the data type yields. A registry
// never replaces the renderer of a name, nor a renderer its Info, so a
// renderer found able once stays so.
type rendererMemoKey struct {
	name   string
	yields indicator.TypeSet
}

type rendererMemo = *cache.Memo[rendererMemoKey, renderers.Renderer]

func newRendererMemo() rendererMemo {
	return cache.NewMemo[rendererMemoKey, renderers.Renderer](maxRendererMemo)
}
