package mispsim

import (
	"bufio"
	"compress/gzip"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// response is an answer ready to send.
type response struct {
	status      int
	contentType string
	headers     [][2]string
	size        int64
	write       func(io.Writer) error
}

const jsonType = "application/json; charset=UTF-8"

func bytesResponse(status int, contentType string, body []byte) response {
	return response{
		status: status, contentType: contentType, size: int64(len(body)),
		write: func(w io.Writer) error { _, err := w.Write(body); return err },
	}
}

// errorResponse is MISP's JSON error body.
func errorResponse(status int, msg, url string) response {
	b := append([]byte(`{"name":`), appendJSONString(nil, msg)...)
	b = append(b, `,"message":`...)
	b = appendJSONString(b, msg)
	b = append(b, `,"url":`...)
	b = appendJSONString(b, url)
	b = append(b, '}')
	return bytesResponse(status, jsonType, b)
}

var bufPool = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 256<<10) }}

// send writes a response: gzip-compressed when enabled and accepted, cut
// after cut bytes when cut >= 0 (the FaultTruncated case).
func (s *Server) send(w http.ResponseWriter, r *http.Request, resp response, cut int64) {
	h := w.Header()
	h.Set("Content-Type", resp.contentType)
	for _, kv := range resp.headers {
		h.Set(kv[0], kv[1])
	}
	gz := s.opts.Gzip && acceptsGzip(r.Header.Values("Accept-Encoding"))
	if gz {
		h.Set("Content-Encoding", "gzip")
		h.Add("Vary", "Accept-Encoding")
	} else {
		h.Set("Content-Length", strconv.FormatInt(resp.size, 10))
	}
	w.WriteHeader(resp.status)
	if r.Method == http.MethodHead {
		return
	}
	var out io.Writer = w
	if cut >= 0 {
		if cut == 0 || cut >= resp.size {
			cut = resp.size / 2
		}
		out = &cutWriter{w: w, left: cut}
	}
	bw := bufPool.Get().(*bufio.Writer)
	bw.Reset(out)
	var dst io.Writer = bw
	var zw *gzip.Writer
	if gz {
		zw, _ = gzip.NewWriterLevel(bw, gzip.BestSpeed)
		dst = zw
	}
	err := resp.write(dst)
	if zw != nil && err == nil {
		err = zw.Close()
	}
	if err == nil {
		err = bw.Flush()
	}
	bw.Reset(nil)
	bufPool.Put(bw)
	if cut >= 0 {
		if fl, ok := w.(http.Flusher); ok {
			fl.Flush()
		}
		panic(http.ErrAbortHandler)
	}
	_ = err // the client went away; nothing more to do
}

func acceptsGzip(values []string) bool {
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
			if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
				continue
			}
			params = strings.ReplaceAll(params, " ", "")
			if q, ok := strings.CutPrefix(params, "q="); ok {
				if f, err := strconv.ParseFloat(q, 64); err == nil && f == 0 {
					return false
				}
			}
			return true
		}
	}
	return false
}
