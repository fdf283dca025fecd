package dnsprimary

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"time"

	"github.com/miekg/dns"
)

// keyring implements dns.TsigProvider over the configured keys. Unlike a
// plain secret map it also rejects a known key name used with another
// algorithm.
type keyring map[string]*tsigKey // canonical key name -> key

func (kr keyring) mac(msg []byte, t *dns.TSIG) ([]byte, error) {
	k, err := kr.key(t)
	if err != nil {
		return nil, err
	}
	var h func() hash.Hash
	switch k.algorithm {
	case dns.HmacSHA1:
		h = sha1.New
	case dns.HmacSHA224:
		h = sha256.New224
	case dns.HmacSHA256:
		h = sha256.New
	case dns.HmacSHA384:
		h = sha512.New384
	case dns.HmacSHA512:
		h = sha512.New
	default:
		return nil, dns.ErrKeyAlg
	}
	m := hmac.New(h, k.secret)
	m.Write(msg)
	return m.Sum(nil), nil
}

// key returns the key that t names, with t's algorithm.
func (kr keyring) key(t *dns.TSIG) (*tsigKey, error) {
	k, ok := kr[dns.CanonicalName(t.Hdr.Name)]
	if !ok {
		return nil, dns.ErrSecret
	}
	if dns.CanonicalName(t.Algorithm) != k.algorithm {
		return nil, dns.ErrKeyAlg
	}
	return k, nil
}

// Generate signs msg with the key named in t.
func (kr keyring) Generate(msg []byte, t *dns.TSIG) ([]byte, error) {
	return kr.mac(msg, t)
}

// Errors of a MAC's size (RFC 8945 section 5.2.2.1).
var (
	// errMACSize is a MAC longer than the hash, or shorter than 10
	// octets or half the hash: no signer sends one (FORMERR).
	errMACSize = errors.New("dns: TSIG MAC size out of range")
	// errMACTruncated is a truncated MAC that verifies, shorter than its
	// key takes: whole unless the key is truncated (BADTRUNC, section
	// 5.2.4).
	errMACTruncated = errors.New("dns: TSIG MAC truncated")
)

// Verify checks the MAC in t over msg, and its size: RFC 8945 section
// 5.2.2.1, and the key's truncation.
func (kr keyring) Verify(msg []byte, t *dns.TSIG) error {
	want, err := kr.mac(msg, t)
	if err != nil {
		return err
	}
	k, _ := kr.key(t) // found by mac
	got, err := hex.DecodeString(t.MAC)
	switch {
	case err != nil:
		return dns.ErrSig
	case len(got) > len(want) || len(got) < max(10, len(want)/2):
		return errMACSize
	case !hmac.Equal(want[:len(got)], got):
		return dns.ErrSig
	case len(got) < k.minMAC:
		return errMACTruncated
	}
	return nil
}

// add registers k, rejecting a name already bound to another secret.
func (kr keyring) add(k *tsigKey) error {
	if old, ok := kr[k.name]; ok {
		if old.algorithm != k.algorithm || old.minMAC != k.minMAC || !hmac.Equal(old.secret, k.secret) {
			return fmt.Errorf("key %s is configured twice with different algorithms or secrets", k.name)
		}
		return nil
	}
	kr[k.name] = k
	return nil
}

// requestTSIGError returns the error of a request's TSIG t that failed
// verification with err, in the order of RFC 8945 section 5.2: key, MAC,
// time, truncation. The DNS library checks the time only after a MAC that
// verifies whole: a truncated one that verifies is out of time first.
func requestTSIGError(err error, t *dns.TSIG, now time.Time) error {
	if err == errMACTruncated && !withinFudge(t, now) {
		return dns.ErrTime
	}
	return err
}

// withinFudge reports whether now lies within t's Time Signed plus or
// minus its fudge (RFC 8945 section 5.2.3).
func withinFudge(t *dns.TSIG, now time.Time) bool {
	n := uint64(max(now.Unix(), 0))
	return max(n, t.TimeSigned)-min(n, t.TimeSigned) <= uint64(t.Fudge)
}

// tsigErrorCode maps a verification failure to the TSIG error of the
// answer (RFC 8945 section 5.2).
func tsigErrorCode(err error) uint16 {
	switch err {
	case dns.ErrSecret, dns.ErrKeyAlg:
		return dns.RcodeBadKey
	case dns.ErrTime:
		return dns.RcodeBadTime
	case errMACTruncated:
		return dns.RcodeBadTrunc
	default:
		return dns.RcodeBadSig
	}
}
