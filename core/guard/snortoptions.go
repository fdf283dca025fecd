package guard

import (
	"fmt"
	"strings"
)

// sensorOptions are the rule options by which a rule acts on the sensor
// or its traffic instead of detecting (Suricata 7, and Snort's logto),
// each with what it does.
var sensorOptions = map[string]string{
	"bypass":       `it stops inspection of the flows it matches, as "pass" does`,
	"replace":      "it rewrites the packets it matches on an IPS",
	"nfq_set_mark": "it sets the netfilter mark of the packets it matches, which the host's firewall and routing act on",
	"config":       "it turns off the logging of what it matches",
	"filestore":    "it writes the files it matches to the sensor's disk",
	"tls_store":    "it writes the TLS certificates it matches to the sensor's disk",
	"tls.store":    "it writes the TLS certificates it matches to the sensor's disk",
	"lua":          "it runs a script on the sensor",
	"luajit":       "it runs a script on the sensor",
	"logto":        "it writes the packets it matches to a file it names",
}

// activeResponses are Snort's options that answer a matched packet with
// resets or a block page, as a reject rule does.
var activeResponses = map[string]bool{"resp": true, "react": true}

// checkRuleOptions refuses a rule line with an option of sensorOptions,
// an active response unless a reject action is allowed, or a dataset or
// datarep option that writes (datasetWrite). Options are named as
// Suricata reads them, whatever their case.
func (p *Policy) checkRuleOptions(line string) (Verdict, bool) {
	refuse := func(name, why string) (Verdict, bool) {
		return Verdict{RuleSnortAction, fmt.Sprintf("keyword %q is not allowed (%s)", name, why)}, true
	}
	for _, o := range ruleOptions(line) {
		if why, ok := sensorOptions[o.name]; ok {
			return refuse(o.name, why)
		}
		if activeResponses[o.name] && !p.allowsReject() {
			return refuse(o.name, "it sends resets or a block page, as a reject rule does")
		}
		if o.name == "dataset" || o.name == "datarep" {
			if why := datasetWrite(o.name, o.value); why != "" {
				return refuse(o.name, why)
			}
		}
	}
	return Verdict{}, false
}

// allowsReject reports whether the site allows one of the reject actions.
func (p *Policy) allowsReject() bool {
	for _, a := range p.snort {
		if strings.HasPrefix(a, "reject") {
			return true
		}
	}
	return false
}

// datasetWrite says how a dataset or datarep option's value
// ("set,name,type string,save file") writes, or "" when it only reads:
// "set" and "unset" change a set other rules of the sensor read, and
// "save" and "state" write a file on the sensor.
func datasetWrite(name, value string) string {
	args := strings.Split(value, ",")
	if cmd := strings.ToLower(strings.TrimSpace(args[0])); name == "dataset" && (cmd == "set" || cmd == "unset") {
		return "it changes a dataset the sensor's other rules read"
	}
	for _, a := range args[1:] {
		if f := strings.Fields(a); len(f) > 0 && (strings.EqualFold(f[0], "save") || strings.EqualFold(f[0], "state")) {
			return "it writes a file on the sensor"
		}
	}
	return ""
}

// ruleOption is one option of a rule: its name in lower case and its
// value, both without surrounding space.
type ruleOption struct {
	name, value string
}

// ruleOptions returns the options of rule, one line, split as Suricata
// splits them: at every semicolon no backslash escapes, inside double
// quotes or not.
func ruleOptions(rule string) []ruleOption {
	open := strings.IndexByte(rule, '(')
	if open < 0 {
		return nil
	}
	body := strings.TrimSuffix(strings.TrimSpace(rule[open+1:]), ")")
	var opts []ruleOption
	start := 0
	for i := 0; i <= len(body); i++ {
		switch {
		case i < len(body) && body[i] == '\\':
			i++
		case i == len(body) || body[i] == ';':
			name, value, _ := strings.Cut(body[start:min(i, len(body))], ":")
			if name = strings.ToLower(strings.TrimSpace(name)); name != "" {
				opts = append(opts, ruleOption{name, strings.TrimSpace(value)})
			}
			start = i + 1
		}
	}
	return opts
}
