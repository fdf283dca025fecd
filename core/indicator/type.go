package indicator

import "fmt"

// Type is the kind of a canonical indicator.
type Type uint8

// The indicator kinds. IP kinds hold a single address (IPv4, IPv6) or a
// masked prefix shorter than the full length (IPv4Net, IPv6Net).
const (
	Invalid         Type = iota
	IPv4                 // "198.51.100.7"
	IPv4Net              // "203.0.113.0/24", host bits cleared
	IPv6                 // RFC 5952 text, "2001:db8::7"
	IPv6Net              // "2001:db8::/32", host bits cleared
	Domain               // a name and all of its subdomains, A-labels, lower case
	Hostname             // exactly this name, A-labels, lower case
	URL                  // scheme and host lower-cased, path and query byte-exact
	MD5                  // 32 lower-case hex digits
	SHA1                 // 40 lower-case hex digits
	SHA256               // 64 lower-case hex digits
	Email                // local part as given, domain lower-cased
	EmailSubject         // one line of text
	EmailAttachment      // a file name
	Mutex                // a mutex name
	Snort                // a Snort/Suricata rule; may span lines
	Yara                 // a YARA rule; may span lines
	Sigma                // a Sigma rule; may span lines
	X509MD5              // certificate fingerprint, 32 hex digits
	X509SHA1             // certificate fingerprint, 40 hex digits
	X509SHA256           // certificate fingerprint, 64 hex digits
	Vulnerability        // "CVE-2021-44228"
	JA3                  // JA3 TLS client fingerprint, 32 hex digits
	HASSH                // HASSH SSH client fingerprint, 32 hex digits
	HASSHServer          // HASSH SSH server fingerprint, 32 hex digits
	Imphash              // PE import hash, 32 hex digits
	CryptoCurrency       // a BTC (legacy or bech32) or XMR address
	numTypes
)

var typeNames = [numTypes]string{
	Invalid:         "invalid",
	IPv4:            "ipv4",
	IPv4Net:         "ipv4-net",
	IPv6:            "ipv6",
	IPv6Net:         "ipv6-net",
	Domain:          "domain",
	Hostname:        "hostname",
	URL:             "url",
	MD5:             "md5",
	SHA1:            "sha1",
	SHA256:          "sha256",
	Email:           "email",
	EmailSubject:    "email-subject",
	EmailAttachment: "email-attachment",
	Mutex:           "mutex",
	Snort:           "snort",
	Yara:            "yara",
	Sigma:           "sigma",
	X509MD5:         "x509-md5",
	X509SHA1:        "x509-sha1",
	X509SHA256:      "x509-sha256",
	Vulnerability:   "vulnerability",
	JA3:             "ja3",
	HASSH:           "hassh",
	HASSHServer:     "hassh-server",
	Imphash:         "imphash",
	CryptoCurrency:  "crypto-currency",
}

// String returns the type's stable name, as used in renderer listings and
// the plugin protocol.
func (t Type) String() string {
	if t < numTypes {
		return typeNames[t]
	}
	return fmt.Sprintf("type(%d)", uint8(t))
}

// ParseType returns the Type named s.
func ParseType(s string) (Type, error) {
	for t := IPv4; t < numTypes; t++ {
		if typeNames[t] == s {
			return t, nil
		}
	}
	return Invalid, fmt.Errorf("indicator: unknown type %q", s)
}

// AllTypes returns every valid Type in declaration order.
func AllTypes() []Type {
	out := make([]Type, 0, numTypes-1)
	for t := IPv4; t < numTypes; t++ {
		out = append(out, t)
	}
	return out
}

// IsIP reports whether t is one of the four IP kinds.
func (t Type) IsIP() bool { return t >= IPv4 && t <= IPv6Net }

// IsName reports whether t is Domain or Hostname.
func (t Type) IsName() bool { return t == Domain || t == Hostname }

// IsRule reports whether t is a detection rule whose value may span lines.
func (t Type) IsRule() bool { return t == Snort || t == Yara || t == Sigma }

// MarshalText implements encoding.TextMarshaler.
func (t Type) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (t *Type) UnmarshalText(b []byte) error {
	v, err := ParseType(string(b))
	if err != nil {
		return err
	}
	*t = v
	return nil
}
