package export

import (
	"maps"
	"slices"
	"sync"
)

// maxKeyMemo bounds the remembered cache keys of requests. Keys are
// remembered only for requests Get has validated (a known renderer, data
// type and age), and the table is emptied when it is full, so no client
// can grow it.
const maxKeyMemo = 4096

// keyMemoKey is the fields of a Request that keysFor reads and that
// compare cheaply. The rest (the data type's MISP types, the site's
// expansion limits and renderer options) are kept in the entry as copies
// and compared on a hit, so a site reloaded or changed in place, or a
// changed mapping, gets new keys. Requests with renderer options of
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
	options                map[string]string
	keys                   keys
}

// matches reports whether the parts of r the key leaves out are those
// the entry was built from.
func (e *keyMemoEntry) matches(r Request) bool {
	return e.expandLimit == r.Site.ExpandLimit && e.expandMax == r.Site.ExpandMax &&
		slices.Equal(e.mispTypes, r.DataType.MISPTypes) && maps.Equal(e.options, r.Site.Renderers[r.Output])
}

// keyMemo remembers the cache keys of recent requests so that a cache hit
// builds no key strings and hashes no options.
type keyMemo struct {
	mu sync.RWMutex
	m  map[keyMemoKey]keyMemoEntry
}

func newKeyMemo() *keyMemo { return &keyMemo{m: make(map[keyMemoKey]keyMemoEntry)} }

// keysFor returns the keys of r, remembered or computed by build.
func (km *keyMemo) keysFor(r Request, build func(Request) keys) keys {
	if len(r.RendererOptions) > 0 {
		return build(r)
	}
	mk := keyMemoKey{site: r.Site.Name, mispURL: r.MISPURL, mispKey: r.MISPKey, kind: r.Kind, feed: r.Feed, org: r.Org,
		vendor: r.Vendor, dataType: r.DataType.Name, age: r.Age, output: r.Output, pkgTag: r.Package}
	km.mu.RLock()
	e, ok := km.m[mk]
	km.mu.RUnlock()
	if ok && e.matches(r) {
		return e.keys
	}
	k := build(r)
	km.mu.Lock()
	if len(km.m) >= maxKeyMemo {
		clear(km.m)
	}
	km.m[mk] = keyMemoEntry{mispTypes: slices.Clone(r.DataType.MISPTypes), expandLimit: r.Site.ExpandLimit,
		expandMax: r.Site.ExpandMax, options: maps.Clone(r.Site.Renderers[r.Output]), keys: k}
	km.mu.Unlock()
	return k
}

func (km *keyMemo) len() int {
	km.mu.RLock()
	defer km.mu.RUnlock()
	return len(km.m)
}
