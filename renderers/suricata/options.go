package suricata

import (
	"fmt"
	"slices"
	"sort"
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
	{Name: "sid_base", Default: strconv.Itoa(DefaultSIDBase), Description: "first SID of the generated range; SIDs run from sid_base to sid_base+2^26-1"},
	{Name: "action", Default: DefaultAction, Description: "rule action: alert, drop, reject or pass"},
	{Name: "classtype", Default: DefaultClasstype, Description: "classtype of every rule; it must exist in Suricata's classification.config"},
	{Name: "msg_prefix", Default: DefaultMsgPrefix, Description: "first word of every rule's msg"},
	{Name: "ip_group_size", Default: strconv.Itoa(DefaultIPGroupSize), Description: "most IP addresses or nets in one rule header (1-5000); rule lines stay under 8192 bytes"},
}

var actions = []string{"alert", "drop", "reject", "pass"}

type options struct {
	sidBase   uint32
	action    string
	classtype string
	msgPrefix string
	groupSize int
}

func parseOptions(opts map[string]string) (options, error) {
	o := options{
		sidBase:   DefaultSIDBase,
		action:    DefaultAction,
		classtype: DefaultClasstype,
		msgPrefix: DefaultMsgPrefix,
		groupSize: DefaultIPGroupSize,
	}
	keys := make([]string, 0, len(opts))
	for k := range opts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := opts[k]
		switch k {
		case "sid_base":
			n, err := strconv.ParseUint(v, 10, 32)
			if err != nil || n < 1 || n > MaxSIDBase {
				return o, fmt.Errorf("option sid_base: want an integer from 1 to %d, got %q", uint64(MaxSIDBase), v)
			}
			o.sidBase = uint32(n)
		case "action":
			if !slices.Contains(actions, v) {
				return o, fmt.Errorf("option action: want alert, drop, reject or pass, got %q", v)
			}
			o.action = v
		case "classtype":
			if !isWord(v) {
				return o, fmt.Errorf("option classtype: want 1-%d letters, digits, '-' or '_', got %q", maxTextOption, v)
			}
			o.classtype = v
		case "msg_prefix":
			if !isPrintable(v) {
				return o, fmt.Errorf("option msg_prefix: want 1-%d printable ASCII characters, got %q", maxTextOption, v)
			}
			o.msgPrefix = v
		case "ip_group_size":
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > MaxIPGroupSize {
				return o, fmt.Errorf("option ip_group_size: want an integer from 1 to %d, got %q", MaxIPGroupSize, v)
			}
			o.groupSize = n
		default:
			return o, renderers.CheckOptionNames(info, map[string]string{k: v})
		}
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
