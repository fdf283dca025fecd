package mispsim

// MISP attribute categories, in the order describeTypes lists them.
var categories = []string{
	"Internal reference",
	"Targeting data",
	"Antivirus detection",
	"Payload delivery",
	"Artifacts dropped",
	"Payload installation",
	"Persistence mechanism",
	"Network activity",
	"Payload type",
	"Attribution",
	"External analysis",
	"Financial fraud",
	"Support Tool",
	"Social network",
	"Person",
	"Other",
}

// Category bits, one per entry of categories.
const (
	cInternal = 1 << iota
	cTargeting
	cAntivirus
	cDelivery
	cDropped
	cInstall
	cPersist
	cNetwork
	cPayloadType
	cAttribution
	cExternal
	cFraud
	cSupport
	cSocial
	cPerson
	cOther
)

const cAnyText = cInternal | cAntivirus | cDelivery | cDropped | cInstall | cPersist |
	cNetwork | cPayloadType | cAttribution | cExternal | cFraud | cSupport | cSocial | cPerson | cOther

// typeDef is one attribute type as describeTypes reports it.
type typeDef struct {
	name            string
	defaultCategory string
	toIDs           bool
	cats            uint32
}

// knownTypes is the subset of MISP attribute types the emulator describes:
// every type found in the shared events, everything the generator makes and
// every type a Cratos data type maps to. Types met in data but missing here
// are added at run time with category Other.
var knownTypes = []typeDef{
	{"md5", "Payload delivery", true, cDelivery | cDropped | cInstall | cExternal},
	{"sha1", "Payload delivery", true, cDelivery | cDropped | cInstall | cExternal},
	{"sha256", "Payload delivery", true, cDelivery | cDropped | cInstall | cExternal},
	{"filename", "Payload delivery", true, cDelivery | cDropped | cInstall | cPersist | cExternal},
	{"pdb", "Artifacts dropped", false, cDropped},
	{"filename|md5", "Payload delivery", true, cDelivery | cDropped | cInstall | cExternal},
	{"filename|sha1", "Payload delivery", true, cDelivery | cDropped | cInstall | cExternal},
	{"filename|sha256", "Payload delivery", true, cDelivery | cDropped | cInstall | cExternal},
	{"ip-src", "Network activity", true, cDelivery | cNetwork | cExternal},
	{"ip-dst", "Network activity", true, cDelivery | cNetwork | cExternal},
	{"hostname", "Network activity", true, cDelivery | cNetwork | cExternal},
	{"domain", "Network activity", true, cDelivery | cNetwork | cExternal},
	{"domain|ip", "Network activity", true, cNetwork | cExternal},
	{"email", "Social network", true, cDelivery | cNetwork | cAttribution | cSocial | cPerson},
	{"email-src", "Payload delivery", true, cDelivery | cNetwork | cSocial},
	{"email-dst", "Network activity", true, cDelivery | cNetwork | cSocial},
	{"email-subject", "Payload delivery", false, cDelivery | cNetwork},
	{"email-attachment", "Payload delivery", true, cDelivery},
	{"url", "Network activity", true, cDelivery | cNetwork | cExternal},
	{"uri", "Network activity", true, cNetwork},
	{"user-agent", "Network activity", false, cDelivery | cNetwork | cExternal},
	{"AS", "Network activity", false, cDelivery | cNetwork | cExternal},
	{"snort", "Network activity", true, cNetwork | cExternal},
	{"pattern-in-file", "Payload installation", true, cDelivery | cDropped | cInstall | cExternal},
	{"yara", "Payload installation", true, cDelivery | cDropped | cInstall},
	{"sigma", "Payload installation", true, cDelivery | cDropped | cInstall},
	{"vulnerability", "External analysis", false, cDelivery | cInstall | cExternal},
	{"attachment", "External analysis", false, cAntivirus | cDelivery | cDropped | cInstall | cNetwork | cExternal | cSupport},
	{"malware-sample", "Payload delivery", true, cDelivery | cDropped | cInstall | cExternal},
	{"link", "External analysis", false, cInternal | cAntivirus | cDelivery | cExternal | cSupport},
	{"comment", "Other", false, cAnyText | cTargeting},
	{"text", "Other", false, cAnyText},
	{"other", "Other", false, cAnyText},
	{"ssdeep", "Payload delivery", true, cDelivery | cDropped | cInstall},
	{"imphash", "Payload delivery", true, cDelivery | cDropped | cInstall},
	{"pehash", "Payload delivery", true, cDelivery | cInstall},
	{"authentihash", "Payload delivery", true, cDelivery | cDropped | cInstall},
	{"sha224", "Payload delivery", true, cDelivery | cDropped | cInstall},
	{"sha512", "Payload delivery", true, cDelivery | cDropped | cInstall},
	{"filename|sha512", "Payload delivery", true, cDelivery | cDropped | cInstall},
	{"filename|ssdeep", "Payload delivery", true, cDelivery | cDropped | cInstall},
	{"ja3-fingerprint-md5", "Network activity", true, cDelivery | cNetwork | cExternal},
	{"hassh-md5", "Network activity", true, cDelivery | cNetwork | cExternal},
	{"hasshserver-md5", "Network activity", true, cDelivery | cNetwork | cExternal},
	{"regkey", "Persistence mechanism", true, cDropped | cPersist | cExternal},
	{"regkey|value", "Persistence mechanism", true, cDropped | cPersist | cExternal},
	{"mutex", "Artifacts dropped", true, cDropped},
	{"windows-scheduled-task", "Artifacts dropped", false, cDropped},
	{"x509-fingerprint-md5", "Network activity", true, cDelivery | cDropped | cInstall | cNetwork | cAttribution | cExternal},
	{"x509-fingerprint-sha1", "Network activity", true, cDelivery | cDropped | cInstall | cNetwork | cAttribution | cExternal},
	{"x509-fingerprint-sha256", "Network activity", true, cDelivery | cDropped | cInstall | cNetwork | cAttribution | cExternal},
	{"btc", "Financial fraud", true, cFraud},
	{"dash", "Financial fraud", true, cFraud},
	{"xmr", "Financial fraud", true, cFraud},
	{"phone-number", "Person", false, cFraud | cPerson | cOther},
	{"whois-registrant-email", "Attribution", false, cDelivery | cAttribution | cSocial},
	{"whois-registrant-phone", "Attribution", false, cAttribution},
	{"dns-soa-email", "Attribution", false, cAttribution},
	{"target-email", "Targeting data", false, cTargeting},
	{"target-location", "Targeting data", false, cTargeting},
	{"azure-application-id", "Payload delivery", true, cDelivery | cInstall},
	{"mac-address", "Network activity", false, cDelivery | cNetwork | cExternal},
	{"ip-dst|port", "Network activity", true, cDelivery | cNetwork | cExternal},
	{"ip-src|port", "Network activity", true, cDelivery | cNetwork | cExternal},
	{"hostname|port", "Network activity", true, cDelivery | cNetwork},
	{"port", "Network activity", false, cNetwork | cOther},
	{"mime-type", "Artifacts dropped", false, cDelivery | cDropped | cInstall},
	{"size-in-bytes", "Other", false, cOther},
	{"counter", "Other", false, cOther},
	{"datetime", "Other", false, cOther},
	{"float", "Other", false, cOther},
}

// defaultCategory returns the category MISP gives a new attribute of type t.
func defaultCategory(t string) string {
	for i := range knownTypes {
		if knownTypes[i].name == t {
			return knownTypes[i].defaultCategory
		}
	}
	return "Other"
}
