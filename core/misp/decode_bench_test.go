package misp

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/internal/testtool"
	"github.com/valyala/fastjson"
)

// page builds a restSearch answer of n attributes in MISP's real shape.
func page(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"response": {"Attribute": [`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"%d","event_id":"%d","object_id":"0","object_relation":null,"category":"Network activity","type":"ip-dst","to_ids":true,"uuid":"5f0c9a52-6d1e-4b7a-9c3d-%012d","timestamp":"1700000000","distribution":"5","sharing_group_id":"0","comment":"","deleted":false,"disable_correlation":false,"first_seen":null,"last_seen":null,"value":"198.51.%d.%d","Event":{"org_id":"1","distribution":"3","id":"%d","info":"OSINT - campaign wave 3","orgc_id":"5","uuid":"7713ad4d-a0e1-46c6-bf59-eaa1bcb67968"}}`,
			i, i/1000, i, (i/256)%256, i%256, i/1000)
	}
	b.WriteString(`]}}`)
	return []byte(b.String())
}

// BenchmarkDecodePage decodes a 25,000-attribute page: the streaming
// decoder against the fastjson decoder it replaced and one fastjson tree
// for the whole page. Besides MB/s (wall clock) it reports MB/cpu-s, the
// page bytes over the process's CPU time, which a machine busy with other
// work inflates less (left out where CPU time is unknown).
func BenchmarkDecodePage(b *testing.B) {
	body := page(25000)
	for _, tc := range []struct {
		name   string
		decode func(*fastjson.Parser, []byte, func(indicator.Attribute)) (int, error)
	}{{"streaming", decodeStreamed(pageWindow, pageWindow, pageWindow)}, {"whole", decodeWhole}, {"fastjson", decodeListFastjson}, {"tree", decodePageTree}} {
		b.Run(tc.name, func(b *testing.B) {
			var p fastjson.Parser
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			cpu0 := testtool.CPUTime()
			for range b.N {
				if _, err := tc.decode(&p, body, func(indicator.Attribute) {}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)*25000/b.Elapsed().Seconds(), "attrs/s")
			if cpu := testtool.CPUTime() - cpu0; cpu0 > 0 && cpu > 0 {
				b.ReportMetric(float64(b.N)*float64(len(body))/1e6/cpu.Seconds(), "MB/cpu-s")
			}
		})
	}
}

// BenchmarkDecodeRealPage decodes one page holding every attribute of the
// real MISP events in ../shared/data (3,621 attributes, 3.7 MB with the
// base64 samples some carry), with the decoder and the fastjson one.
func BenchmarkDecodeRealPage(b *testing.B) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "..", "shared", "data", "misp-events", "*.json"))
	if len(files) == 0 {
		b.Skip("no real MISP events in ../shared/data/misp-events")
	}
	var attrs []string
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		collectAttributes(b, body, &attrs)
	}
	body := attrPage(attrs...)
	for _, tc := range []struct {
		name   string
		decode func(*fastjson.Parser, []byte, func(indicator.Attribute)) (int, error)
	}{{"streaming", decodeStreamed(pageWindow, pageWindow, pageWindow)}, {"whole", decodeWhole}, {"fastjson", decodeListFastjson}} {
		b.Run(tc.name, func(b *testing.B) {
			var p fastjson.Parser
			b.SetBytes(int64(len(body)))
			cpu0 := testtool.CPUTime()
			for range b.N {
				if n, err := tc.decode(&p, body, func(indicator.Attribute) {}); err != nil || n != len(attrs) {
					b.Fatal(n, err)
				}
			}
			if cpu := testtool.CPUTime() - cpu0; cpu0 > 0 && cpu > 0 {
				b.ReportMetric(float64(b.N)*float64(len(body))/1e6/cpu.Seconds(), "MB/cpu-s")
			}
		})
	}
}
