package export_test

import (
	"context"
	"crypto/sha256"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/cache"
	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/export"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
	_ "github.com/cratos-project/cratos/renderers/txt"
)

var (
	bigSimOnce sync.Once
	bigSimURL  string
)

// bigSim serves 1,000,000 generated IP attributes on loopback.
func bigSim(b *testing.B) string {
	bigSimOnce.Do(func() {
		sim, err := mispsim.New(mispsim.Options{Generate: 1_000_000, Seed: 1, GenerateTypes: []string{"ip-dst", "ip-src", "ip-dst|port", "domain|ip"}})
		if err != nil {
			b.Fatal(err)
		}
		bigSimURL, err = sim.Start("127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
	})
	return bigSimURL
}

// BenchmarkColdBuild1M measures one cold feed build over 1,000,000 MISP
// attributes of the ipv4 data type's MISP types (the "any" feed) to txt:
// restSearch paging, decoding, canonicalisation, sorting and rendering.
func BenchmarkColdBuild1M(b *testing.B) {
	for _, dt := range []string{"ipv4"} {
		b.Run(dt, func(b *testing.B) {
			url := bigSim(b)
			host, _, _ := net.SplitHostPort(strings.TrimPrefix(url, "http://"))
			site := &config.Site{Name: host, Tag: "cratos", MISPTimeoutSeconds: 120, PageSize: 50000, ExpandLimit: 16}
			d, _ := indicator.LookupDataType(dt)
			b.ResetTimer()
			for range b.N {
				secret := sha256.Sum256([]byte("bench"))
				mem := cache.NewMemory(1 << 30)
				svc := export.New(export.Options{Renderers: renderers.Builtin(), Store: mem, KeySecret: secret[:]})
				res, err := svc.Get(context.Background(), export.Request{Site: site, MISPURL: url, MISPKey: mispsim.DefaultKey,
					Kind: export.KindFeed, Feed: "any", DataType: d, Age: "10y", Output: "txt", TTL: time.Minute})
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(res.Entries), "entries")
				b.ReportMetric(float64(res.Invalid), "invalid")
			}
		})
	}
}
