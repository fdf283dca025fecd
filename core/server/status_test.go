package server_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/core/auth"
)

func TestStatusDetailForAdminsOnly(t *testing.T) {
	h := newHarness(t, asAdmin(), withConsumer("pa-fw-01"))
	other := h.mint(h.claims) // a valid token of the site, not an admin one
	if resp, _ := h.authed(feedPath, "User-Agent", "PAN-OS 11.1"); resp.StatusCode != 200 {
		t.Fatalf("list: %d", resp.StatusCode)
	}
	for _, tc := range []struct {
		name    string
		headers []string
	}{
		{"no token", nil},
		{"token that is not an admin's", []string{"token", other}},
		{"invalid token", []string{"token", "gAAAAAnotatoken"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := h.get("/v1/status", tc.headers...)
			var m map[string]any
			if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &m) != nil {
				t.Fatalf("%d %s", resp.StatusCode, body)
			}
			if len(m) != 3 || m["ping"] != "pong" || m["memcachedstatus"] != "OK" || m["status"] != "OK" {
				t.Errorf("public status %s", body)
			}
			if strings.Contains(body, h.site.Name) || strings.Contains(body, "last_build") {
				t.Errorf("public status names a site: %s", body)
			}
		})
	}
	down := newHarness(t)
	down.authed(feedPath)
	down.sim.Close()
	if _, body := down.get("/v1/status"); !strings.Contains(body, `"status":"DEGRADED"`) || strings.Contains(body, down.site.Name) {
		t.Errorf("public status with MISP down: %s", body)
	}

	resp, body := h.authed("/v1/status")
	var st struct {
		Sites     map[string]map[string]any `json:"sites"`
		Consumers []map[string]any          `json:"consumers"`
		Cache     string                    `json:"cache"`
		Memory    []struct {
			Store       string `json:"store"`
			HeldBytes   int64  `json:"held_bytes"`
			BudgetBytes int64  `json:"budget_bytes"`
		} `json:"memory"`
	}
	if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &st) != nil {
		t.Fatalf("admin status: %d %s", resp.StatusCode, body)
	}
	if st.Sites[h.site.Name]["last_build"] == nil || st.Cache != "memory" {
		t.Errorf("admin status lacks the detail: %s", body)
	}
	if len(st.Consumers) != 1 || st.Consumers[0]["consumer"] != "pa-fw-01" || st.Consumers[0]["list"] != feedPath ||
		st.Consumers[0]["status"] != 200.0 || st.Consumers[0]["late"] != false || st.Consumers[0]["expect_every_seconds"] != 300.0 {
		t.Errorf("consumers in admin status: %s", body)
	}
	// The list built came from a feed snapshot, both held.
	held := map[string]int64{}
	for _, m := range st.Memory {
		if m.BudgetBytes <= 0 {
			t.Errorf("memory in admin status: %s without a budget", m.Store)
		}
		held[m.Store] = m.HeldBytes
	}
	if len(held) != 4 || held["lists"] <= 0 || held["feed_snapshots"] <= 0 {
		t.Errorf("memory in admin status: %v", held)
	}
}

func TestConsumerMetrics(t *testing.T) {
	h := newHarness(t, withConsumer("pa-fw-01"))
	_, before := h.get("/metrics")
	if strings.Contains(before, "cratos_consumer_last_pull_timestamp_seconds{") ||
		!strings.Contains(before, `cratos_consumer_late{consumer="pa-fw-01",site="`+h.site.Name+`"} 0`) {
		t.Errorf("before any pull:\n%s", grepLines(before, "cratos_consumer"))
	}
	h.authed(feedPath)
	_, after := h.get("/metrics")
	if !strings.Contains(after, `cratos_consumer_last_pull_timestamp_seconds{consumer="pa-fw-01",site="`+h.site.Name+`"} 1.`) ||
		!strings.Contains(after, `cratos_consumer_expected_interval_seconds{consumer="pa-fw-01",site="`+h.site.Name+`"} 300`) {
		t.Errorf("after a pull:\n%s", grepLines(after, "cratos_consumer"))
	}
	// The token itself never shows, nor its fingerprint.
	if strings.Contains(after, h.token) || strings.Contains(after, auth.Fingerprint(h.token)) {
		t.Error("metrics carry the token or its fingerprint")
	}
}

func grepLines(s, word string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, word) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
