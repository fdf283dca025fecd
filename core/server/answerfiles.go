package server

import (
	"os"
	"unsafe"

	"github.com/cratos-project/cratos/core/cache"
)

// A list's answer is copied from the heap into the socket at every
// request; for a list of a few hundred KiB that copy is most of what the
// answer costs, and it slows down whenever the machine's memory is busy.
// nginx serves a file with sendfile instead, which hands the kernel the
// file's pages. answerFiles keeps a sealed in-memory file (memfd) of the
// bodies answered again most recently, so that a connection can do the same
// (answerfiles_linux.go): the body's header and first bytes leave with
// MSG_MORE, and the rest is sent from the file.

// Bounds of the answer files.
const (
	// minFileBody is the smallest body sent from a file: at 58 KiB (the
	// small list's gzip form in BENCHMARKS.md) the copy and the two
	// system calls cost the same.
	minFileBody = 64 << 10
	// maxFileBody is the largest: from 4 MiB on, sendfile from a memory
	// file's small pages was slower than the copy on loopback (BENCHMARKS.md).
	maxFileBody = 2 << 20
	// maxFiles bounds the files: the descriptors they take from those
	// kept for everything but clients (fdReserve), and with maxFileBody
	// their memory, maxFileBytes.
	maxFiles     = 32
	maxFileBytes = maxFiles * maxFileBody
	// maxSeen is how many bodies answered once are remembered: a body
	// gets its file at its second request, so that a list answered once
	// (a cold build no one asks for again) costs no copy.
	maxSeen = 256
)

// answerKey is a body by place and length: the entry holding it keeps the
// body, so no other body can take its place while the key is known.
type answerKey struct {
	data *byte
	n    int
}

// answerFile is a body and the sealed file that holds the same bytes.
type answerFile struct {
	body []byte
	f    *os.File
}

// covers returns where b starts in the file, when b lies within the body.
func (a *answerFile) covers(b []byte) (off int64, ok bool) {
	if a == nil || len(b) == 0 {
		return 0, false
	}
	start, p := uintptr(unsafe.Pointer(unsafe.SliceData(a.body))), uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	if p < start || p-start > uintptr(len(a.body)) || uintptr(len(b)) > uintptr(len(a.body))-(p-start) {
		return 0, false
	}
	return int64(p - start), true
}

// answerFiles is the bounded set of answer files, least recently used
// dropped (and closed) first. The zero value, and one on a system without
// sealed memory files, holds none.
type answerFiles struct {
	lru *cache.LRU[answerKey, *answerFile]
	// seen holds bodies answered once, by key only: a key met again may
	// be another body in the same place, which then only gets its file
	// one request early.
	seen *cache.LRU[answerKey, struct{}]
}

func newAnswerFiles() answerFiles {
	if !answerFilesWork {
		return answerFiles{}
	}
	return answerFiles{cache.NewLRU(cache.LRUOptions[answerKey, *answerFile]{
		MaxBytes: maxFileBytes, MaxItems: maxFiles,
		SizeOf:  func(_ answerKey, a *answerFile) int64 { return int64(len(a.body)) },
		Dropped: func(_ answerKey, a *answerFile) { _ = a.f.Close() }, // a send under way keeps it open
	}), cache.NewLRU(cache.LRUOptions[answerKey, struct{}]{MaxItems: maxSeen})}
}

// of returns the file of body, made at its second request; nil at its
// first, for a body outside the bounds, or when no file can be made (the
// body is then sent by copy).
func (s answerFiles) of(body []byte) *answerFile {
	if s.lru == nil || len(body) < minFileBody || len(body) > maxFileBody {
		return nil
	}
	key := answerKey{unsafe.SliceData(body), len(body)}
	if a, ok := s.lru.Get(key); ok {
		return a
	}
	if _, again := s.seen.LoadOrStore(key, struct{}{}); !again {
		return nil
	}
	f, err := sealedFile(body)
	if err != nil {
		return nil
	}
	a, loaded := s.lru.LoadOrStore(key, &answerFile{body: body, f: f})
	if loaded {
		_ = f.Close()
	}
	return a
}
