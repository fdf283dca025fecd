package taxii

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"sync"
)

// Response is a built response body, cached while its collection is
// unchanged.
type Response struct {
	Page
	ETag string
	gz   struct {
		once sync.Once
		b    []byte
	}
}

// HasGzip reports whether the body has a gzip form: not when it is too
// small to be worth compressing.
func (r *Response) HasGzip() bool { return len(r.Body) >= 512 }

// Gzip returns the body compressed (once), or nil when there is no gzip
// form (HasGzip).
func (r *Response) Gzip() []byte {
	if !r.HasGzip() {
		return nil
	}
	r.gz.once.Do(func() {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
		_, _ = zw.Write(r.Body)
		_ = zw.Close()
		r.gz.b = buf.Bytes()
	})
	return r.gz.b
}

// pageCacheBytes bounds the cached response bodies of a Manager.
const pageCacheBytes = 64 << 20

type pageCache struct {
	mu    sync.Mutex
	bytes int
	m     map[string]*Response
}

// Response returns the cached response for key, or builds, caches and
// returns it. key must name the collection's Changes() so that a change
// makes a new entry; the cache is emptied when full.
func (m *Manager) Response(key string, build func() (Page, *Error)) (*Response, *Error) {
	c := &m.pages
	c.mu.Lock()
	if r, ok := c.m[key]; ok {
		c.mu.Unlock()
		return r, nil
	}
	c.mu.Unlock()
	p, err := build()
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(p.Body)
	r := &Response{Page: p, ETag: `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || c.bytes+len(p.Body) > pageCacheBytes {
		c.m, c.bytes = map[string]*Response{}, 0
	}
	if len(p.Body) <= pageCacheBytes/4 {
		c.m[key] = r
		c.bytes += len(p.Body) + len(key)
	}
	return r, nil
}
