// Command faulty is a test plugin that misbehaves on demand. The request's
// feed (or a site named fault-<fault>) names the fault; the name the binary is started under names a fault
// at start, and so does a file named hang-at-start next to the binary.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/plugins"
	"github.com/cratos-project/cratos/renderers"
)

type faulty struct{}

// chatterLines is how many lines the chatter-crash fault prints.
const chatterLines = 5000

func (faulty) Info() renderers.Info {
	return renderers.Info{
		Name:        "faulty",
		Description: "test plugin that fails on demand",
		ContentType: "text/plain; charset=utf-8",
		Extension:   ".txt",
		Types:       []indicator.Type{indicator.IPv4, indicator.Domain},
	}
}

func (faulty) Render(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
	fault := req.Feed
	if f, ok := strings.CutPrefix(req.Site, "fault-"); ok {
		fault = f // a site named fault-X makes fault X on any feed
	}
	switch fault {
	case "panic":
		fmt.Fprintln(w, "partial")
		panic("faulty: boom")
	case "exit":
		// Enough output for chunks to be on their way, then die.
		for range 4 {
			if _, err := w.Write(make([]byte, plugins.MaxChunk)); err != nil {
				return err
			}
		}
		os.Exit(3)
	case "flood":
		// Output without end, as a broken plugin might write.
		chunk := make([]byte, plugins.MaxChunk)
		for ctx.Err() == nil {
			if _, err := w.Write(chunk); err != nil {
				return err
			}
		}
		return ctx.Err()
	case "hang":
		fmt.Fprintln(w, "partial")
		time.Sleep(time.Hour) // ignores ctx on purpose
	case "slow":
		// Answers, but only after a while, whatever the host does
		// meanwhile.
		defer slowRenders.start()()
		time.Sleep(2 * time.Second)
	case "slow-peak":
		// The most slow renders that ran at once.
		_, err := fmt.Fprintln(w, slowRenders.peak.Load())
		return err
	case "fork":
		// A child that outlives the render, as a plugin running a helper
		// program might leave; the list is its pid.
		child := exec.Command("/proc/self/exe", "sleep")
		if err := child.Start(); err != nil {
			return err
		}
		_, err := fmt.Fprintln(w, child.Process.Pid)
		return err
	case "chatter-crash":
		// Lines without end on the process's stderr, then a crash.
		raw := os.NewFile(2, "stderr")
		for i := range chatterLines {
			fmt.Fprintf(raw, "faulty: chatter %d\n", i)
		}
		go panic("faulty: crash")
		time.Sleep(time.Hour)
	case "long-drop":
		// A drop reason over the protocol's bound, which the host takes
		// for a protocol violation.
		req.Drop(strings.Repeat("x", renderers.MaxDropReason+1), 1)
	case "error":
		return errors.New("faulty: refused")
	case "env":
		var names []string
		for _, kv := range os.Environ() {
			name, _, _ := strings.Cut(kv, "=")
			names = append(names, name)
		}
		slices.Sort(names)
		_, err := fmt.Fprintln(w, strings.Join(names, "\n"))
		return err
	case "stderr":
		fmt.Fprintln(os.Stderr, "faulty: redirected stderr line")
		fmt.Fprintln(os.NewFile(2, "stderr"), "faulty: raw stderr line")
		fmt.Fprintln(os.Stdout, "faulty: stdout line")
	}
	for x := range in {
		if _, err := fmt.Fprintln(w, x.Value); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// running counts renders under way and the most that ran at once.
type running struct{ now, peak atomic.Int64 }

var slowRenders running

// start counts a render that started; the function it returns, one that
// ended.
func (r *running) start() (end func()) {
	n := r.now.Add(1)
	for {
		p := r.peak.Load()
		if n <= p || r.peak.CompareAndSwap(p, n) {
			break
		}
	}
	return func() { r.now.Add(-1) }
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "sleep" {
		time.Sleep(time.Hour) // the child of the fork fault
	}
	if _, err := os.Stat("hang-at-start"); err == nil {
		time.Sleep(time.Hour) // a file next to the binary makes later starts hang
	}
	switch filepath.Base(os.Args[0]) {
	case "hang-at-start":
		time.Sleep(time.Hour)
	case "garbage-at-start":
		fmt.Println("this is not a handshake")
		time.Sleep(time.Hour)
	}
	plugins.Serve(faulty{})
}
