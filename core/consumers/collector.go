package consumers

import "github.com/prometheus/client_golang/prometheus"

var (
	lastPullDesc = prometheus.NewDesc("cratos_consumer_last_pull_timestamp_seconds",
		"Unix time of the last list request of a consumer named in a site file (absent until its first pull).",
		[]string{"site", "consumer"}, nil)
	lateDesc = prometheus.NewDesc("cratos_consumer_late",
		"1 when a named consumer has not pulled for three times its expect_every, else 0.",
		[]string{"site", "consumer"}, nil)
	expectDesc = prometheus.NewDesc("cratos_consumer_expected_interval_seconds",
		"A named consumer's expect_every (0: never late).",
		[]string{"site", "consumer"}, nil)
)

// Describe implements prometheus.Collector.
func (t *Tracker) Describe(ch chan<- *prometheus.Desc) {
	ch <- lastPullDesc
	ch <- lateDesc
	ch <- expectDesc
}

// Collect implements prometheus.Collector.
func (t *Tracker) Collect(ch chan<- prometheus.Metric) {
	for _, st := range t.Consumers() {
		if !st.Last.Time.IsZero() {
			ch <- prometheus.MustNewConstMetric(lastPullDesc, prometheus.GaugeValue,
				float64(st.Last.Time.UnixNano())/1e9, st.Site, st.Name)
		}
		late := 0.0
		if st.Late {
			late = 1
		}
		ch <- prometheus.MustNewConstMetric(lateDesc, prometheus.GaugeValue, late, st.Site, st.Name)
		ch <- prometheus.MustNewConstMetric(expectDesc, prometheus.GaugeValue, st.ExpectEvery.Seconds(), st.Site, st.Name)
	}
}
