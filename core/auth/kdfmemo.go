package auth

import (
	"crypto/pbkdf2"
	"crypto/sha256"
	"encoding/binary"
	"sync"
)

// maxDerivedKeys bounds how many derived keys a process remembers. A
// service has one encryption key and salt; a reload with new secrets adds
// one more.
const maxDerivedKeys = 16

// derivedKeys remembers the token key derived for each encryption key and
// salt in this process, so that a configuration reloaded with the same
// secrets, or a program that builds several codecs from one configuration,
// pays for PBKDF2 once. Entries are named by a SHA-256 of the pair, never
// by the secrets themselves.
var derivedKeys struct {
	mu   sync.Mutex
	keys map[[sha256.Size]byte][]byte
}

// deriveKey returns the 32-byte token key for encryptionKey and salt
// (PBKDF2-HMAC-SHA256, kdfIterations rounds), deriving it only the first
// time the pair is seen. The caller must not modify the result.
func deriveKey(encryptionKey, salt string) ([]byte, error) {
	id := pairID(encryptionKey, salt)
	derivedKeys.mu.Lock()
	dk, ok := derivedKeys.keys[id]
	derivedKeys.mu.Unlock()
	if ok {
		return dk, nil
	}
	dk, err := derive(encryptionKey, salt)
	if err != nil {
		return nil, err
	}
	derivedKeys.mu.Lock()
	defer derivedKeys.mu.Unlock()
	if derivedKeys.keys == nil || len(derivedKeys.keys) >= maxDerivedKeys {
		derivedKeys.keys = make(map[[sha256.Size]byte][]byte)
	}
	derivedKeys.keys[id] = dk
	return dk, nil
}

// derive runs PBKDF2-HMAC-SHA256 over the pair, without the memo.
func derive(encryptionKey, salt string) ([]byte, error) {
	return pbkdf2.Key(sha256.New, encryptionKey, []byte(salt), kdfIterations, 32)
}

// pairID names an encryption key and salt: a SHA-256 over the key's
// length, the key and the salt, so that no two pairs share a name.
func pairID(encryptionKey, salt string) [sha256.Size]byte {
	h := sha256.New()
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(encryptionKey)))
	h.Write(n[:])
	h.Write([]byte(encryptionKey))
	h.Write([]byte(salt))
	var id [sha256.Size]byte
	h.Sum(id[:0])
	return id
}
