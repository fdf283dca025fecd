package auth

//lint:file-ignore ST1005 the sentinel texts are the original service's client-facing messages, byte for byte.

import "errors"

// Sentinel errors of token extraction and verification. Their texts are the
// original service's client-facing "detail" messages and must not change.
var (
	// ErrNoToken: no token in the query, the token header or Basic credentials.
	ErrNoToken = errors.New("Could not validate token, or token not set.")
	// ErrBase64: the token is not canonical padded base64url.
	ErrBase64 = errors.New("Invalid Base64 string in use for token.")
	// ErrDecrypt: the token is not a Fernet token sealed with this codec's key
	// (wrong key, tampered, bad version, length or padding).
	ErrDecrypt = errors.New("Unknown error in CheckApiToken")
	// ErrPlaintext: the token decrypts, but its plaintext is not valid claims.
	ErrPlaintext = errors.New("Failed decryption of config token")
	// ErrExpired: the token's expiry date has passed (see [Codec.Verify]).
	ErrExpired = errors.New("The security token has expired.")
	// ErrBadDate: the expiry has the YYYY-MM-DD shape but is not a calendar date.
	ErrBadDate = errors.New("Invalid date in security token (Format: YYYY-MM-DD).")
	// ErrBasic: a malformed Basic Authorization header (bad base64, or no ':').
	ErrBasic = errors.New("Invalid authentication credentials")
)

var sentinels = []error{ErrNoToken, ErrBase64, ErrDecrypt, ErrPlaintext, ErrExpired, ErrBadDate, ErrBasic}

// Detail returns the client-facing text of the sentinel error that err wraps,
// or false when err wraps none of them. Use it rather than err.Error(), which
// carries an operation prefix and, for claims errors, the failing field.
func Detail(err error) (string, bool) {
	for _, s := range sentinels {
		if errors.Is(err, s) {
			return s.Error(), true
		}
	}
	return "", false
}

// ClaimsError reports which claim is invalid and why. Mint returns it (wrapped)
// for any invalid claims; Verify and ParsePlaintext wrap it together with
// ErrPlaintext or ErrBadDate. It never contains the rejected value.
type ClaimsError struct {
	Field  string // "plaintext", "proto", "port", "host", "key" or "expires"
	Reason string // e.g. "must be 1-65535"

	badDate bool // the expiry has the right shape but is not a calendar date
}

func (e *ClaimsError) Error() string { return e.Field + " " + e.Reason }
