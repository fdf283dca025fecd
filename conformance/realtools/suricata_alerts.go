package realtools

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/internal/testtool"
)

// fastOutput logs alerts to fast.log.
const fastOutput = `
  - fast:
      enabled: yes
      filename: fast.log`

// fastAlert finds the SID and source port of a fast.log line of an IPv4
// packet: "[gid:sid:rev] … {TCP} 10.0.0.1:40000 -> …".
var fastAlert = regexp.MustCompile(`\[\d+:(\d+):\d+\].*\{\w+\} [\d.]+:(\d+) -> `)

// Alert is one alert of SuricataAlerts.
type Alert struct {
	SID     uint64
	SrcPort int // the source port of the packet (of a rule to_server, the client's)
}

// SuricataAlerts runs Suricata in offline mode over the packet capture
// pcap (IPv4 only) with rulesText as its rules, under SuricataConfig's
// configuration, and returns the alerts in the order logged. Any error or
// a non-zero exit is returned.
func SuricataAlerts(t testing.TB, rulesText string, pcap []byte) ([]Alert, error) {
	t.Helper()
	suricata := testtool.Require(t, "suricata", "suricata")
	dir, logDir := suricataDirs(t, rulesText)
	capture := writeFile(t, dir, "traffic.pcap", pcap)
	conf := suricataConfig(t, dir, dir, RulesFile, logDir, "notice", fastOutput)
	out, err := run(t, suricata, "-c", conf, "-l", logDir, "-r", capture, "-k", "none", "--runmode", "single")
	p := &problems{tool: "suricata -r"}
	if err != nil {
		p.add("exit status: " + err.Error())
	}
	for line := range strings.Lines(out) {
		if line = strings.TrimSpace(line); strings.HasPrefix(line, "E:") {
			p.add(line)
		}
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	log, err := os.ReadFile(filepath.Join(logDir, "fast.log"))
	if err != nil {
		return nil, err
	}
	var alerts []Alert
	for _, m := range fastAlert.FindAllSubmatch(log, -1) {
		sid, _ := strconv.ParseUint(string(m[1]), 10, 64)
		port, _ := strconv.Atoi(string(m[2]))
		alerts = append(alerts, Alert{SID: sid, SrcPort: port})
	}
	return alerts, nil
}
