package export

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/cratos-project/cratos/renderers"
)

// gzipOnce compresses an artifact's body the first time a client asks for
// gzip, and never again for that artifact.
type gzipOnce struct {
	once sync.Once
	b    []byte
}

// minGzip is the body size below which compression is not worth a header.
const minGzip = 512

// HasGzip reports whether the artifact has a gzip form: not when the body
// is too small to be worth compressing or is an archive already
// compressed (which wget and browsers would keep compressed twice).
func (a *Artifact) HasGzip() bool {
	return len(a.Body) >= minGzip && a.ContentType != "application/gzip"
}

// Gzip returns the gzip-compressed body, or nil when there is no gzip
// form (HasGzip).
func (a *Artifact) Gzip() []byte {
	if !a.HasGzip() {
		return nil
	}
	a.gz.once.Do(func() {
		var buf bytes.Buffer
		buf.Grow(len(a.Body) / 4)
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
		_, _ = zw.Write(a.Body) // writes to a bytes.Buffer cannot fail
		_ = zw.Close()
		a.gz.b = buf.Bytes()
	})
	return a.gz.b
}

// HeaderValues are an artifact's response header values, formatted once.
type HeaderValues struct {
	LastModified string // HTTP date of Generated
	// LastRead is the HTTP date of Fetched, when MISP was last read for
	// the list (of Generated when that is not known).
	LastRead string
	Entries  string
	Invalid  string
	KeptNets string // "" when no net was kept
	Dropped  string // "reason=count, ..." sorted by reason; "" when none
	// GzipETag is the strong ETag of the gzip form, another
	// representation: ETag with "-gzip" inside its quotes (as Apache
	// does); "" when there is no gzip form.
	GzipETag string
}

// Headers returns the artifact's header values, formatting them on the
// first call.
func (a *Artifact) Headers() *HeaderValues {
	a.hdr.once.Do(func() {
		h := &HeaderValues{
			LastModified: a.Generated.UTC().Format(http.TimeFormat),
			Entries:      strconv.Itoa(a.Entries),
			Invalid:      strconv.Itoa(a.Invalid),
		}
		h.LastRead = h.LastModified
		if !a.Fetched.IsZero() {
			h.LastRead = a.Fetched.UTC().Format(http.TimeFormat)
		}
		if a.HasGzip() {
			h.GzipETag = strings.TrimSuffix(a.ETag, `"`) + `-gzip"`
		}
		if a.KeptNets > 0 {
			h.KeptNets = strconv.Itoa(a.KeptNets)
		}
		h.Dropped = renderers.DroppedHeader(a.Dropped)
		a.hdr.v = h
	})
	return a.hdr.v
}

type headersOnce struct {
	once sync.Once
	v    *HeaderValues
}

// ETagOf returns a strong entity tag for body, derived from its content.
func ETagOf(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// artifactSize is what an artifact is charged in the in-process caches.
func artifactSize(_ string, a *Artifact) int64 { return int64(len(a.Body)) + 256 }
