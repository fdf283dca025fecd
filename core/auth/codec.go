package auth

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"sync/atomic"
	"time"
)

// Key derivation and token layout shared with the original service.
const (
	kdfIterations = 600000
	fernetVersion = 0x80
	ivLen         = aes.BlockSize
	macLen        = sha256.Size
	headerLen     = 1 + 8 + ivLen // version, big-endian timestamp, IV
	minTokenLen   = headerLen + aes.BlockSize + macLen

	// cacheSize bounds the verified-token cache.
	cacheSize = 10000
)

// Codec mints and verifies legacy tokens under one encryption key and salt.
// It is safe for concurrent use.
type Codec struct {
	signKey []byte       // HMAC-SHA256 key: derived bytes [0:16]
	block   cipher.Block // AES-128: derived bytes [16:32]
	cache   *tokenCache
	loc     *time.Location // time zone of expiry dates; time.Local

	opened atomic.Uint64 // tokens that reached the MAC check; read by tests
}

// NewCodec derives the token key from the configured encryption key and salt
// (PBKDF2-HMAC-SHA256, 600,000 iterations, both strings as UTF-8). This costs
// a noticeable fraction of a second the first time a process sees the pair
// (see deriveKey): build one Codec at start-up and share it.
//
// NewCodec panics only if the derivation is refused, which can happen only
// when the runtime enforces FIPS 140-only mode and the salt is under 16 bytes.
func NewCodec(encryptionKey, salt string) *Codec {
	dk, err := deriveKey(encryptionKey, salt)
	if err != nil {
		panic(fmt.Sprintf("auth: derive token key: %v", err))
	}
	return newCodecFromKey(dk)
}

// newCodecFromKey builds a Codec from the 32 derived bytes.
func newCodecFromKey(dk []byte) *Codec {
	block, err := aes.NewCipher(dk[16:32])
	if err != nil {
		panic(fmt.Sprintf("auth: token cipher: %v", err)) // unreachable: the key is 16 bytes
	}
	return &Codec{
		signKey: append([]byte(nil), dk[:16]...),
		block:   block,
		cache:   newTokenCache(cacheSize),
		loc:     time.Local,
	}
}

// Mint validates and normalises the claims, then seals them into a token with
// a random IV and the current time. Its only error is a wrapped *ClaimsError
// naming the invalid field.
func (c *Codec) Mint(cl Claims) (string, error) {
	var iv [ivLen]byte
	rand.Read(iv[:]) // never fails: crypto/rand aborts the program instead
	return c.mintAt(cl, iv, time.Now())
}

// mintAt is Mint with a fixed IV and timestamp, for reproducible tokens.
func (c *Codec) mintAt(cl Claims, iv [ivLen]byte, at time.Time) (string, error) {
	n, ce := cl.normalize()
	if ce != nil {
		return "", fmt.Errorf("auth: mint: %w", ce)
	}
	return c.seal([]byte(n.Plaintext()), iv, at.Unix()), nil
}

// seal builds the Fernet token of plaintext without validating it.
func (c *Codec) seal(plaintext []byte, iv [ivLen]byte, ts int64) string {
	pad := aes.BlockSize - len(plaintext)%aes.BlockSize
	buf := make([]byte, headerLen, headerLen+len(plaintext)+pad+macLen)
	buf[0] = fernetVersion
	binary.BigEndian.PutUint64(buf[1:9], uint64(ts))
	copy(buf[9:headerLen], iv[:])
	buf = append(buf, plaintext...)
	for range pad {
		buf = append(buf, byte(pad))
	}
	cipher.NewCBCEncrypter(c.block, iv[:]).CryptBlocks(buf[headerLen:], buf[headerLen:])
	m := hmac.New(sha256.New, c.signKey)
	m.Write(buf)
	buf = m.Sum(buf)
	return base64.URLEncoding.EncodeToString(buf)
}

// Verify authenticates a token and returns its claims. The checks run in the
// original's order and the first failure wins: ErrNoToken (empty), ErrBase64
// (not canonical padded base64url), ErrDecrypt (not sealed with this key),
// ErrPlaintext or ErrBadDate (invalid claims), ErrExpired. The Fernet
// timestamp is ignored: only the expiry date counts.
//
// Expiry keeps the original's rule: the date means local midnight (time.Local)
// at its start, and the token is valid while now is at or before that
// instant, so a token expiring 2030-12-12 stops working at 00:00 local time
// on 2030-12-12 and its last full day is 2030-12-11. The comparison uses the
// local wall clock, as the original did, which only matters on a day whose
// midnight a daylight-saving change skips.
//
// Claims of verified tokens are cached by token, so repeating a token costs
// a map look-up; the expiry is checked on every call.
func (c *Codec) Verify(token string, now time.Time) (Claims, error) {
	cl, _, err := c.VerifyFingerprint(token, now)
	return cl, err
}

// VerifyFingerprint is Verify that also returns the token's Fingerprint,
// remembered with the cached claims so that a repeat costs no second hash.
func (c *Codec) VerifyFingerprint(token string, now time.Time) (Claims, string, error) {
	v, err := c.VerifyToken(token, now)
	return v.Claims, v.Fingerprint, err
}

// Verified is what a verified token yields, worked out once per token
// and remembered with it.
type Verified struct {
	Claims      Claims
	Fingerprint string // Fingerprint of the token
	BaseURL     string // Claims.BaseURL
}

// VerifyToken is Verify returning the Verified form of the token.
func (c *Codec) VerifyToken(token string, now time.Time) (Verified, error) {
	if token == "" {
		return Verified{}, fmt.Errorf("auth: verify: %w", ErrNoToken)
	}
	e, ok := c.cache.get(token)
	if !ok {
		raw, err := decodeCanonical(token)
		if err != nil {
			return Verified{}, err
		}
		pt, err := c.open(raw)
		if err != nil {
			return Verified{}, err
		}
		cl, err := ParsePlaintext(string(pt))
		if err != nil {
			return Verified{}, err
		}
		exp, _ := time.Parse(time.DateOnly, cl.Expires) // validated by ParsePlaintext
		e = cacheEntry{verified: Verified{Claims: cl, Fingerprint: Fingerprint(token), BaseURL: cl.BaseURL()}, expires: exp}
		c.cache.put(token, e)
	}
	if !now.Before(e.expires.Add(-maxZoneAhead)) && expired(e.expires, now.In(c.loc)) {
		return Verified{}, fmt.Errorf("auth: verify: %w", ErrExpired)
	}
	return e.verified, nil
}

// Remembered reports whether token was verified before and is still
// remembered, so that VerifyToken will not decrypt it again. A caller
// with a cheaper way to answer known tokens uses it to leave unknown ones,
// forged ones among them, to the path that verifies and counts them.
func (c *Codec) Remembered(token string) bool {
	_, ok := c.cache.get(token)
	return ok
}

// maxZoneAhead is more than any offset ahead of UTC a time zone can have
// in Go (a TZ rule may say up to a week): until an expiry date's UTC
// midnight minus this, no local wall clock has reached the date, so a
// token that far from its expiry needs no calendar arithmetic to be valid.
const maxZoneAhead = 7*24*time.Hour + time.Hour

// expired reports whether the local wall-clock time now is past midnight at
// the start of the date exp (a UTC midnight standing for a calendar date).
func expired(exp time.Time, now time.Time) bool {
	y, m, d := now.Date()
	wall := time.Date(y, m, d, now.Hour(), now.Minute(), now.Second(), now.Nanosecond(), time.UTC)
	return wall.After(exp)
}

// decodeCanonical decodes a token that is exactly the padded base64url
// encoding of its bytes. Anything else is ErrBase64: other characters, line
// breaks (which the decoder would skip), missing or extra padding, and
// non-zero bits in the last character.
func decodeCanonical(token string) ([]byte, error) {
	raw, err := base64.URLEncoding.Strict().DecodeString(token)
	if err != nil || base64.URLEncoding.EncodedLen(len(raw)) != len(token) {
		return nil, fmt.Errorf("auth: verify: %w", ErrBase64)
	}
	return raw, nil
}

// open checks the Fernet version, length and MAC of raw and returns its
// plaintext. Every failure is ErrDecrypt.
func (c *Codec) open(raw []byte) ([]byte, error) {
	if len(raw) < minTokenLen || raw[0] != fernetVersion || (len(raw)-headerLen-macLen)%aes.BlockSize != 0 {
		return nil, fmt.Errorf("auth: verify: %w", ErrDecrypt)
	}
	c.opened.Add(1)
	body, tag := raw[:len(raw)-macLen], raw[len(raw)-macLen:]
	m := hmac.New(sha256.New, c.signKey)
	m.Write(body)
	if !hmac.Equal(m.Sum(nil), tag) {
		return nil, fmt.Errorf("auth: verify: %w", ErrDecrypt)
	}
	ct := body[headerLen:]
	pt := make([]byte, len(ct))
	cipher.NewCBCDecrypter(c.block, body[9:headerLen]).CryptBlocks(pt, ct)
	pad := int(pt[len(pt)-1])
	if pad < 1 || pad > aes.BlockSize {
		return nil, fmt.Errorf("auth: verify: %w", ErrDecrypt)
	}
	for _, b := range pt[len(pt)-pad:] {
		if int(b) != pad {
			return nil, fmt.Errorf("auth: verify: %w", ErrDecrypt)
		}
	}
	return pt[:len(pt)-pad], nil
}

// Fingerprint returns the lowercase hex sha256 of the canonical form of a
// token, the form revocation lists hold. Verify accepts only canonical
// tokens, and every token the original minted is canonical, so for any token
// that verifies this is the sha256 of the string as received: existing lists
// keep working, and no variant of a listed token verifies under another
// fingerprint.
func Fingerprint(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
