package misp_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/misp"
)

// A ServerClock tells MISP's clock from the Date of its answers, less the
// time they took: the earliest bound of every answer, zero without one.
func TestServerClock(t *testing.T) {
	misps := time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/late":
			w.Header().Set("Date", misps.Add(time.Hour).Format(http.TimeFormat))
		case "/none":
			w.Header()["Date"] = nil
		default:
			w.Header().Set("Date", misps.Format(http.TimeFormat))
		}
		w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	client := misp.New(misp.Options{Site: "s", BaseURL: srv.URL, Key: "k", Timeout: time.Minute})
	for _, tc := range []struct {
		name  string
		paths []string
		want  time.Time
	}{
		{"no answer", nil, time.Time{}},
		{"no Date", []string{"/none"}, time.Time{}},
		{"one answer", []string{"/"}, misps},
		{"the earliest of several", []string{"/late", "/", "/none", "/late"}, misps},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := misp.NewServerClock()
			ctx := misp.WithServerClock(context.Background(), clock)
			began := time.Now()
			for _, p := range tc.paths {
				if _, err := client.GetJSON(ctx, p); err != nil {
					t.Fatal(err)
				}
			}
			took := time.Since(began)
			got := clock.Start()
			if tc.want.IsZero() != got.IsZero() || got.After(tc.want) || got.Before(tc.want.Add(-took)) {
				t.Errorf("MISP's clock at the start %v, want %v less at most %v", got, tc.want, took)
			}
		})
	}
}
