package metrics

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/export"
)

// TestRememberedSeries: requests and cache results counted through the
// remembered series land in the same series as before, once per call,
// past the table's bound as well as within it.
func TestRememberedSeries(t *testing.T) {
	const route = "/v1/feed/:feedName/type/:dataType/age/:dataAge/output/:output"
	m := New()
	for range 3 {
		m.Request(route, 200, "txt", time.Millisecond)
		m.Request(route, 304, "txt", time.Millisecond)
		m.Request("/v1/check", 403, "", time.Millisecond)
		m.CacheResult(export.Hit)
	}
	for i := range maxChildren + 10 {
		m.Request("/r", 200, fmt.Sprintf("out%d", i), time.Millisecond)
		m.Request("/r", 200, fmt.Sprintf("out%d", i), time.Millisecond)
	}
	if n := m.children.requests.Len(); n > maxChildren {
		t.Errorf("%d request series remembered, bound %d", n, maxChildren)
	}
	text := scrape(t, m)
	tests := []struct{ series, value string }{
		{`cratos_http_requests_total{output="txt",route="` + route + `",status="200"}`, "3"},
		{`cratos_http_requests_total{output="txt",route="` + route + `",status="304"}`, "3"},
		{`cratos_http_requests_total{output="",route="/v1/check",status="403"}`, "3"},
		{`cratos_http_requests_total{output="out0",route="/r",status="200"}`, "2"},
		{fmt.Sprintf(`cratos_http_requests_total{output="out%d",route="/r",status="200"}`, maxChildren+9), "2"},
		{`cratos_http_request_duration_seconds_count{route="` + route + `"}`, "6"},
		{`cratos_http_request_duration_seconds_count{route="/r"}`, fmt.Sprint(2 * (maxChildren + 10))},
		{`cratos_auth_failures_total{status="403"}`, "3"},
		{`cratos_cache_results_total{status="HIT"}`, "3"},
	}
	for _, tc := range tests {
		if !strings.Contains(text, "\n"+tc.series+" "+tc.value+"\n") {
			t.Errorf("/metrics lacks %s %s", tc.series, tc.value)
		}
	}
}
