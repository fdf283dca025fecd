//go:build linux

package main

import (
	"context"
	"io"
	"syscall"
	"testing"
	"time"

	"github.com/cratos-project/cratos/plugins"
	"github.com/cratos-project/cratos/renderers"
)

// BenchmarkRender renders a feed of 1,000,000 addresses in process,
// through the bridge in process (Loopback), and through the plugin process.
// Besides wall time it reports the CPU time per render of this process
// (host-cpu-ms/op) and of the plugin process (plugin-cpu-ms/op), which a
// machine busy with other work inflates far less than wall time.
func BenchmarkRender(b *testing.B) {
	in := ipFeed(1_000_000)
	req := renderers.Request{Site: "misp.example", Feed: "block", DataType: "ipv4ext", Generated: generated}
	run := func(b *testing.B, r renderers.Renderer, done func()) {
		self0, child0 := cpuTime()
		b.ReportAllocs()
		for b.Loop() {
			if err := r.Render(context.Background(), io.Discard, req, renderers.Slice(in)); err != nil {
				b.Fatal(err)
			}
		}
		if done != nil {
			done() // a plugin's CPU time counts once it has exited
		}
		b.ReportMetric(float64(len(in))*float64(b.N)/b.Elapsed().Seconds(), "indicators/s")
		self1, child1 := cpuTime()
		ms := func(d time.Duration) float64 { return float64(d.Milliseconds()) / float64(b.N) }
		b.ReportMetric(ms(self1-self0), "host-cpu-ms/op")
		b.ReportMetric(ms(child1-child0), "plugin-cpu-ms/op")
	}
	b.Run("in-process", func(b *testing.B) { run(b, Renderer{}, nil) })
	b.Run("loopback", func(b *testing.B) {
		c, stop, err := plugins.Loopback(context.Background(), Renderer{})
		if err != nil {
			b.Fatal(err)
		}
		run(b, c, stop)
	})
	b.Run("plugin", func(b *testing.B) {
		p := launch(b)
		run(b, p.Renderer(), func() { p.Close() })
	})
}

// cpuTime returns the user and system time of this process and of its
// children that have exited.
func cpuTime() (self, children time.Duration) {
	var s, c syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &s)
	_ = syscall.Getrusage(syscall.RUSAGE_CHILDREN, &c)
	tv := func(t syscall.Timeval) time.Duration { return time.Duration(t.Nano()) }
	return tv(s.Utime) + tv(s.Stime), tv(c.Utime) + tv(c.Stime)
}
