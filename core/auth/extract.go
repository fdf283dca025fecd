package auth

import (
	"encoding/base64"
	"fmt"
	"strings"
)

// basicUser is the Basic user name whose password is the whole token.
const basicUser = "cratos"

// Extract picks the request's token from the query parameter "token", else
// the "token" header; empty values count as absent. A Basic Authorization
// header (scheme matched case-insensitively) overrides both: its base64
// credentials must contain ':', else ErrBasic. The user "cratos" passes the
// token as the password; any other user passes it split in two, user name
// first, for appliances whose password field is too short. A Bearer
// Authorization header (OpenCTI's and other TAXII clients' token
// setting) gives the token only when neither the query nor the header
// does: a proxy's own bearer credential never hides a device's token.
// Other Authorization schemes are ignored. No token at all is ErrNoToken.
func Extract(query, header, authorization string) (string, error) {
	token := query
	if token == "" {
		token = header
	}
	scheme, param, _ := strings.Cut(authorization, " ")
	if token == "" && strings.EqualFold(scheme, "bearer") {
		token = strings.TrimSpace(param)
	}
	if strings.EqualFold(scheme, "basic") {
		user, pass, err := parseBasic(param)
		if err != nil {
			return "", err
		}
		if user == basicUser {
			token = pass
		} else {
			token = user + pass
		}
	}
	if token == "" {
		return "", fmt.Errorf("auth: extract token: %w", ErrNoToken)
	}
	return token, nil
}

// parseBasic decodes Basic credentials: standard padded base64 of ASCII
// "user:password", split at the first ':'.
func parseBasic(param string) (user, pass string, err error) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(param))
	if err != nil {
		return "", "", fmt.Errorf("auth: extract token: basic credentials: %w", ErrBasic)
	}
	for _, c := range b {
		if c >= 0x80 {
			return "", "", fmt.Errorf("auth: extract token: basic credentials: %w", ErrBasic)
		}
	}
	user, pass, ok := strings.Cut(string(b), ":")
	if !ok {
		return "", "", fmt.Errorf("auth: extract token: basic credentials: %w", ErrBasic)
	}
	return user, pass, nil
}
