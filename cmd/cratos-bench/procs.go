package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cratos-project/cratos/internal/childproc"
)

// proc is a started child process whose stderr is scanned for log lines.
type proc struct {
	*childproc.Process
	name string
	log  *logTail
}

// startProc starts path with args in dir; its output goes to a logTail,
// or to out when out is set (then the tail stays empty).
func startProc(name, path, dir string, out *os.File, args ...string) (*proc, error) {
	cmd := exec.Command(path, args...)
	cmd.Dir = dir
	lt := newLogTail(40)
	cmd.Stdout, cmd.Stderr = lt, lt
	if out != nil {
		cmd.Stdout, cmd.Stderr = out, out
	}
	setParentDeathSignal(cmd)
	cp, err := childproc.Start(cmd)
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	return &proc{Process: cp, name: name, log: lt}, nil
}

func (p *proc) pid() int { return p.Cmd.Process.Pid }

// failure describes why the process is not usable, with its last lines.
func (p *proc) failure(err error) error {
	tail := p.log.tail(8)
	if p.Exited() {
		return fmt.Errorf("%s exited (%v): %w; last output:\n%s", p.name, p.Err(), err, tail)
	}
	return fmt.Errorf("%s: %w; last output:\n%s", p.name, err, tail)
}

// logTail keeps the last lines a process wrote and counts lines holding
// given markers.
type logTail struct {
	mu      sync.Mutex
	max     int
	lines   []string
	partial []byte
	counts  map[string]int
}

// Markers counted in cratos' JSON log.
const markFetched = `"msg":"fetched"`

func newLogTail(max int) *logTail { return &logTail{max: max, counts: map[string]int{}} }

func (l *logTail) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	data := append(l.partial, b...)
	for {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			break
		}
		line := string(data[:i])
		data = data[i+1:]
		if strings.Contains(line, markFetched) {
			l.counts[markFetched]++
		}
		// Access-log lines are the bulk under load; only keep the rest.
		if strings.Contains(line, `"msg":"request"`) {
			continue
		}
		l.lines = append(l.lines, line)
		if len(l.lines) > l.max {
			l.lines = l.lines[len(l.lines)-l.max:]
		}
	}
	l.partial = append(l.partial[:0], data...)
	return len(b), nil
}

// count returns how many lines held marker.
func (l *logTail) count(marker string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.counts[marker]
}

// tail returns the last n kept lines.
func (l *logTail) tail(n int) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	lines := l.lines
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// lookTool finds program on PATH or in the sbin directories, which are
// not always on a non-root user's PATH.
func lookTool(program string) (string, error) {
	if p, err := exec.LookPath(program); err == nil {
		return p, nil
	}
	for _, dir := range []string{"/usr/sbin", "/sbin", "/usr/local/sbin"} {
		cand := filepath.Join(dir, program)
		if st, err := os.Stat(cand); err == nil && st.Mode()&0o111 != 0 {
			return cand, nil
		}
	}
	return "", fmt.Errorf("look up %s: not found", program)
}

// moduleRoot finds the directory of this module's go.mod above dir.
func moduleRoot(dir string) (string, error) {
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && bytes.HasPrefix(data, []byte("module github.com/cratos-project/cratos\n")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("find module root: no go.mod of github.com/cratos-project/cratos above the working directory (or pass --cratos and --mispsim)")
		}
		dir = parent
	}
}

// goBuild builds the package pkg of the module at root into out.
func goBuild(ctx context.Context, root, pkg, out string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, pkg)
	cmd.Dir = root
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %w\n%s", pkg, err, msg)
	}
	return nil
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("reserve port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// memStatus returns the resident set size and its peak (VmRSS, VmHWM) of
// pid in bytes.
func memStatus(pid int) (rss, hwm int64, err error) {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, 0, fmt.Errorf("read memory status: %w", err)
	}
	defer f.Close()
	return parseMemStatus(bufio.NewScanner(f))
}

func parseMemStatus(sc *bufio.Scanner) (rss, hwm int64, err error) {
	found := 0
	for sc.Scan() {
		key, val, ok := strings.Cut(sc.Text(), ":")
		if !ok || (key != "VmRSS" && key != "VmHWM") {
			continue
		}
		fields := strings.Fields(val)
		if len(fields) != 2 || fields[1] != "kB" {
			return 0, 0, fmt.Errorf("parse memory status: %s: unexpected %q", key, val)
		}
		kb, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			return 0, 0, fmt.Errorf("parse memory status: %s: %w", key, err)
		}
		if key == "VmRSS" {
			rss = kb << 10
		} else {
			hwm = kb << 10
		}
		found++
	}
	if err := sc.Err(); err != nil {
		return 0, 0, fmt.Errorf("parse memory status: %w", err)
	}
	if found != 2 {
		return 0, 0, errors.New("parse memory status: VmRSS or VmHWM missing")
	}
	return rss, hwm, nil
}

// userHZ is the unit of the times in /proc/PID/stat: the kernel gives
// them to user space in hundredths of a second on every architecture.
const userHZ = 100

// cpuTime returns the CPU time pid has used, user and system.
func cpuTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, fmt.Errorf("read CPU time: %w", err)
	}
	return parseCPUTime(string(b))
}

// parseCPUTime reads utime and stime, the 14th and 15th fields, from a
// /proc/PID/stat line; the command name, the 2nd, is in brackets and may
// hold spaces and brackets itself.
func parseCPUTime(stat string) (time.Duration, error) {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, errors.New("parse CPU time: no command name")
	}
	fields := strings.Fields(stat[i+1:]) // from the 3rd field
	if len(fields) < 13 {
		return 0, fmt.Errorf("parse CPU time: %d fields after the command name", len(fields))
	}
	var ticks int64
	for _, f := range fields[11:13] {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("parse CPU time: %q", f)
		}
		ticks += n
	}
	return time.Duration(ticks) * time.Second / userHZ, nil
}

// rssProbe measures the peak resident memory of a process during a
// scenario: the kernel's peak, reset at the start through clear_refs, and
// a 10 ms sample of VmRSS where the reset is not allowed.
type rssProbe struct {
	pid     int
	reset   bool
	stopc   chan struct{}
	done    chan struct{}
	sampled int64
}

func startRSS(pid int) *rssProbe {
	r := &rssProbe{pid: pid, stopc: make(chan struct{}), done: make(chan struct{})}
	r.reset = os.WriteFile("/proc/"+strconv.Itoa(pid)+"/clear_refs", []byte("5"), 0) == nil
	go func() {
		defer close(r.done)
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			if rss, _, err := memStatus(pid); err == nil && rss > r.sampled {
				r.sampled = rss
			}
			select {
			case <-r.stopc:
				return
			case <-t.C:
			}
		}
	}()
	return r
}

// peak stops the probe and returns the peak in bytes.
func (r *rssProbe) peak() int64 {
	close(r.stopc)
	<-r.done
	rss, hwm, err := memStatus(r.pid)
	if err != nil {
		return r.sampled
	}
	p := max(r.sampled, rss)
	if r.reset {
		p = max(p, hwm)
	}
	return p
}

// waitFor polls check every 50 ms until it succeeds, p exits, ctx ends or
// timeout passes.
func waitFor(ctx context.Context, p *proc, timeout time.Duration, check func(context.Context) error) error {
	deadline := time.Now().Add(timeout)
	for {
		cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		err := check(cctx)
		cancel()
		if err == nil {
			return nil
		}
		if p.Exited() {
			return p.failure(errors.New("not ready"))
		}
		if time.Now().After(deadline) {
			return p.failure(fmt.Errorf("not ready after %s: %w", timeout, err))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// waitOK waits, as waitFor does, until GET url with the headers hdr
// answers 200.
func (b *bench) waitOK(ctx context.Context, p *proc, timeout time.Duration, url string, hdr map[string]string) error {
	return waitFor(ctx, p, timeout, func(ctx context.Context) error {
		r, err := do(ctx, b.client, "GET", url, hdr)
		if err == nil && r.status != http.StatusOK {
			err = fmt.Errorf("GET %s: status %d", url, r.status)
		}
		return err
	})
}
