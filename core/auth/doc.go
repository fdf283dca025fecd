// Package auth authenticates Cratos consumers with legacy CRATOS tokens.
//
// A legacy token is a Fernet token (AES-128-CBC plus HMAC-SHA256, base64url
// with padding) whose key is derived with PBKDF2-HMAC-SHA256 (600,000
// iterations) from the configured encryption key and salt. Its plaintext is
// "proto;port;host;mispKey;YYYY-MM-DD". Tokens minted by the original
// service verify here unchanged, and tokens minted here verify there as long
// as their claims fit the original's narrower rules.
//
// Differences from the original, all deliberate:
//   - the key derivation runs once, in [NewCodec], never per request, and
//     verified tokens are cached (at most 10,000, the expiry checked on
//     every call);
//   - decoding is strict: only the canonical padded base64url form of a token
//     is accepted, so a revoked token cannot be revived by appending or
//     inserting junk characters, and [Fingerprint] of an accepted token is the
//     sha256 of the string as received, which is what existing revocation
//     lists hold;
//   - claims accept ports 1-65535 (not only 1-1023), host names with hyphens
//     and underscores, and IPv6 literals, bracketed or not; they reject port 0
//     and host strings that are neither a DNS name nor an IP literal.
//
// Failures are reported with sentinel errors whose texts are the original's
// client-facing messages; [Detail] recovers that text from a wrapped error.
// Nothing in this package logs, and no error carries a token or MISP key.
package auth
