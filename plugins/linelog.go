package plugins

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// maxLogLine caps one logged line of plugin output.
const maxLogLine = 8 << 10

// Bounds of the plugin output that is logged.
const (
	// outputBurst is how many lines of a plugin are logged at once before
	// outputRate applies.
	outputBurst = 100
	// outputRate is how many lines of a plugin are logged per second past
	// the burst; the others are counted in a "plugin output suppressed"
	// record.
	outputRate = 10
	// crashLines is how many lines of a crash report (from "panic: " or
	// "fatal error: " on the process's own stderr) are logged whatever the
	// limit, once per process.
	crashLines = 100
)

// outputLimit is the token bucket that bounds the lines logged for one
// plugin, shared by its streams and its processes: a plugin printing in a
// loop must not fill the service's log and disk.
type outputLimit struct {
	now func() time.Time

	mu         sync.Mutex
	tokens     float64
	last       time.Time
	suppressed int
}

func newOutputLimit(now func() time.Time) *outputLimit {
	return &outputLimit{now: now, tokens: outputBurst, last: now()}
}

// allow reports whether a line may be logged, and the number of lines
// suppressed before it, to be reported first. A report costs a token of its
// own, so that the records logged stay within the rate.
func (o *outputLimit) allow() (ok bool, suppressed int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	now := o.now()
	if d := now.Sub(o.last); d > 0 {
		o.tokens = min(outputBurst, o.tokens+d.Seconds()*outputRate)
	}
	o.last = now
	cost := 1.0
	if o.suppressed > 0 {
		cost = 2
	}
	if o.tokens < cost {
		o.suppressed++
		return false, 0
	}
	o.tokens -= cost
	suppressed, o.suppressed = o.suppressed, 0
	return true, suppressed
}

// take returns and clears the count of suppressed lines, for a report when
// a process ends.
func (o *outputLimit) take() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	n := o.suppressed
	o.suppressed = 0
	return n
}

// lineLog writes what a plugin prints to a logger, one record per line,
// within the plugin's outputLimit.
type lineLog struct {
	log            *slog.Logger
	limit          *outputLimit
	plugin, stream string
	// crashReport is set on the process's own stderr, where the Go runtime
	// writes a crash: the first crashLines lines of one pass the limit.
	crashReport bool

	mu        sync.Mutex
	buf       []byte
	cut       bool // the current line was logged cut; skip to its end
	crashSeen bool // a crash report began
	crashLeft int  // lines of the crash report still logged past the limit
}

func newLineLog(log *slog.Logger, limit *outputLimit, plugin, stream string) *lineLog {
	return &lineLog{log: log, limit: limit, plugin: plugin, stream: stream}
}

// Write logs every complete line in p and keeps the rest for later. A line
// longer than maxLogLine is logged cut at that length.
func (l *lineLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := len(p)
	for len(p) > 0 {
		seg := p
		i := bytes.IndexByte(p, '\n')
		if i >= 0 {
			seg = p[:i]
		}
		if !l.cut {
			room := maxLogLine - len(l.buf)
			l.buf = append(l.buf, seg[:min(len(seg), room)]...)
			if len(seg) > room {
				l.emit()
				l.cut = true
			}
		}
		if i < 0 {
			break
		}
		if !l.cut {
			l.emit()
		}
		l.cut = false
		p = p[i+1:]
	}
	return n, nil
}

// Flush logs a last unfinished line, and the count of lines suppressed
// since the last report.
func (l *lineLog) Flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.buf) > 0 {
		l.emit()
	}
	l.reportSuppressed(l.limit.take())
}

func (l *lineLog) emit() {
	line := strings.TrimRight(string(l.buf), "\r")
	l.buf = l.buf[:0]
	if line == "" {
		return
	}
	if l.crashReport && !l.crashSeen && (strings.HasPrefix(line, "panic: ") || strings.HasPrefix(line, "fatal error: ")) {
		l.crashSeen = true
		l.crashLeft = crashLines
	}
	if l.crashLeft > 0 {
		l.crashLeft--
	} else {
		ok, suppressed := l.limit.allow()
		l.reportSuppressed(suppressed)
		if !ok {
			return
		}
	}
	l.log.Info("plugin output", "plugin", l.plugin, "stream", l.stream, "line", line)
}

func (l *lineLog) reportSuppressed(n int) {
	if n > 0 {
		l.log.Warn("plugin output suppressed", "plugin", l.plugin, "lines", n)
	}
}
