package export

import (
	"crypto/sha256"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/cache"
	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

// anyFeedRequest asks the emulator at url, as site misp.test reading
// pages of 1000, for the "any" feed's list of dataType at age in output.
func anyFeedRequest(url, dataType, age, output string, ttl time.Duration) Request {
	dt, _ := indicator.LookupDataType(dataType)
	site := &config.Site{Name: "misp.test", Tag: "cratos", MISPTimeoutSeconds: 60, PageSize: 1000, ExpandLimit: 16}
	return Request{Site: site, MISPURL: url, MISPKey: mispsim.DefaultKey, Kind: KindFeed, Feed: "any", DataType: dt,
		Age: age, Output: output, TTL: ttl}
}

// inMemory fills opts with the built-in renderers, a new 64 MiB
// in-memory cache and a key secret derived from name.
func inMemory(opts Options, name string) Options {
	secret := sha256.Sum256([]byte(name))
	opts.Renderers, opts.Store, opts.KeySecret = renderers.Builtin(), cache.NewMemory(64<<20), secret[:]
	return opts
}
