package auth

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestParsePlaintext(t *testing.T) {
	ok := func(proto, port, host, key, exp string) string {
		return proto + ";" + port + ";" + host + ";" + key + ";" + exp
	}
	host := func(h string) string { return ok("https", "443", h, key40, "2030-12-12") }
	withHost := func(h string) Claims { return Claims{"https", 443, h, key40, "2030-12-12"} }
	// port and expiry vary one field of an https token for host "misp";
	// onMisp is the claims of such a token.
	port := func(p string) string { return ok("https", p, "misp", key40, "2030-12-12") }
	expiry := func(e string) string { return ok("https", "443", "misp", key40, e) }
	onMisp := func(port int, exp string) Claims { return Claims{"https", port, "misp", key40, exp} }
	long63 := strings.Repeat("a", 63)
	name253 := strings.Repeat(long63+".", 3) + strings.Repeat("b", 61) // 4*63+1 = 253
	tests := []struct {
		name  string
		in    string
		want  Claims
		err   error
		field string
	}{
		{"documented", host("misp.example.net"), withHost("misp.example.net"), nil, ""},
		{"proto upper", ok("HTTPS", "443", "misp.example.net", key40, "2030-12-12"), withHost("misp.example.net"), nil, ""},
		{"proto mixed http", ok("Http", "80", "misp", key40, "2030-12-12"), Claims{"http", 80, "misp", key40, "2030-12-12"}, nil, ""},
		{"proto ftp", ok("ftp", "21", "misp", key40, "2030-12-12"), Claims{}, ErrPlaintext, "proto"},
		{"proto httpsx", ok("httpsx", "443", "misp", key40, "2030-12-12"), Claims{}, ErrPlaintext, "proto"},
		{"proto padded", ok("https ", "443", "misp", key40, "2030-12-12"), Claims{}, ErrPlaintext, "proto"},
		{"proto empty", ok("", "443", "misp", key40, "2030-12-12"), Claims{}, ErrPlaintext, "proto"},
		{"port 1", port("1"), onMisp(1, "2030-12-12"), nil, ""},
		{"port 1023", port("1023"), onMisp(1023, "2030-12-12"), nil, ""},
		{"port 8080", ok("http", "8080", "misp", key40, "2030-12-12"), Claims{"http", 8080, "misp", key40, "2030-12-12"}, nil, ""},
		{"port 65535", port("65535"), onMisp(65535, "2030-12-12"), nil, ""},
		{"port 0", port("0"), Claims{}, ErrPlaintext, "port"},
		{"port 65536", port("65536"), Claims{}, ErrPlaintext, "port"},
		{"port 100000", port("100000"), Claims{}, ErrPlaintext, "port"},
		{"port leading zero", port("0443"), Claims{}, ErrPlaintext, "port"},
		{"port plus", port("+443"), Claims{}, ErrPlaintext, "port"},
		{"port minus", port("-1"), Claims{}, ErrPlaintext, "port"},
		{"port space", port(" 443"), Claims{}, ErrPlaintext, "port"},
		{"port empty", port(""), Claims{}, ErrPlaintext, "port"},
		{"port hex", port("4a3"), Claims{}, ErrPlaintext, "port"},
		{"host single label", host("m"), withHost("m"), nil, ""},
		{"host hyphen", host("misp-prod.example-corp.net"), withHost("misp-prod.example-corp.net"), nil, ""},
		{"host underscore", host("misp_01.example.net"), withHost("misp_01.example.net"), nil, ""},
		{"host case kept", host("MISP.Example.NET"), withHost("MISP.Example.NET"), nil, ""},
		{"host trailing dot", host("misp.example.net."), withHost("misp.example.net."), nil, ""},
		{"host label 63", host(long63 + ".net"), withHost(long63 + ".net"), nil, ""},
		{"host 253", host(name253), withHost(name253), nil, ""},
		{"host ipv4", host("10.0.0.5"), withHost("10.0.0.5"), nil, ""},
		{"host ipv6", host("2001:db8::1"), withHost("2001:db8::1"), nil, ""},
		{"host ipv6 bracketed", host("[2001:db8::1]"), withHost("2001:db8::1"), nil, ""},
		{"host ipv6 loopback", host("::1"), withHost("::1"), nil, ""},
		{"host ipv4 mapped", host("::ffff:10.0.0.1"), withHost("::ffff:10.0.0.1"), nil, ""},
		{"host empty", host(""), Claims{}, ErrPlaintext, "host"},
		{"host dot", host("."), Claims{}, ErrPlaintext, "host"},
		{"host four dots", host("...."), Claims{}, ErrPlaintext, "host"},
		{"host empty label", host("misp..net"), Claims{}, ErrPlaintext, "host"},
		{"host leading dot", host(".misp.net"), Claims{}, ErrPlaintext, "host"},
		{"host label 64", host(long63 + "a.net"), Claims{}, ErrPlaintext, "host"},
		{"host 254", host("a" + name253), Claims{}, ErrPlaintext, "host"},
		{"host space", host("misp example"), Claims{}, ErrPlaintext, "host"},
		{"host slash", host("misp/x"), Claims{}, ErrPlaintext, "host"},
		{"host at", host("user@misp"), Claims{}, ErrPlaintext, "host"},
		{"host unicode", host("mïsp.net"), Claims{}, ErrPlaintext, "host"},
		{"host ipv4 out of range", host("999.1.1.1"), Claims{}, ErrPlaintext, "host"},
		{"host ipv4 three parts", host("1.2.3"), Claims{}, ErrPlaintext, "host"},
		{"host ipv4 leading zero", host("010.0.0.1"), Claims{}, ErrPlaintext, "host"},
		{"host ipv4 bracketed", host("[10.0.0.1]"), Claims{}, ErrPlaintext, "host"},
		{"host ipv6 zone", host("fe80::1%eth0"), Claims{}, ErrPlaintext, "host"},
		{"host ipv6 unclosed", host("[2001:db8::1"), Claims{}, ErrPlaintext, "host"},
		{"host ipv6 unopened", host("2001:db8::1]"), Claims{}, ErrPlaintext, "host"},
		{"host colon junk", host("a:b"), Claims{}, ErrPlaintext, "host"},
		{"host with port", host("misp.example.net:443"), Claims{}, ErrPlaintext, "host"},
		{"key 72", ok("https", "443", "misp", key72, "2030-12-12"), Claims{"https", 443, "misp", key72, "2030-12-12"}, nil, ""},
		{"key 39", ok("https", "443", "misp", key40[1:], "2030-12-12"), Claims{}, ErrPlaintext, "key"},
		{"key 73", ok("https", "443", "misp", key72+"a", "2030-12-12"), Claims{}, ErrPlaintext, "key"},
		{"key hyphen", ok("https", "443", "misp", key40[1:]+"-", "2030-12-12"), Claims{}, ErrPlaintext, "key"},
		{"expiry 1900", expiry("1900-01-01"), onMisp(443, "1900-01-01"), nil, ""},
		{"expiry leap day", expiry("2028-02-29"), onMisp(443, "2028-02-29"), nil, ""},
		{"expiry 2099", expiry("2099-12-31"), onMisp(443, "2099-12-31"), nil, ""},
		{"expiry 2100", expiry("2100-01-01"), Claims{}, ErrPlaintext, "expires"},
		{"expiry 1899", expiry("1899-12-31"), Claims{}, ErrPlaintext, "expires"},
		{"expiry month 13", expiry("2030-13-01"), Claims{}, ErrPlaintext, "expires"},
		{"expiry day 32", expiry("2030-01-32"), Claims{}, ErrPlaintext, "expires"},
		{"expiry short month", expiry("2030-1-01"), Claims{}, ErrPlaintext, "expires"},
		{"expiry slashes", expiry("2030/12/12"), Claims{}, ErrPlaintext, "expires"},
		{"expiry trailing space", expiry("2030-12-12 "), Claims{}, ErrPlaintext, "expires"},
		{"expiry trailing newline", expiry("2030-12-12\n"), Claims{}, ErrPlaintext, "expires"},
		{"expiry february 30", expiry("2023-02-30"), Claims{}, ErrBadDate, "expires"},
		{"expiry february 29 non-leap", expiry("2023-02-29"), Claims{}, ErrBadDate, "expires"},
		{"expiry april 31", expiry("2030-04-31"), Claims{}, ErrBadDate, "expires"},
		{"bad date after bad key", ok("https", "443", "misp", "short", "2023-02-30"), Claims{}, ErrPlaintext, "key"},
		{"four fields", "https;443;misp;" + key40, Claims{}, ErrPlaintext, "plaintext"},
		{"six fields", host("misp") + ";", Claims{}, ErrPlaintext, "plaintext"},
		{"empty", "", Claims{}, ErrPlaintext, "plaintext"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParsePlaintext(tc.in)
			wantIs(t, err, tc.err)
			if got != tc.want {
				t.Errorf("claims = %q, want %q", got.Plaintext(), tc.want.Plaintext())
			}
			if tc.err == nil {
				return
			}
			var ce *ClaimsError
			if !errors.As(err, &ce) || ce.Field != tc.field {
				t.Errorf("error %v: want a ClaimsError for field %q", err, tc.field)
			}
			if errors.Is(err, ErrPlaintext) && errors.Is(err, ErrBadDate) {
				t.Errorf("error %v wraps both ErrPlaintext and ErrBadDate", err)
			}
		})
	}
}

func TestClaimsFormat(t *testing.T) {
	tests := []struct {
		name      string
		c         Claims
		baseURL   string
		plaintext string
	}{
		{"dns", Claims{"https", 443, "misp.example.net", key40, "2030-12-12"}, "https://misp.example.net:443", "https;443;misp.example.net;" + key40 + ";2030-12-12"},
		{"ipv4", Claims{"http", 8080, "10.0.0.5", key40, "2030-12-12"}, "http://10.0.0.5:8080", "http;8080;10.0.0.5;" + key40 + ";2030-12-12"},
		{"ipv6", Claims{"https", 443, "2001:db8::1", key40, "2030-12-12"}, "https://[2001:db8::1]:443", "https;443;2001:db8::1;" + key40 + ";2030-12-12"},
		{"ipv6 bracketed", Claims{"https", 443, "[2001:db8::1]", key40, "2030-12-12"}, "https://[2001:db8::1]:443", "https;443;2001:db8::1;" + key40 + ";2030-12-12"},
		{"upper proto", Claims{"HTTPS", 443, "misp", key40, "2030-12-12"}, "https://misp:443", "https;443;misp;" + key40 + ";2030-12-12"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.c.BaseURL(); got != tc.baseURL {
				t.Errorf("BaseURL = %q, want %q", got, tc.baseURL)
			}
			if got := tc.c.Plaintext(); got != tc.plaintext {
				t.Errorf("Plaintext = %q, want %q", got, tc.plaintext)
			}
		})
	}
}

func TestClaimsRedactKey(t *testing.T) {
	c := validClaims()
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("token", "claims", c)
	outputs := map[string]string{
		"%v":     fmt.Sprintf("%v", c),
		"%+v":    fmt.Sprintf("%+v", c),
		"%#v":    fmt.Sprintf("%#v", c),
		"String": c.String(),
		"slog":   buf.String(),
	}
	for name, out := range outputs {
		t.Run(name, func(t *testing.T) {
			if strings.Contains(out, key40) {
				t.Errorf("output contains the MISP key: %s", out)
			}
			if !strings.Contains(out, "misp.example.net") {
				t.Errorf("output lacks the host: %s", out)
			}
		})
	}
}

func TestMintValidation(t *testing.T) {
	mod := func(f func(*Claims)) Claims {
		c := validClaims()
		f(&c)
		return c
	}
	tests := []struct {
		name  string
		c     Claims
		field string
		msg   string
	}{
		{"proto", mod(func(c *Claims) { c.Proto = "ftp" }), "proto", "proto must be http or https"},
		{"port 0", mod(func(c *Claims) { c.Port = 0 }), "port", "port must be 1-65535"},
		{"port 65536", mod(func(c *Claims) { c.Port = 65536 }), "port", "port must be 1-65535"},
		{"port negative", mod(func(c *Claims) { c.Port = -443 }), "port", "port must be 1-65535"},
		{"host empty", mod(func(c *Claims) { c.Host = "" }), "host", "host must be 1-253 characters"},
		{"host chars", mod(func(c *Claims) { c.Host = "misp;evil" }), "host", "host may contain only letters, digits, '-', '_' and '.'"},
		{"host ipv6", mod(func(c *Claims) { c.Host = "[2001:db8::zz]" }), "host", "host is not a valid IPv6 literal"},
		{"key short", mod(func(c *Claims) { c.Key = key40[:39] }), "key", "key must be 40-72 ASCII letters and digits"},
		{"key semicolon", mod(func(c *Claims) { c.Key = key40[:39] + ";" }), "key", "key must be 40-72 ASCII letters and digits"},
		{"expires shape", mod(func(c *Claims) { c.Expires = "12/12/2030" }), "expires", "expires must be a date YYYY-MM-DD between 1900 and 2099"},
		{"expires calendar", mod(func(c *Claims) { c.Expires = "2023-02-30" }), "expires", "expires is not a calendar date"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := testCodec(t, cfgADK)
			tok, err := c.Mint(tc.c)
			if err == nil {
				t.Fatalf("Mint succeeded: %s", tok)
			}
			var ce *ClaimsError
			if !errors.As(err, &ce) || ce.Field != tc.field || ce.Error() != tc.msg {
				t.Fatalf("error = %v, want ClaimsError %q", err, tc.msg)
			}
			if !strings.HasPrefix(err.Error(), "auth: mint: ") {
				t.Errorf("error %q lacks the operation prefix", err)
			}
			if strings.Contains(err.Error(), key40[:39]) {
				t.Errorf("error contains the key: %v", err)
			}
			if err := tc.c.Validate(); err == nil || err.Error() != tc.msg {
				t.Errorf("Validate = %v, want %q", err, tc.msg)
			}
		})
	}
}

func TestMintRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		in   Claims
		want Claims
	}{
		{"documented", validClaims(), validClaims()},
		{"upper proto", Claims{"HTTP", 8080, "misp-01.example.net", key72, "2031-01-01"}, Claims{"http", 8080, "misp-01.example.net", key72, "2031-01-01"}},
		{"bracketed ipv6", Claims{"https", 8443, "[2001:db8::1]", key40, "2031-01-01"}, Claims{"https", 8443, "2001:db8::1", key40, "2031-01-01"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := testCodec(t, cfgADK)
			tok, err := c.Mint(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(tok, "gAAAAA") {
				t.Errorf("token %q lacks the Fernet prefix", tok)
			}
			got, err := c.Verify(tok, testNow)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("Verify = %q, want %q", got.Plaintext(), tc.want.Plaintext())
			}
			tok2, _ := c.Mint(tc.in)
			if tok2 == tok {
				t.Error("two mints gave the same token: the IV is not random")
			}
		})
	}
	t.Run("timestamp is now", func(t *testing.T) {
		before := time.Now().Unix()
		tok, err := testCodec(t, cfgADK).Mint(validClaims())
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := decodeCanonical(tok)
		ts := int64(raw[1])<<56 | int64(raw[2])<<48 | int64(raw[3])<<40 | int64(raw[4])<<32 |
			int64(raw[5])<<24 | int64(raw[6])<<16 | int64(raw[7])<<8 | int64(raw[8])
		if ts < before || ts > time.Now().Unix() {
			t.Errorf("timestamp %d outside [%d, now]", ts, before)
		}
	})
}

func TestDetail(t *testing.T) {
	// The exact client-facing texts of the original service.
	tests := []struct {
		err  error
		want string
	}{
		{ErrNoToken, "Could not validate token, or token not set."},
		{ErrBase64, "Invalid Base64 string in use for token."},
		{ErrDecrypt, "Unknown error in CheckApiToken"},
		{ErrPlaintext, "Failed decryption of config token"},
		{ErrExpired, "The security token has expired."},
		{ErrBadDate, "Invalid date in security token (Format: YYYY-MM-DD)."},
		{ErrBasic, "Invalid authentication credentials"},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			if tc.err.Error() != tc.want {
				t.Errorf("text = %q", tc.err.Error())
			}
			got, ok := Detail(fmt.Errorf("outer: %w", fmt.Errorf("inner: %w", tc.err)))
			if !ok || got != tc.want {
				t.Errorf("Detail = %q, %v", got, ok)
			}
		})
	}
	t.Run("claims error", func(t *testing.T) {
		_, err := ParsePlaintext("https;0;misp;" + key40 + ";2030-12-12")
		if got, _ := Detail(err); got != ErrPlaintext.Error() {
			t.Errorf("Detail = %q", got)
		}
	})
	t.Run("foreign error", func(t *testing.T) {
		if got, ok := Detail(errors.New("x")); ok || got != "" {
			t.Errorf("Detail = %q, %v", got, ok)
		}
	})
}

func TestFingerprint(t *testing.T) {
	// sha256 of the first reference token, as `printf %s "$tok" | sha256sum`.
	const want = "c81becb75fd2e6b369c279234c37c9f9972394667cfeba6bb07264b4f73bfc5b"
	if got := Fingerprint(docToken); got != want {
		t.Errorf("Fingerprint = %s, want %s", got, want)
	}
	codec := testCodec(t, cfgADK)
	for i := range 2 { // verified, then from the cache
		if _, fp, err := codec.VerifyFingerprint(docToken, testNow); err != nil || fp != want {
			t.Errorf("VerifyFingerprint #%d = %s, %v; want %s", i+1, fp, err, want)
		}
	}
	for _, v := range []string{docToken + "!", docToken + "=", docToken[:50] + "." + docToken[50:]} {
		if Fingerprint(v) == want {
			t.Errorf("variant %q has the listed fingerprint", v)
		}
		if _, err := testCodec(t, cfgADK).Verify(v, testNow); err == nil {
			t.Errorf("variant %q verifies", v)
		}
	}
}
