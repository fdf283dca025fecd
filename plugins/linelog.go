package plugins

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
)

// maxLogLine caps one logged line of plugin output.
const maxLogLine = 8 << 10

// lineLog writes what a plugin prints to a logger, one record per line.
type lineLog struct {
	log            *slog.Logger
	plugin, stream string

	mu  sync.Mutex
	buf []byte
	cut bool // the current line was logged cut; skip to its end
}

func newLineLog(log *slog.Logger, plugin, stream string) *lineLog {
	return &lineLog{log: log, plugin: plugin, stream: stream}
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

// Flush logs a last unfinished line.
func (l *lineLog) Flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.buf) > 0 {
		l.emit()
	}
}

func (l *lineLog) emit() {
	line := strings.TrimRight(string(l.buf), "\r")
	l.buf = l.buf[:0]
	if line == "" {
		return
	}
	l.log.Info("plugin output", "plugin", l.plugin, "stream", l.stream, "line", line)
}
