package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/cratos-project/cratos/core/dnsprimary"
)

var (
	zoneSerialDesc = prometheus.NewDesc("cratos_dns_zone_serial",
		"SOA serial a DNS zone is served with; absent until the zone is built or loaded from state_dir.", []string{"zone"}, nil)
	zoneLastSuccessDesc = prometheus.NewDesc("cratos_dns_zone_last_success_timestamp_seconds",
		"Unix time of the last successful rebuild of a DNS zone from MISP, changed or not; 0 before the first since start.", []string{"zone"}, nil)
	zoneFailuresDesc = prometheus.NewDesc("cratos_dns_zone_build_failures_total",
		"Failed rebuilds of a DNS zone, which keeps its content and serial (held: serves the held list as its URL does), by reason.", []string{"zone", "reason"}, nil)
	zoneTransfersDesc = prometheus.NewDesc("cratos_dns_zone_transfers_total",
		"Zone transfers served whole, by type (axfr, ixfr, ixfr_fallback_axfr); over UDP, an ixfr to a secondary up to date.", []string{"zone", "type"}, nil)
	zoneRefusedDesc = prometheus.NewDesc("cratos_dns_zone_transfers_refused_total",
		"AXFR and IXFR requests for the zone's name refused: client not in allow_transfer, unsigned, or signed with another or a bad key.", []string{"zone"}, nil)
	zoneTransfersFailedDesc = prometheus.NewDesc("cratos_dns_zone_transfers_failed_total",
		"AXFR and IXFR cut short: the client left or stopped reading before the last message.", []string{"zone"}, nil)
	zoneNotifiesDesc = prometheus.NewDesc("cratos_dns_zone_notifies_total",
		"NOTIFYs of a new serial sent to a secondary (retries not counted).", []string{"zone"}, nil)
	zoneNotifyFailuresDesc = prometheus.NewDesc("cratos_dns_zone_notify_failures_total",
		"NOTIFYs of a new serial a secondary never acknowledged: unanswered over UDP and TCP, or answered with an error.", []string{"zone"}, nil)
)

// zoneStats exports the DNS zones' series at scrape time from what the
// DNS primary counts: one series per zone (and reason or type), every
// one present from the start.
type zoneStats func() []dnsprimary.ZoneStats

// Describe implements prometheus.Collector.
func (z zoneStats) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{zoneSerialDesc, zoneLastSuccessDesc, zoneFailuresDesc, zoneTransfersDesc,
		zoneRefusedDesc, zoneTransfersFailedDesc, zoneNotifiesDesc, zoneNotifyFailuresDesc} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (z zoneStats) Collect(ch chan<- prometheus.Metric) {
	for _, st := range z() {
		if st.Loaded {
			ch <- prometheus.MustNewConstMetric(zoneSerialDesc, prometheus.GaugeValue, float64(st.Serial), st.Zone)
		}
		last := 0.0
		if !st.LastSuccess.IsZero() {
			last = float64(st.LastSuccess.UnixNano()) / 1e9
		}
		ch <- prometheus.MustNewConstMetric(zoneLastSuccessDesc, prometheus.GaugeValue, last, st.Zone)
		for _, r := range dnsprimary.FailureReasons {
			ch <- prometheus.MustNewConstMetric(zoneFailuresDesc, prometheus.CounterValue, float64(st.Failures[r]), st.Zone, r)
		}
		for _, k := range dnsprimary.TransferTypes {
			ch <- prometheus.MustNewConstMetric(zoneTransfersDesc, prometheus.CounterValue, float64(st.Transfers[k]), st.Zone, k)
		}
		ch <- prometheus.MustNewConstMetric(zoneRefusedDesc, prometheus.CounterValue, float64(st.TransfersRefused), st.Zone)
		ch <- prometheus.MustNewConstMetric(zoneTransfersFailedDesc, prometheus.CounterValue, float64(st.TransfersFailed), st.Zone)
		ch <- prometheus.MustNewConstMetric(zoneNotifiesDesc, prometheus.CounterValue, float64(st.Notifies), st.Zone)
		ch <- prometheus.MustNewConstMetric(zoneNotifyFailuresDesc, prometheus.CounterValue, float64(st.NotifyFailures), st.Zone)
	}
}

// WatchZones exports, at every scrape, the stats stats returns (the DNS
// primary's) as the cratos_dns_zone_* series.
func (m *Metrics) WatchZones(stats func() []dnsprimary.ZoneStats) error {
	return m.reg.Register(zoneStats(stats))
}
