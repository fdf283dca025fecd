package cache

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
)

// The layout of values in memcached.
//
// Every item stored under a caller's key starts with a one-byte tag:
//
//	tagInline   value bytes follow as they are
//	tagManifest a manifest follows; the value lives in chunk items
//
// A manifest is fixed-size, big-endian:
//
//	magic   [4]byte "CRXC"
//	version uint8   1
//	length  uint64  total value length
//	count   uint32  number of chunks
//	size    uint32  bytes per chunk (the last one may be shorter)
//	sum     [32]byte SHA-256 of the whole value
//	gen     [8]byte random generation id of this write
//
// Chunk i is stored raw under "<item key>:<hex gen>:<i>". The generation id
// keeps the chunks of two writes of one key apart, and the checksum rejects
// anything that does not reassemble into exactly the value written.
const (
	tagInline   byte = 'I'
	tagManifest byte = 'M'

	manifestVersion = 1
	genLen          = 8
	manifestLen     = 1 + 4 + 1 + 8 + 4 + 4 + sha256.Size + genLen

	// maxChunks bounds the chunks of one value (64 GiB at memcached's
	// default item size), so that a manifest, which may be corrupt or
	// written by anyone who reaches memcached, never names more keys than
	// a reader can list.
	maxChunks = 1 << 16
)

// ErrValueTooLarge is a value the shared store does not take: more than
// maxChunks chunks. The store itself is sound; the value stays in-process.
var ErrValueTooLarge = errors.New("value too large for the shared store")

var manifestMagic = [4]byte{'C', 'R', 'X', 'C'}

// errCorrupt marks a stored item that cannot be decoded; readers treat it as
// a miss.
var errCorrupt = errors.New("cache: corrupt memcached item")

// manifest describes a chunked value.
type manifest struct {
	length    uint64
	count     uint32
	chunkSize uint32
	sum       [sha256.Size]byte
	gen       [genLen]byte
}

// newManifest describes value split into chunks of chunkSize bytes, under a
// fresh random generation id.
func newManifest(value []byte, chunkSize int) (manifest, error) {
	if chunkSize <= 0 {
		return manifest{}, fmt.Errorf("cache: chunk: invalid chunk size %d", chunkSize)
	}
	count := (len(value) + chunkSize - 1) / chunkSize
	if count > maxChunks || uint64(chunkSize) > uint64(^uint32(0)) {
		return manifest{}, fmt.Errorf("cache: chunk: value of %d bytes: %w", len(value), ErrValueTooLarge)
	}
	mf := manifest{length: uint64(len(value)), count: uint32(count), chunkSize: uint32(chunkSize), sum: sha256.Sum256(value)}
	if _, err := rand.Read(mf.gen[:]); err != nil {
		return manifest{}, fmt.Errorf("cache: chunk: generation id: %w", err)
	}
	return mf, nil
}

// encode returns the manifest item, tag included.
func (mf manifest) encode() []byte {
	b := make([]byte, 0, manifestLen)
	b = append(b, tagManifest)
	b = append(b, manifestMagic[:]...)
	b = append(b, manifestVersion)
	b = binary.BigEndian.AppendUint64(b, mf.length)
	b = binary.BigEndian.AppendUint32(b, mf.count)
	b = binary.BigEndian.AppendUint32(b, mf.chunkSize)
	b = append(b, mf.sum[:]...)
	return append(b, mf.gen[:]...)
}

// decodeManifest parses a manifest item, tag included.
func decodeManifest(b []byte) (manifest, error) {
	if len(b) != manifestLen || b[0] != tagManifest || !bytes.Equal(b[1:5], manifestMagic[:]) || b[5] != manifestVersion {
		return manifest{}, fmt.Errorf("cache: decode manifest: %w", errCorrupt)
	}
	var mf manifest
	mf.length = binary.BigEndian.Uint64(b[6:14])
	mf.count = binary.BigEndian.Uint32(b[14:18])
	mf.chunkSize = binary.BigEndian.Uint32(b[18:22])
	copy(mf.sum[:], b[22:22+sha256.Size])
	copy(mf.gen[:], b[22+sha256.Size:])
	if mf.chunkSize == 0 || mf.count == 0 || mf.count > maxChunks ||
		(mf.length+uint64(mf.chunkSize)-1)/uint64(mf.chunkSize) != uint64(mf.count) {
		return manifest{}, fmt.Errorf("cache: decode manifest: inconsistent sizes: %w", errCorrupt)
	}
	return mf, nil
}

// chunkKey is the item key of chunk i of the write described by mf.
func (mf manifest) chunkKey(itemKey string, i int) string {
	return itemKey + ":" + hex.EncodeToString(mf.gen[:]) + ":" + strconv.Itoa(i)
}

// chunkKeys lists the item keys of every chunk, in order.
func (mf manifest) chunkKeys(itemKey string) []string {
	keys := make([]string, mf.count)
	for i := range keys {
		keys[i] = mf.chunkKey(itemKey, i)
	}
	return keys
}

// chunk returns chunk i of value.
func (mf manifest) chunk(value []byte, i int) []byte {
	start := i * int(mf.chunkSize)
	return value[start:min(start+int(mf.chunkSize), len(value))]
}

// assemble joins the chunks (in the order of mf.chunkKeys) and checks their
// sizes and the checksum. A missing, short, long or altered chunk is an
// errCorrupt.
func (mf manifest) assemble(chunks [][]byte) ([]byte, error) {
	if len(chunks) != int(mf.count) {
		return nil, fmt.Errorf("cache: assemble: %d of %d chunks: %w", len(chunks), mf.count, errCorrupt)
	}
	// The sizes are checked before the value is allocated: the length is
	// only what the manifest claims, the chunks are what was read.
	for i, c := range chunks {
		want := uint64(mf.chunkSize)
		if i == len(chunks)-1 {
			want = mf.length - uint64(mf.count-1)*uint64(mf.chunkSize)
		}
		if uint64(len(c)) != want {
			return nil, fmt.Errorf("cache: assemble: chunk %d has %d bytes, want %d: %w", i, len(c), want, errCorrupt)
		}
	}
	out := make([]byte, 0, mf.length)
	for _, c := range chunks {
		out = append(out, c...)
	}
	if sha256.Sum256(out) != mf.sum {
		return nil, fmt.Errorf("cache: assemble: checksum mismatch: %w", errCorrupt)
	}
	return out, nil
}
