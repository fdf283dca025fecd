package suricata

import (
	"fmt"
	"strconv"

	"github.com/cratos-project/cratos/renderers"
)

// Option defaults.
const (
	DefaultSIDBase     = 91000000
	DefaultAction      = "alert"
	DefaultClasstype   = "trojan-activity"
	DefaultMsgPrefix   = "CRATOS"
	DefaultIPGroupSize = 500
)

// MaxIPGroupSize is the largest accepted ip_group_size.
const MaxIPGroupSize = 5000

const maxTextOption = 64

var optionDocs = []renderers.Option{
	{Name: "sid_base", Default: strconv.Itoa(DefaultSIDBase), Description: "first SID of the generated range; SIDs run from sid_base to sid_base+2^sid_bits-1", Kind: renderers.KindInt, Min: 1, Max: MaxSIDBase},
	{Name: "sid_bits", Default: strconv.Itoa(DefaultSIDBits), Description: "width of the generated range in bits (26-31); wider ranges make collisions, which can move a rule's SID, rarer; sid_base+2^sid_bits must not pass 2^32", Kind: renderers.KindInt, Min: DefaultSIDBits, Max: MaxSIDBits},
	{Name: "action", Default: DefaultAction, Description: "rule action: alert, drop, reject or pass", Kind: renderers.KindEnum, Values: actions},
	{Name: "classtype", Default: DefaultClasstype, Description: "classtype of every rule; it must exist in Suricata's classification.config"},
	{Name: "msg_prefix", Default: DefaultMsgPrefix, Description: "first word of every rule's msg"},
	{Name: "ip_group_size", Default: strconv.Itoa(DefaultIPGroupSize), Description: "most IP addresses or nets in one rule header (1-5000); rule lines stay under 8192 bytes", Kind: renderers.KindInt, Min: 1, Max: MaxIPGroupSize},
}

var actions = []string{"alert", "drop", "reject", "pass"}

type options struct {
	sidBase   uint32
	sidBits   int
	action    string
	classtype string
	msgPrefix string
	groupSize int
}

// Config reads the options.
func (def) Config(p renderers.Options) (options, error) {
	o := options{
		sidBase:   uint32(p.Int("sid_base")),
		sidBits:   p.Int("sid_bits"),
		action:    p.Enum("action"),
		classtype: p.String("classtype"),
		msgPrefix: p.String("msg_prefix"),
		groupSize: p.Int("ip_group_size"),
	}
	if uint64(o.sidBase)+1<<o.sidBits > 1<<32 {
		return options{}, renderers.OptionError(info.Name, "sid_base", fmt.Sprintf("at most 2^32-2^sid_bits = %d", uint64(1<<32-1<<o.sidBits)), strconv.FormatUint(uint64(o.sidBase), 10))
	}
	if !isWord(o.classtype) {
		return options{}, renderers.OptionError(info.Name, "classtype", fmt.Sprintf("1-%d letters, digits, '-' or '_'", maxTextOption), o.classtype)
	}
	if !isPrintable(o.msgPrefix) {
		return options{}, renderers.OptionError(info.Name, "msg_prefix", fmt.Sprintf("1-%d printable ASCII characters", maxTextOption), o.msgPrefix)
	}
	return o, nil
}

func isWord(s string) bool {
	if s == "" || len(s) > maxTextOption {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func isPrintable(s string) bool {
	if s == "" || len(s) > maxTextOption {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
