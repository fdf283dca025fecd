package stix21

import (
	"crypto/sha1"
	"encoding/hex"
)

// uuid is an RFC 9562 UUID.
type uuid [16]byte

// namespaceURL is the RFC 9562 name space for URLs.
var namespaceURL = uuid{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}

// NamespaceURL is the URL whose UUIDv5 in the URL name space is Namespace.
const NamespaceURL = "https://cratos.invalid/stix"

var namespace = newUUID5(namespaceURL, []byte(NamespaceURL))

// Namespace is the Cratos STIX name space,
// uuid5(NAMESPACE_URL, NamespaceURL) = 3a9a2047-7a4f-500b-8181-6b09cb0b31f5.
var Namespace = namespace.String()

// newUUID5 returns the version 5 (SHA-1) UUID of name in ns.
func newUUID5(ns uuid, name []byte) uuid {
	h := sha1.New()
	h.Write(ns[:])
	h.Write(name)
	var sum [sha1.Size]byte
	var u uuid
	copy(u[:], h.Sum(sum[:0]))
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	return u
}

// uuid5Scratch computes uuid5(namespace, name) with a caller-owned buffer
// to avoid allocations on the hot path; buf is returned for reuse.
func uuid5Scratch(buf []byte, name ...string) (uuid, []byte) {
	buf = append(buf[:0], namespace[:]...)
	for _, n := range name {
		buf = append(buf, n...)
	}
	sum := sha1.Sum(buf)
	var u uuid
	copy(u[:], sum[:])
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	return u, buf
}

// appendText appends the canonical 36-character text of u.
func (u uuid) appendText(dst []byte) []byte {
	var b [36]byte
	hex.Encode(b[0:8], u[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], u[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], u[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], u[8:10])
	b[23] = '-'
	hex.Encode(b[24:], u[10:])
	return append(dst, b[:]...)
}

func (u uuid) String() string { return string(u.appendText(nil)) }
