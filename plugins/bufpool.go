package plugins

import (
	"math/bits"
	"sync"

	"google.golang.org/grpc/mem"
)

// bufferPool is the gRPC buffer pool of both ends of the bridge. gRPC's
// default pool rounds every message between 32 KiB and 1 MiB up to a
// 1 MiB buffer and clears all of it on each reuse, which costs more than
// encoding a batch; this one keeps a tier per power of two up to
// maxMessage and hands buffers out as they are, since gRPC overwrites the
// requested length before reading it.
type bufferPool struct {
	tiers [bits.UintSize]sync.Pool
}

var _ mem.BufferPool = (*bufferPool)(nil)

const minPooled = 256

// tier returns the index of the smallest power of two holding size bytes.
func tier(size int) int {
	if size <= minPooled {
		return bits.Len(minPooled - 1)
	}
	return bits.Len(uint(size - 1))
}

func (p *bufferPool) Get(size int) *[]byte {
	if size > maxMessage {
		b := make([]byte, size)
		return &b
	}
	t := tier(size)
	if b, ok := p.tiers[t].Get().(*[]byte); ok {
		*b = (*b)[:size]
		return b
	}
	b := make([]byte, size, 1<<t)
	return &b
}

func (p *bufferPool) Put(b *[]byte) {
	c := cap(*b)
	if c < minPooled || c > maxMessage || c&(c-1) != 0 {
		return // not one of ours
	}
	p.tiers[tier(c)].Put(b)
}

// sharedPool serves every connection of this process.
var sharedPool = &bufferPool{}
