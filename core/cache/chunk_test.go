package cache

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"runtime"
	"testing"
	"time"
)

func TestManifestRoundTrip(t *testing.T) {
	value := bytes.Repeat([]byte("0123456789"), 1000) // 10 000 bytes
	mf, err := newManifest(value, 4096)
	if err != nil {
		t.Fatal(err)
	}
	if mf.count != 3 {
		t.Fatalf("count = %d, want 3", mf.count)
	}
	enc := mf.encode()
	if len(enc) != manifestLen || enc[0] != tagManifest {
		t.Fatalf("encoded manifest: %d bytes, tag %q", len(enc), enc[0])
	}
	got, err := decodeManifest(enc)
	if err != nil || got != mf {
		t.Fatalf("decode = %+v, %v; want %+v", got, err, mf)
	}
	var chunks [][]byte
	for i := range int(mf.count) {
		chunks = append(chunks, mf.chunk(value, i))
	}
	out, err := mf.assemble(chunks)
	if err != nil || !bytes.Equal(out, value) {
		t.Fatalf("assemble: %v", err)
	}
	other, _ := newManifest(value, 4096)
	if other.gen == mf.gen || other.chunkKey("k", 0) == mf.chunkKey("k", 0) {
		t.Error("two writes share a generation id")
	}
}

func TestDecodeManifestRejects(t *testing.T) {
	mf, _ := newManifest(make([]byte, 10000), 4096)
	good := mf.encode()
	edit := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), good...)) }
	tests := map[string][]byte{
		"empty":          nil,
		"short":          good[:len(good)-1],
		"long":           append(append([]byte(nil), good...), 0),
		"inline tag":     edit(func(b []byte) []byte { b[0] = tagInline; return b }),
		"bad magic":      edit(func(b []byte) []byte { b[2] = 'x'; return b }),
		"future version": edit(func(b []byte) []byte { b[5] = 2; return b }),
		"count mismatch": edit(func(b []byte) []byte { b[17]++; return b }),
		"zero size":      edit(func(b []byte) []byte { copy(b[18:22], []byte{0, 0, 0, 0}); return b }),
		// 2^32-1 chunks of one byte: listing their keys alone would take
		// hundreds of gigabytes.
		"too many chunks": edit(func(b []byte) []byte {
			binary.BigEndian.PutUint64(b[6:14], 1<<32-1)
			binary.BigEndian.PutUint32(b[14:18], 1<<32-1)
			binary.BigEndian.PutUint32(b[18:22], 1)
			return b
		}),
	}
	for name, b := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := decodeManifest(b); !errors.Is(err, errCorrupt) {
				t.Errorf("err = %v, want errCorrupt", err)
			}
		})
	}
}

func TestAssembleRejects(t *testing.T) {
	value := bytes.Repeat([]byte("ab"), 5000)
	mf, _ := newManifest(value, 4096)
	parts := func() [][]byte {
		var c [][]byte
		for i := range int(mf.count) {
			c = append(c, append([]byte(nil), mf.chunk(value, i)...))
		}
		return c
	}
	tests := map[string]func([][]byte) [][]byte{
		"missing chunk": func(c [][]byte) [][]byte { return c[:2] },
		"short chunk":   func(c [][]byte) [][]byte { c[1] = c[1][:100]; return c },
		"long last":     func(c [][]byte) [][]byte { c[2] = append(c[2], 'x'); return c },
		"altered byte":  func(c [][]byte) [][]byte { c[0][7] ^= 1; return c },
		"swapped":       func(c [][]byte) [][]byte { c[0], c[1] = c[1], c[0]; c[0][0] = 'b'; return c },
	}
	for name, f := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := mf.assemble(f(parts())); !errors.Is(err, errCorrupt) {
				t.Errorf("err = %v, want errCorrupt", err)
			}
		})
	}
}

// A manifest's sizes are only claims: chunks shorter than it says are
// refused before anything of the size it claims is allocated.
func TestAssembleAllocatesWhatTheChunksHold(t *testing.T) {
	mf := manifest{length: 1 << 30, count: 1, chunkSize: 1 << 30}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := mf.assemble([][]byte{[]byte("x")})
	runtime.ReadMemStats(&after)
	if !errors.Is(err, errCorrupt) {
		t.Fatalf("err = %v, want errCorrupt", err)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 64<<20 {
		t.Fatalf("a one-byte chunk claimed as 1 GiB allocated %d bytes", n)
	}
}

// No value is cut into more chunks than a manifest may name.
func TestNewManifestRefusesTooManyChunks(t *testing.T) {
	if _, err := newManifest(make([]byte, maxChunks*100+1), 100); !errors.Is(err, ErrValueTooLarge) {
		t.Fatalf("a value of %d chunks: %v, want ErrValueTooLarge", maxChunks+1, err)
	}
	if mf, err := newManifest(make([]byte, maxChunks*100), 100); err != nil || mf.count != maxChunks {
		t.Fatalf("a value of %d chunks: %+v, %v", maxChunks, mf, err)
	}
}

func TestExpiration(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	const day = 24 * time.Hour
	tests := []struct {
		name string
		ttl  time.Duration
		want int32
	}{
		{"none", 0, 0},
		{"negative", -time.Second, 0},
		{"sub-second rounds up", time.Millisecond, 1},
		{"partial second rounds up", 1500 * time.Millisecond, 2},
		{"one minute", time.Minute, 60},
		{"exactly 30 days is relative", 30 * day, 30 * 24 * 3600},
		{"over 30 days is absolute", 30*day + time.Second, int32(now.Unix()) + 30*24*3600 + 1},
		{"one year is absolute", 365 * day, int32(now.Unix()) + 365*24*3600},
		{"far future is capped", 200 * 365 * day, math.MaxInt32},
		{"huge duration", time.Duration(math.MaxInt64), math.MaxInt32},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, expires := expiration(tc.ttl, now)
			if got != tc.want {
				t.Errorf("expiration(%v) = %d, want %d", tc.ttl, got, tc.want)
			}
			if tc.ttl <= 0 != expires.IsZero() {
				t.Errorf("expiry %v for ttl %v", expires, tc.ttl)
			}
			if tc.ttl > 0 && tc.ttl < 100*365*day && expires.Sub(now) < tc.ttl {
				t.Errorf("expiry %v is before now+ttl", expires)
			}
			if f := flagsFromExpiry(expires); !expiryFromFlags(f).Equal(expires.Truncate(time.Second)) {
				t.Errorf("flags round trip: %v -> %d -> %v", expires, f, expiryFromFlags(f))
			}
		})
	}
}
