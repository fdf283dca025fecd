package auth

import (
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // America/Santiago for the daylight-saving case
)

// docToken is the first reference vector (configuration A, expiry 2030-12-12).
var docToken = referenceVectors[0].token

// sealRaw MACs an already padded and encrypted body, for tokens with valid
// MACs but invalid padding or version.
func sealRaw(c *Codec, version byte, iv [16]byte, padded []byte) string {
	body := make([]byte, 25, 25+len(padded)+32)
	body[0] = version
	binary.BigEndian.PutUint64(body[1:9], 1)
	copy(body[9:], iv[:])
	ct := make([]byte, len(padded))
	cipher.NewCBCEncrypter(c.block, iv[:]).CryptBlocks(ct, padded)
	body = append(body, ct...)
	m := hmac.New(sha256.New, c.signKey)
	m.Write(body)
	return base64.URLEncoding.EncodeToString(m.Sum(body))
}

func pkcs7(s string) []byte {
	n := 16 - len(s)%16
	return []byte(s + strings.Repeat(string(rune(n)), n))
}

func TestVerifyEncoding(t *testing.T) {
	insertDot := docToken[:50] + "." + docToken[50:]
	unpadded := strings.TrimRight(docToken, "=")
	std := strings.NewReplacer("-", "+", "_", "/").Replace(docToken)
	if std == docToken {
		t.Fatal("test token has no '-' or '_'")
	}
	// A token whose last character carries non-zero padding bits: "o=" and
	// "p=" decode to the same byte leniently.
	lastBits := docToken[:len(docToken)-2] + "p="
	tests := []struct {
		name  string
		token string
		want  error
	}{
		{"valid", docToken, nil},
		{"empty", "", ErrNoToken},
		{"bad padding", "abc", ErrBase64},
		{"decodes but not fernet", "abcd", ErrDecrypt},
		{"appended bang", docToken + "!", ErrBase64},
		{"appended padding", docToken + "=", ErrBase64},
		{"appended quad after padding", docToken + "AAAA", ErrBase64},
		{"appended quad to unpadded token", referenceVectors[3].token + "AAAA", ErrDecrypt},
		{"inserted dot", insertDot, ErrBase64},
		{"missing padding", unpadded, ErrBase64},
		{"standard alphabet", std, ErrBase64},
		{"leading space", " " + docToken, ErrBase64},
		{"trailing newline", docToken + "\n", ErrBase64},
		{"inner CRLF", docToken[:64] + "\r\n" + docToken[64:], ErrBase64},
		{"non-zero padding bits", lastBits, ErrBase64},
		{"non-ascii", docToken[:10] + "é" + docToken[12:], ErrBase64},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := testCodec(t, cfgADK).Verify(tc.token, testNow)
			wantIs(t, err, tc.want)
		})
	}
}

func TestVerifyCrypto(t *testing.T) {
	raw, _ := base64.URLEncoding.DecodeString(docToken)
	flip := func(i int) string {
		b := append([]byte(nil), raw...)
		b[i] ^= 0x01
		return base64.URLEncoding.EncodeToString(b)
	}
	a := testCodec(t, cfgADK)
	tests := []struct {
		name  string
		dk    string
		token string
		want  error
	}{
		{"wrong key", cfgBDK, docToken, ErrDecrypt},
		{"tampered version", cfgADK, flip(0), ErrDecrypt},
		{"tampered timestamp", cfgADK, flip(5), ErrDecrypt},
		{"tampered iv", cfgADK, flip(12), ErrDecrypt},
		{"tampered ciphertext", cfgADK, flip(40), ErrDecrypt},
		{"tampered mac", cfgADK, flip(len(raw) - 1), ErrDecrypt},
		{"truncated block", cfgADK, base64.URLEncoding.EncodeToString(raw[:len(raw)-16]), ErrDecrypt},
		{"truncated byte", cfgADK, base64.URLEncoding.EncodeToString(raw[:len(raw)-1]), ErrDecrypt},
		{"header only", cfgADK, base64.URLEncoding.EncodeToString(raw[:57]), ErrDecrypt},
		{"extra byte", cfgADK, base64.URLEncoding.EncodeToString(append(append([]byte(nil), raw...), 0)), ErrDecrypt},
		{"zeros", cfgADK, base64.URLEncoding.EncodeToString(make([]byte, 137)), ErrDecrypt},
		{"signed bad version", cfgADK, sealRaw(a, 0x81, iv16(1), pkcs7("https;443;misp.example.net;"+key40+";2030-12-12")), ErrDecrypt},
		{"signed padding zero", cfgADK, sealRaw(a, 0x80, iv16(1), []byte("0123456789abcde\x00")), ErrDecrypt},
		{"signed padding 17", cfgADK, sealRaw(a, 0x80, iv16(1), []byte("0123456789abcde\x11")), ErrDecrypt},
		{"signed padding inconsistent", cfgADK, sealRaw(a, 0x80, iv16(1), []byte("0123456789abc\x02\x03\x03")), ErrDecrypt},
		{"signed version 0x80 control", cfgADK, sealRaw(a, 0x80, iv16(1), pkcs7("https;443;misp.example.net;"+key40+";2030-12-12")), nil},
		{"signed empty plaintext", cfgADK, sealRaw(a, 0x80, iv16(1), []byte(strings.Repeat("\x10", 16))), ErrPlaintext},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := testCodec(t, tc.dk).Verify(tc.token, testNow)
			wantIs(t, err, tc.want)
		})
	}
}

// TestVerifyPlaintext seals plaintexts directly, bypassing Mint's checks.
func TestVerifyPlaintext(t *testing.T) {
	const tail = ";" + key40 + ";2030-12-12"
	tests := []struct {
		name      string
		plaintext string
		want      Claims
		wantErr   error
	}{
		{"port 8443", "https;8443;misp.example.net" + tail, Claims{"https", 8443, "misp.example.net", key40, "2030-12-12"}, nil},
		{"port 65535", "http;65535;misp.example.net" + tail, Claims{"http", 65535, "misp.example.net", key40, "2030-12-12"}, nil},
		{"hyphenated host", "https;443;misp-01.example-corp.net" + tail, Claims{"https", 443, "misp-01.example-corp.net", key40, "2030-12-12"}, nil},
		{"bracketed ipv6", "https;443;[2001:db8::1]" + tail, Claims{"https", 443, "2001:db8::1", key40, "2030-12-12"}, nil},
		{"port 0", "https;0;misp.example.net" + tail, Claims{}, ErrPlaintext},
		{"port 65536", "https;65536;misp.example.net" + tail, Claims{}, ErrPlaintext},
		{"four fields", "https;443;misp.example.net;" + key40, Claims{}, ErrPlaintext},
		{"six fields", "https;443;misp.example.net" + tail + ";x", Claims{}, ErrPlaintext},
		{"ftp", "ftp;21;misp.example.net" + tail, Claims{}, ErrPlaintext},
		{"short key", "https;443;misp.example.net;" + key40[1:] + ";2030-12-12", Claims{}, ErrPlaintext},
		{"bad month", "https;443;misp.example.net;" + key40 + ";2030-13-01", Claims{}, ErrPlaintext},
		{"year 2100", "https;443;misp.example.net;" + key40 + ";2100-01-01", Claims{}, ErrPlaintext},
		{"not utf-8", "\xff\xfe;443;misp.example.net" + tail, Claims{}, ErrPlaintext},
		{"february 30", "https;443;misp.example.net;" + key40 + ";2023-02-30", Claims{}, ErrBadDate},
		{"april 31", "https;443;misp.example.net;" + key40 + ";2031-04-31", Claims{}, ErrBadDate},
		{"bad date and bad port", "https;0;misp.example.net;" + key40 + ";2023-02-30", Claims{}, ErrPlaintext},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := testCodec(t, cfgADK)
			got, err := c.Verify(c.seal([]byte(tc.plaintext), iv16(7), 1), testNow)
			wantIs(t, err, tc.wantErr)
			if got != tc.want {
				t.Errorf("claims = %q, want %q", got.Plaintext(), tc.want.Plaintext())
			}
		})
	}
	t.Run("ipv6 base url", func(t *testing.T) {
		c := testCodec(t, cfgADK)
		got, err := c.Verify(c.seal([]byte("https;443;[2001:db8::1]"+tail), iv16(7), 1), testNow)
		if err != nil {
			t.Fatal(err)
		}
		if u := got.BaseURL(); u != "https://[2001:db8::1]:443" {
			t.Errorf("BaseURL = %q", u)
		}
	})
}

func TestVerifyExpiry(t *testing.T) {
	plus2 := time.FixedZone("UTC+2", 2*3600)
	santiago, err := time.LoadLocation("America/Santiago")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		loc     *time.Location
		expires string
		now     time.Time
		want    error
	}{
		{"day before", time.UTC, "2030-12-12", time.Date(2030, 12, 11, 23, 59, 59, 0, time.UTC), nil},
		{"at local midnight", time.UTC, "2030-12-12", time.Date(2030, 12, 12, 0, 0, 0, 0, time.UTC), nil},
		{"one nanosecond later", time.UTC, "2030-12-12", time.Date(2030, 12, 12, 0, 0, 0, 1, time.UTC), ErrExpired},
		{"later that day", time.UTC, "2030-12-12", time.Date(2030, 12, 12, 12, 0, 0, 0, time.UTC), ErrExpired},
		{"years later", time.UTC, "2030-12-12", time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC), ErrExpired},
		// Local midnight in UTC+2 is 22:00 UTC the day before.
		{"utc+2 at local midnight", plus2, "2030-12-12", time.Date(2030, 12, 11, 22, 0, 0, 0, time.UTC), nil},
		{"utc+2 past local midnight", plus2, "2030-12-12", time.Date(2030, 12, 11, 22, 0, 1, 0, time.UTC), ErrExpired},
		{"utc+2 now given in utc+2", plus2, "2030-12-12", time.Date(2030, 12, 12, 0, 0, 0, 0, plus2), nil},
		// 2024-09-08 00:00 does not exist in Santiago: 03:59:59Z is 23:59:59
		// on the 7th, and 04:00:00Z is already 01:00 on the 8th.
		{"dst skipped midnight before", santiago, "2024-09-08", time.Date(2024, 9, 8, 3, 59, 59, 0, time.UTC), nil},
		{"dst skipped midnight after", santiago, "2024-09-08", time.Date(2024, 9, 8, 4, 0, 0, 0, time.UTC), ErrExpired},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := testCodec(t, cfgADK)
			c.loc = tc.loc
			cl := validClaims()
			cl.Expires = tc.expires
			tok, err := c.Mint(cl)
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Verify(tok, tc.now)
			wantIs(t, err, tc.want)
		})
	}
	t.Run("time.Local by default", func(t *testing.T) {
		if c := newCodecFromKey(make([]byte, 32)); c.loc != time.Local {
			t.Error("codec does not read expiry dates in time.Local")
		}
	})
	t.Run("today yesterday tomorrow", func(t *testing.T) {
		now := time.Now()
		c := testCodec(t, cfgADK)
		c.loc = time.Local
		for _, d := range []struct {
			days int
			want error
		}{{-1, ErrExpired}, {0, ErrExpired}, {1, nil}} {
			cl := validClaims()
			cl.Expires = now.In(time.Local).AddDate(0, 0, d.days).Format(time.DateOnly)
			tok, err := c.Mint(cl)
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Verify(tok, now)
			if now.In(time.Local).Format("15:04:05.999999999") == "00:00:00" && d.days == 0 {
				continue // exactly midnight: still valid
			}
			wantIs(t, err, d.want)
		}
	})
}
