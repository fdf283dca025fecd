package indicator

import "slices"

// DataType is one value of the routes' {dataType} segment: the MISP
// attribute types it queries and the indicator kinds it yields.
type DataType struct {
	// Name is the route segment, e.g. "ipv4" or "file-sha256".
	Name string
	// MISPTypes are the MISP attribute types sent in the restSearch "type"
	// filter, in the original's order.
	MISPTypes []string
	// Yields are the indicator kinds the data type produces.
	Yields TypeSet
}

var ipMISPTypes = []string{"ip-src", "ip-dst", "domain|ip", "ip-dst|port", "ip-src|port"}

// dataTypes lists the 26 data types of the original, in its order.
var dataTypes = []DataType{
	{"ipv4ext", ipMISPTypes, SetOf(IPv4, IPv4Net)},
	{"ipv4", ipMISPTypes, SetOf(IPv4)},
	{"ipv6", ipMISPTypes, SetOf(IPv6, IPv6Net)},
	{"cidr4", []string{"ip-src", "ip-dst"}, SetOf(IPv4Net)},
	{"domain", []string{"domain"}, SetOf(Domain)},
	{"hostname", []string{"hostname", "domain|ip", "hostname|port"}, SetOf(Hostname)},
	{"url", []string{"url"}, SetOf(URL)},
	{"file-md5", []string{"md5", "filename|md5"}, SetOf(MD5)},
	{"file-sha1", []string{"sha1", "filename|sha1"}, SetOf(SHA1)},
	{"file-sha256", []string{"sha256", "filename|sha256"}, SetOf(SHA256)},
	{"mutex", []string{"mutex"}, SetOf(Mutex)},
	{"snort", []string{"snort"}, SetOf(Snort)},
	{"yara", []string{"yara"}, SetOf(Yara)},
	{"sigma", []string{"sigma"}, SetOf(Sigma)},
	{"x509-fingerprint-md5", []string{"x509-fingerprint-md5"}, SetOf(X509MD5)},
	{"x509-fingerprint-sha1", []string{"x509-fingerprint-sha1"}, SetOf(X509SHA1)},
	{"x509-fingerprint-sha256", []string{"x509-fingerprint-sha256"}, SetOf(X509SHA256)},
	{"email-address", []string{"email-dst", "email-src"}, SetOf(Email)},
	{"email-subject", []string{"email-subject"}, SetOf(EmailSubject)},
	{"email-attachment", []string{"email-attachment"}, SetOf(EmailAttachment)},
	{"vulnerability", []string{"vulnerability"}, SetOf(Vulnerability)},
	{"ja3", []string{"ja3-fingerprint-md5"}, SetOf(JA3)},
	{"hassh-md5", []string{"hassh-md5"}, SetOf(HASSH)},
	{"hasshserver-md5", []string{"hasshserver-md5"}, SetOf(HASSHServer)},
	{"imphash", []string{"imphash"}, SetOf(Imphash)},
	{"crypto-currency", []string{"btc", "xmr"}, SetOf(CryptoCurrency)},
}

// DataTypes returns the 26 data types in the original's order. The slice is
// a copy; the MISPTypes slices are shared and must not be modified.
func DataTypes() []DataType { return slices.Clone(dataTypes) }

// LookupDataType returns the data type named name.
func LookupDataType(name string) (DataType, bool) {
	for _, d := range dataTypes {
		if d.Name == name {
			return d, true
		}
	}
	return DataType{}, false
}

// DataTypeNames returns the names of all data types in the original's order.
func DataTypeNames() []string {
	out := make([]string, len(dataTypes))
	for i, d := range dataTypes {
		out[i] = d.Name
	}
	return out
}

// WithMISPTypes returns a copy of d that queries types instead (from a
// site's mappings file).
func (d DataType) WithMISPTypes(types []string) DataType {
	d.MISPTypes = slices.Clone(types)
	return d
}

// ipKinds are the kinds an IP attribute can give.
var ipKinds = SetOf(IPv4, IPv4Net, IPv6, IPv6Net)

// mispKinds maps each MISP type the Extractor splits by hand to the
// kinds its values can give; singleKinds holds the rest.
var mispKinds = map[string]TypeSet{
	"ip-src": ipKinds, "ip-dst": ipKinds, "ip-src|port": ipKinds, "ip-dst|port": ipKinds,
	"domain|ip": ipKinds | SetOf(Domain, Hostname),
	"domain":    SetOf(Domain, Hostname), "hostname": SetOf(Domain, Hostname), "hostname|port": SetOf(Domain, Hostname),
	"md5": SetOf(MD5), "filename|md5": SetOf(MD5), "malware-sample": SetOf(MD5),
	"sha1": SetOf(SHA1), "filename|sha1": SetOf(SHA1),
	"sha256": SetOf(SHA256), "filename|sha256": SetOf(SHA256),
	"btc": SetOf(CryptoCurrency), "xmr": SetOf(CryptoCurrency),
}

// Reads reports whether attributes of mispType can give d an indicator:
// the attributes of any other type d is queried with are left out.
func (d DataType) Reads(mispType string) bool {
	if k, ok := singleKinds[mispType]; ok {
		return d.Yields.Has(k.t)
	}
	return mispKinds[mispType]&d.Yields != 0
}
