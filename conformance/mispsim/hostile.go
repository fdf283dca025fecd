package mispsim

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Hostile fault kinds: a MISP that is broken or an attacker's.
const (
	// FaultHugeLength declares Fault.Length bytes (default 1 GiB) and
	// sends a short JSON answer, then hangs up.
	FaultHugeLength FaultKind = iota + 100
	// FaultGzipBomb answers gzip that inflates to Fault.Length bytes
	// (default 1 GiB) of JSON.
	FaultGzipBomb
	// FaultEndlessPages answers every restSearch page full, so a client
	// that pages until a short page never stops.
	FaultEndlessPages
	// FaultRedirect answers 307 to Fault.Location plus the request path.
	FaultRedirect
)

func hostileName(k FaultKind) (string, bool) {
	switch k {
	case FaultHugeLength:
		return "huge-length", true
	case FaultGzipBomb:
		return "gzip-bomb", true
	case FaultEndlessPages:
		return "endless-pages", true
	case FaultRedirect:
		return "redirect", true
	}
	return "", false
}

// ParseFaultKind returns the fault kind with the given name (none, slow,
// status, html, truncated, reset, huge-length, gzip-bomb, endless-pages,
// redirect).
func ParseFaultKind(name string) (FaultKind, error) {
	for k := FaultNone; k <= FaultReset; k++ {
		if k.String() == name {
			return k, nil
		}
	}
	for k := FaultHugeLength; k <= FaultRedirect; k++ {
		if n, _ := hostileName(k); n == name {
			return k, nil
		}
	}
	return FaultNone, fmt.Errorf("unknown fault %q", name)
}

const defaultHostileLength = 1 << 30

// serveHostile answers a request under a hostile fault; it reports false
// for the other faults.
func (s *Server) serveHostile(w http.ResponseWriter, r *http.Request, f Fault, body []byte) bool {
	length := f.Length
	if length <= 0 {
		length = defaultHostileLength
	}
	switch f.Kind {
	case FaultHugeLength:
		w.Header().Set("Content-Type", jsonType)
		w.Header().Set("Content-Length", strconv.FormatInt(length, 10))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`{"response":{"Attribute":[]}}`))
		return true // the server hangs up: the body is short
	case FaultGzipBomb:
		w.Header().Set("Content-Type", jsonType)
		w.Header().Set("Content-Encoding", "gzip")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(gzipBomb(length))
		return true
	case FaultEndlessPages:
		var q struct {
			Limit int `json:"limit"`
			Page  int `json:"page"`
		}
		_ = json.Unmarshal(body, &q)
		n := q.Limit
		if n <= 0 {
			n = 1000
		}
		var b bytes.Buffer
		b.WriteString(`{"response":{"Attribute":[`)
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			v := q.Page*n + i
			fmt.Fprintf(&b, `{"type":"ip-dst","category":"Network activity","value":"10.%d.%d.%d","to_ids":true,"timestamp":"%d"}`,
				(v>>16)&255, (v>>8)&255, v&255, s.opts.Now().Unix())
		}
		b.WriteString(`]}}`)
		w.Header().Set("Content-Type", jsonType)
		w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
		_, _ = w.Write(b.Bytes())
		return true
	case FaultRedirect:
		http.Redirect(w, r, f.Location+r.URL.Path, http.StatusTemporaryRedirect)
		return true
	}
	return false
}

var (
	bombMu    sync.Mutex
	bombCache = map[int64][]byte{}
)

// gzipBomb returns gzip data inflating to length bytes of a JSON answer
// padded with spaces, made once per length. It is a series of gzip
// members (which a gzip reader reads as one stream): the head, one
// compressed MiB of spaces repeated, the rest and the tail, so making it
// costs one MiB of compression whatever the length.
func gzipBomb(length int64) []byte {
	bombMu.Lock()
	defer bombMu.Unlock()
	if b, ok := bombCache[length]; ok {
		return b
	}
	member := func(p []byte) []byte {
		var out bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&out, gzip.BestCompression)
		_, _ = zw.Write(p)
		_ = zw.Close()
		return out.Bytes()
	}
	head, tail := []byte(`{"response":{"Attribute":[`), []byte(`]}}`)
	const mib = 1 << 20
	pad := length - int64(len(head)+len(tail))
	var out bytes.Buffer
	out.Write(member(head))
	if pad >= mib {
		m := member(bytes.Repeat([]byte{' '}, mib))
		for range pad / mib {
			out.Write(m)
		}
	}
	out.Write(member(append(bytes.Repeat([]byte{' '}, int(max(pad, 0)%mib)), tail...)))
	bombCache[length] = out.Bytes()
	return out.Bytes()
}

// searchDelay waits Options.Delay before a restSearch answer; it reports
// false when the client left meanwhile.
func (s *Server) searchDelay(r *http.Request) bool {
	if s.opts.Delay <= 0 {
		return true
	}
	t := time.NewTimer(s.opts.Delay)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}
