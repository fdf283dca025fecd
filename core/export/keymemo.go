package export

import (
	"slices"
	"sync"

	"github.com/cratos-project/cratos/core/config"
)

// maxKeyMemo bounds the remembered cache keys of requests. Keys are
// remembered only for requests Get has validated (a known renderer, data
// type and age), and the table is emptied when it is full, so no client
// can grow it.
const maxKeyMemo = 4096

// keyMemoKey is every field of a Request that keysFor reads, except the
// data type's MISP types (a slice, compared on a hit) and renderer
// options given per request (such requests are not remembered). A site
// is immutable once loaded and a reload builds new ones, so its address
// stands for its name, expansion limits and renderer options; the memo
// holds the site, so the address is never reused while remembered.
type keyMemoKey struct {
	site                          *config.Site
	mispURL, mispKey              string
	kind                          Kind
	feed, org, vendor             string
	dataType, age, output, pkgTag string
}

type keyMemoEntry struct {
	mispTypes []string
	keys      keys
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
	mk := keyMemoKey{site: r.Site, mispURL: r.MISPURL, mispKey: r.MISPKey, kind: r.Kind, feed: r.Feed, org: r.Org,
		vendor: r.Vendor, dataType: r.DataType.Name, age: r.Age, output: r.Output, pkgTag: r.Package}
	km.mu.RLock()
	e, ok := km.m[mk]
	km.mu.RUnlock()
	if ok && slices.Equal(e.mispTypes, r.DataType.MISPTypes) {
		return e.keys
	}
	k := build(r)
	km.mu.Lock()
	if len(km.m) >= maxKeyMemo {
		clear(km.m)
	}
	km.m[mk] = keyMemoEntry{mispTypes: slices.Clone(r.DataType.MISPTypes), keys: k}
	km.mu.Unlock()
	return k
}

func (km *keyMemo) len() int {
	km.mu.RLock()
	defer km.mu.RUnlock()
	return len(km.m)
}
