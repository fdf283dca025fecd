package realtools

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/internal/testtool"
)

// RulesFile is the name SuricataTest gives the rules; extra files sit next
// to it in Suricata's default rule path.
const RulesFile = "cratos.rules"

// suricataYAML is the smallest configuration under which Suricata 7 loads
// rules of every shape Cratos writes: the address and port variables,
// the classification and reference files, the rule directory, and the
// application layer parsers the rules name (ja3 fingerprints on). Its
// arguments are those of suricataConfig.
const suricataYAML = `%%YAML 1.1
---
vars:
  address-groups:
    HOME_NET: "[10.0.0.0/8,172.16.0.0/12,192.168.0.0/16]"
    EXTERNAL_NET: "!$HOME_NET"
    HTTP_SERVERS: "$HOME_NET"
    SMTP_SERVERS: "$HOME_NET"
    SQL_SERVERS: "$HOME_NET"
    DNS_SERVERS: "$HOME_NET"
    TELNET_SERVERS: "$HOME_NET"
    AIM_SERVERS: "$EXTERNAL_NET"
    DC_SERVERS: "$HOME_NET"
    DNP3_SERVER: "$HOME_NET"
    DNP3_CLIENT: "$HOME_NET"
    MODBUS_CLIENT: "$HOME_NET"
    MODBUS_SERVER: "$HOME_NET"
    ENIP_CLIENT: "$HOME_NET"
    ENIP_SERVER: "$HOME_NET"
  port-groups:
    HTTP_PORTS: "80"
    SHELLCODE_PORTS: "!80"
    ORACLE_PORTS: "1521"
    SSH_PORTS: "22"
    DNP3_PORTS: "20000"
    MODBUS_PORTS: "502"
    FILE_DATA_PORTS: "[$HTTP_PORTS,110,143]"
    FTP_PORTS: "21"
    GENEVE_PORTS: "6081"
    VXLAN_PORTS: "4789"
    TEREDO_PORTS: "3544"
default-rule-path: %[1]s
rule-files:
  - %[2]s
classification-file: %[3]s
reference-config-file: %[4]s
default-log-dir: %[5]s
datasets:
  defaults:
    memcap: 512mb
    hashsize: 65536
stats:
  enabled: no
outputs: %[7]s
logging:
  default-log-level: %[6]s
  outputs:
    - console:
        enabled: yes
app-layer:
  protocols:
    tls:
      enabled: yes
      ja3-fingerprints: yes
    http:
      enabled: yes
    dns:
      tcp:
        enabled: yes
      udp:
        enabled: yes
    smtp:
      enabled: yes
    ftp:
      enabled: yes
    smb:
      enabled: yes
    nfs:
      enabled: yes
    http2:
      enabled: yes
`

// classification is used when Suricata's own classification.config is
// not installed.
const classification = `config classification: not-suspicious,Not Suspicious Traffic,3
config classification: unknown,Unknown Traffic,3
config classification: bad-unknown,Potentially Bad Traffic, 2
config classification: trojan-activity,A Network Trojan was detected, 1
config classification: policy-violation,Potential Corporate Privacy Violation,1
`

const references = `config reference: url http://
config reference: cve http://cve.mitre.org/cgi-bin/cvename.cgi?name=
`

// SuricataConfig writes into dir the smallest suricata.yaml under which
// Suricata 7 loads rules of every shape Cratos writes: the rules file
// rulesFile of ruleDir, logged at logLevel to the console and into logDir.
// Suricata's own classification and reference files are used, or written
// into dir where they are not installed. It returns the path of
// suricata.yaml.
func SuricataConfig(t testing.TB, dir, ruleDir, rulesFile, logDir, logLevel string) string {
	t.Helper()
	return suricataConfig(t, dir, ruleDir, rulesFile, logDir, logLevel, "[]")
}

// suricataConfig is SuricataConfig with the outputs section given.
func suricataConfig(t testing.TB, dir, ruleDir, rulesFile, logDir, logLevel, outputs string) string {
	t.Helper()
	classFile := "/etc/suricata/classification.config"
	refFile := "/etc/suricata/reference.config"
	if _, err := os.Stat(classFile); err != nil {
		classFile = writeFile(t, dir, "classification.config", []byte(classification))
	}
	if _, err := os.Stat(refFile); err != nil {
		refFile = writeFile(t, dir, "reference.config", []byte(references))
	}
	return writeFile(t, dir, "suricata.yaml", fmt.Appendf(nil, suricataYAML, ruleDir, rulesFile, classFile, refFile, logDir, logLevel, outputs))
}

// suricataDirs makes a temporary directory holding rulesText as RulesFile
// and an empty log directory, and returns both.
func suricataDirs(t testing.TB, rulesText string) (dir, logDir string) {
	t.Helper()
	dir = t.TempDir()
	logDir = filepath.Join(dir, "log")
	if err := os.Mkdir(logDir, 0o755); err != nil {
		t.Fatalf("suricata log dir: %v", err)
	}
	writeFile(t, dir, RulesFile, []byte(rulesText))
	return dir, logDir
}

// SuricataTest writes rulesText as RulesFile and extraFiles (list and
// dataset files, by base name) into a temporary rule directory and runs
// suricata -T with a minimal configuration. Any error, any warning from
// the detection engine, or a non-zero exit is returned.
func SuricataTest(t testing.TB, rulesText string, extraFiles map[string][]byte) error {
	t.Helper()
	suricata := testtool.Require(t, "suricata", "suricata")
	dir, logDir := suricataDirs(t, rulesText)
	for name, data := range extraFiles {
		if name != filepath.Base(name) || name == RulesFile {
			t.Fatalf("SuricataTest: extra file name %q must be a plain file name other than %s", name, RulesFile)
		}
		writeFile(t, dir, name, data)
	}
	conf := SuricataConfig(t, dir, dir, RulesFile, logDir, "notice")

	out, err := run(t, suricata, "-T", "-c", conf, "-l", logDir)
	p := &problems{tool: "suricata -T"}
	if err != nil {
		p.add("exit status: " + err.Error())
	}
	hasRules := false
	for line := range strings.Lines(rulesText) {
		if s := strings.TrimSpace(line); s != "" && s[0] != '#' {
			hasRules = true
			break
		}
	}
	for line := range strings.Lines(out) {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "E:"):
			p.add(line)
		case strings.HasPrefix(line, "W:") && strings.Contains(line, "no rules were loaded") && !hasRules:
			// An output without rules is allowed to load nothing.
		case strings.HasPrefix(line, "W: detect"), strings.HasPrefix(line, "W: datasets"):
			p.add(line)
		}
	}
	return p.err()
}
