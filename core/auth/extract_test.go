package auth

import (
	"encoding/base64"
	"testing"
)

func basic(userPass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(userPass))
}

func TestExtract(t *testing.T) {
	tok := docToken
	half := len(tok) / 2
	tests := []struct {
		name                 string
		query, header, authz string
		want                 string
		err                  error
	}{
		{"nothing", "", "", "", "", ErrNoToken},
		{"query", "q", "", "", "q", nil},
		{"header", "", "h", "", "h", nil},
		{"query over header", "q", "h", "", "q", nil},
		{"basic cratos user", "q", "h", basic("cratos:" + tok), tok, nil},
		{"basic overrides query and header", "q", "h", basic("cratos:b"), "b", nil},
		{"basic split token", "", "", basic(tok[:half] + ":" + tok[half:]), tok, nil},
		{"basic other user", "", "", basic("admin:secret"), "adminsecret", nil},
		{"basic password with colon", "", "", basic("cratos:a:b"), "a:b", nil},
		{"basic scheme lower case", "", "", "basic " + base64.StdEncoding.EncodeToString([]byte("cratos:x")), "x", nil},
		{"basic scheme upper case", "", "", "BASIC " + base64.StdEncoding.EncodeToString([]byte("cratos:x")), "x", nil},
		{"basic extra spaces", "", "", "Basic   " + base64.StdEncoding.EncodeToString([]byte("cratos:x")), "x", nil},
		{"basic empty credentials fall to no token", "q", "", basic("cratos:"), "", ErrNoToken},
		{"basic colon only", "q", "", basic(":"), "", ErrNoToken},
		{"basic bad base64", "q", "h", "Basic !!!notbase64", "", ErrBasic},
		{"basic bad padding", "q", "", "Basic Y3JhdG9zOng", "", ErrBasic},
		{"basic no colon", "q", "h", basic("cratos"), "", ErrBasic},
		{"basic empty", "q", "", "Basic ", "", ErrBasic},
		{"basic without credentials", "q", "", "Basic", "", ErrBasic},
		{"basic non-ascii", "q", "", basic("cratos:tök"), "", ErrBasic},
		{"bearer under query", "q", "", "Bearer abc", "q", nil},
		{"bearer under header", "", "h", "Bearer abc", "h", nil},
		{"bearer alone", "", "", "Bearer " + tok, tok, nil},
		{"bearer scheme lower case, extra spaces", "", "", "bearer   abc ", "abc", nil},
		{"bearer empty", "", "", "Bearer ", "", ErrNoToken},
		{"bearer without credentials", "", "", "Bearer", "", ErrNoToken},
		{"bearerx scheme ignored", "", "", "Bearerx abc", "", ErrNoToken},
		{"digest ignored", "", "h", `Digest username="cratos"`, "h", nil},
		{"basicx scheme ignored", "", "h", "Basicx " + base64.StdEncoding.EncodeToString([]byte("cratos:x")), "h", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Extract(tc.query, tc.header, tc.authz)
			wantIs(t, err, tc.err)
			if got != tc.want {
				t.Errorf("token = %q, want %q", got, tc.want)
			}
		})
	}
}
