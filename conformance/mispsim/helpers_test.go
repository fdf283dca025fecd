package mispsim

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/internal/testtool"
)

var testNow = time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC)

func fixedNow() time.Time { return testNow }

// sharedData returns the shared real data folder or skips the test.
func sharedData(t testing.TB) string {
	t.Helper()
	d := testtool.SharedData()
	if d == "" {
		t.Skip("shared data folder not found (../shared/data or $CRATOS_SHARED_DATA): skipping real-data test")
	}
	return d
}

// call sends one request straight to the handler.
func call(t testing.TB, h http.Handler, method, path, body string, header map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Authorization", DefaultKey)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	for k, v := range header {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

type gotAttr struct {
	ID        string `json:"id"`
	EventID   string `json:"event_id"`
	Type      string `json:"type"`
	Value     string `json:"value"`
	ToIDS     bool   `json:"to_ids"`
	Deleted   bool   `json:"deleted"`
	Timestamp string `json:"timestamp"`
	Event     struct {
		ID      string `json:"id"`
		OrgcID  string `json:"orgc_id"`
		UUID    string `json:"uuid"`
		Info    string `json:"info"`
		OrgID   string `json:"org_id"`
		Distrib string `json:"distribution"`
	} `json:"Event"`
	Tag []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"Tag"`
}

// search posts a restSearch body and decodes the attributes.
func search(t testing.TB, h http.Handler, body string) []gotAttr {
	t.Helper()
	rec := call(t, h, http.MethodPost, "/attributes/restSearch", body, nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("restSearch %s: status %d: %s", body, rec.Code, rec.Body.String())
	}
	var doc struct {
		Response struct {
			Attribute []gotAttr `json:"Attribute"`
		} `json:"response"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatalf("restSearch %s: decode: %v\n%s", body, err, rec.Body.String())
	}
	if doc.Response.Attribute == nil {
		t.Fatalf("restSearch %s: no Attribute array: %s", body, rec.Body.String())
	}
	return doc.Response.Attribute
}

func ids(attrs []gotAttr) string {
	var out []string
	for _, a := range attrs {
		out = append(out, a.ID)
	}
	return strings.Join(out, ",")
}
