package export

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/cratos-project/cratos/core/indicator"
)

// TestKeyMemoMatchesKeysFor: a remembered request gets the keys keysFor
// builds, and changing anything keysFor reads gets the new keys.
func TestKeyMemoMatchesKeysFor(t *testing.T) {
	s := limitsService(Limits{})
	base := limitsRequest("http://misp.invalid", "key-one", "1d")
	reloaded := *base.Site
	reloaded.ExpandLimit = 24
	withOptions := *base.Site
	withOptions.Renderers = map[string]map[string]string{"txt": {"eol": "crlf"}}
	withGuard := *base.Site
	withGuard.Guard.NeverBlock.CIDRs = []string{"192.0.2.1"}
	tests := []struct {
		name   string
		change func(*Request)
	}{
		{"same", func(*Request) {}},
		{"key", func(r *Request) { r.MISPKey = "key-two" }},
		{"url", func(r *Request) { r.MISPURL = "http://other.invalid" }},
		{"age", func(r *Request) { r.Age = "2d" }},
		{"feed", func(r *Request) { r.Feed = "block" }},
		{"org", func(r *Request) { r.Kind, r.Org = KindOrg, "00000000-0000-0000-0000-000000000001" }},
		{"vendor", func(r *Request) { r.Kind, r.Vendor = KindVendor, "cisco" }},
		{"output", func(r *Request) { r.Output = "csv" }},
		{"package", func(r *Request) { r.Package = PackageTarGz }},
		{"mapping", func(r *Request) { r.DataType = r.DataType.WithMISPTypes([]string{"ip-src"}) }},
		{"site reloaded", func(r *Request) { r.Site = &reloaded }},
		{"site renderer options", func(r *Request) { r.Site = &withOptions }},
		{"site guard rules", func(r *Request) { r.Site = &withGuard }},
		{"request renderer options", func(r *Request) { r.RendererOptions = map[string]string{"eol": "crlf"} }},
	}
	first := s.keyMemo.keysFor(base, s.keysFor)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := base
			tc.change(&r)
			want := s.keysFor(r)
			for i := range 2 { // remembered, then read back
				if got := s.keyMemo.keysFor(r, s.keysFor); got != want {
					t.Fatalf("call %d: keys %+v, want %+v", i, got, want)
				}
			}
			if tc.name != "same" && want == first {
				t.Fatalf("the change left the keys as they were: %+v", want)
			}
			if got := s.keyMemo.keysFor(base, s.keysFor); got != first {
				t.Fatalf("the first request's keys became %+v, want %+v", got, first)
			}
		})
	}
	// A site replaced in place (the same address, new contents).
	*base.Site = withOptions
	if got, want := s.keyMemo.keysFor(base, s.keysFor), s.keysFor(base); got != want || got == first {
		t.Errorf("site changed in place: keys %+v, want %+v", got, want)
	}
}

// TestKeyMemoBounded: requests with as many distinct organisations as a
// client likes never grow the memo past its bound, and a request with its
// own renderer options is never remembered.
func TestKeyMemoBounded(t *testing.T) {
	s := limitsService(Limits{})
	r := limitsRequest("http://misp.invalid", "key-one", "1d")
	r.Kind = KindOrg
	for i := range maxKeyMemo + 100 {
		r.Org = fmt.Sprintf("00000000-0000-0000-0000-%012d", i)
		s.keyMemo.keysFor(r, s.keysFor)
		if n := s.keyMemo.Len(); n > maxKeyMemo {
			t.Fatalf("memo holds %d requests, bound %d", n, maxKeyMemo)
		}
	}
	opts := limitsRequest("http://misp.invalid", "key-one", "1d")
	opts.RendererOptions = map[string]string{"eol": "crlf"}
	before := s.keyMemo.Len()
	s.keyMemo.keysFor(opts, s.keysFor)
	if n := s.keyMemo.Len(); n != before {
		t.Errorf("a request with renderer options was remembered: %d requests, want %d", n, before)
	}
}

// TestGetRemembersOnlyValidRequests: a request Get refuses (unknown
// output, bad age, wrong vendor) leaves no key behind; a served one does,
// and a clear still makes the next Get rebuild the list.
func TestGetRemembersOnlyValidRequests(t *testing.T) {
	var builds atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		builds.Add(1)
		_, _ = w.Write([]byte(attrsJSON(3)))
	}))
	defer srv.Close()
	s := limitsService(Limits{})
	ctx := context.Background()
	for _, bad := range []func(*Request){
		func(r *Request) { r.Output = "no-such-output" },
		func(r *Request) { r.Age = "11y" },
		func(r *Request) { r.Age = "1q" },
		func(r *Request) { r.Kind, r.Vendor = KindVendor, "nobody" },
		func(r *Request) { r.Package = "zip" },
	} {
		r := limitsRequest(srv.URL, "key-one", "1d")
		bad(&r)
		if _, err := s.Get(ctx, r); err == nil {
			t.Fatalf("%+v: served", r)
		}
	}
	if n := s.keyMemo.Len(); n != 0 {
		t.Fatalf("refused requests left %d keys", n)
	}
	r := limitsRequest(srv.URL, "key-one", "1d")
	for i, want := range []Status{Miss, Hit} {
		if res, err := s.Get(ctx, r); err != nil || res.Status != want {
			t.Fatalf("get %d: %s %v, want %s", i, res.Status, err, want)
		}
	}
	if n := s.keyMemo.Len(); n != 1 {
		t.Fatalf("memo holds %d requests, want 1", n)
	}
	if err := s.Clear(ctx, r); err != nil {
		t.Fatal(err)
	}
	if res, err := s.Get(ctx, r); err != nil || res.Status != Miss {
		t.Fatalf("after the clear: %s %v, want MISS", res.Status, err)
	}
	if builds.Load() < 2 {
		t.Errorf("MISP asked %d times, want a second time after the clear", builds.Load())
	}
}

// TestRendererMemo: a renderer able to carry a data type is remembered
// and returned as the registry has it; an unknown output, an unsupported
// data type or a bad vendor or package is refused on every call and never
// remembered.
func TestRendererMemo(t *testing.T) {
	s := limitsService(Limits{})
	dt := func(name string) indicator.DataType { d, _ := indicator.LookupDataType(name); return d }
	tests := []struct {
		name string
		r    Request
		want error // nil: served and remembered
	}{
		{"txt carries ipv4", Request{Output: "txt", DataType: dt("ipv4")}, nil},
		{"rpz carries domain", Request{Output: "rpz", DataType: dt("domain")}, nil},
		{"vendor list", Request{Kind: KindVendor, Vendor: "cisco", DataType: dt("domain")}, nil},
		{"rpz cannot carry url", Request{Output: "rpz", DataType: dt("url")}, ErrUnsupportedType},
		{"unknown output", Request{Output: "no-such-output", DataType: dt("ipv4")}, ErrUnknownOutput},
		{"unknown vendor", Request{Kind: KindVendor, Vendor: "nobody", DataType: dt("ipv4")}, ErrUnknownVendor},
		{"unknown package", Request{Output: "txt", Package: "zip", DataType: dt("ipv4")}, ErrUnknownPackage},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := s.rdMemo.Len()
			for i := range 2 {
				rd, err := s.Renderer(tc.r)
				if !errors.Is(err, tc.want) {
					t.Fatalf("call %d: %v, want %v", i, err, tc.want)
				}
				if err == nil {
					want, _ := s.opts.Renderers.Lookup(rd.Info().Name)
					if rd.Info().Name != want.Info().Name || tc.r.Output != "" && rd.Info().Name != tc.r.Output {
						t.Fatalf("call %d: renderer %s", i, rd.Info().Name)
					}
				}
			}
			grew := s.rdMemo.Len() - before
			if want := map[bool]int{true: 1, false: 0}[tc.want == nil]; grew != want {
				t.Errorf("memo grew by %d, want %d", grew, want)
			}
		})
	}
}
