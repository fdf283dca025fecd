package server

import (
	"net/netip"
	"strconv"
	"time"

	"github.com/cratos-project/cratos/internal/jsonstr"
)

// jsonLine builds one log record as a JSON object on one line, in the
// layout of log/slog's JSON handler ({"time":…,"level":…,"msg":…, then
// the attributes in order}), without its per-record reflection and
// allocation: the access log writes one for every request.
type jsonLine struct{ b []byte }

// start begins a record at t with level INFO and message msg.
func (l *jsonLine) start(t time.Time, msg string) {
	l.b = append(l.b[:0], `{"time":"`...)
	l.b = t.AppendFormat(l.b, time.RFC3339Nano)
	l.b = append(l.b, `","level":"INFO","msg":`...)
	l.b = jsonstr.Append(l.b, msg)
}

func (l *jsonLine) key(k string) {
	l.b = append(l.b, ',', '"')
	l.b = append(l.b, k...)
	l.b = append(l.b, '"', ':')
}

// str adds a string attribute; k must need no escaping.
func (l *jsonLine) str(k, v string) {
	l.key(k)
	l.b = jsonstr.Append(l.b, v)
}

// addr adds an address attribute, appended without a string in between;
// an IPv6 zone (which may hold any byte) goes through str's escaping.
func (l *jsonLine) addr(k string, a netip.Addr) {
	if a.Zone() != "" || !a.IsValid() {
		l.str(k, a.String())
		return
	}
	l.key(k)
	l.b = append(l.b, '"')
	l.b = a.AppendTo(l.b)
	l.b = append(l.b, '"')
}

func (l *jsonLine) int(k string, v int) {
	l.key(k)
	l.b = strconv.AppendInt(l.b, int64(v), 10)
}

func (l *jsonLine) float(k string, v float64) {
	l.key(k)
	l.b = strconv.AppendFloat(l.b, v, 'f', -1, 64)
}

// end closes the record and returns it with its line feed.
func (l *jsonLine) end() []byte {
	l.b = append(l.b, '}', '\n')
	return l.b
}
