package mispsim

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestParseFaultKind(t *testing.T) {
	for _, k := range []FaultKind{FaultNone, FaultSlow, FaultStatus, FaultHTML, FaultTruncated, FaultReset,
		FaultHugeLength, FaultGzipBomb, FaultEndlessPages, FaultRedirect} {
		got, err := ParseFaultKind(k.String())
		if err != nil || got != k {
			t.Errorf("ParseFaultKind(%q) = %v, %v", k.String(), got, err)
		}
	}
	if _, err := ParseFaultKind("meteor"); err == nil {
		t.Error("an unknown fault name was accepted")
	}
}

func post(t *testing.T, url, path, body string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", url+path, strings.NewReader(body))
	req.Header.Set("Authorization", DefaultKey)
	resp, err := (&http.Client{Timeout: time.Minute, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestDelayAndHostileFaults(t *testing.T) {
	s := newServer(t, Options{Delay: 300 * time.Millisecond})
	url := serve(t, s)
	start := time.Now()
	if resp, _ := post(t, url, "/attributes/restSearch", `{"returnFormat":"json"}`); resp.StatusCode != 200 || time.Since(start) < 300*time.Millisecond {
		t.Errorf("restSearch with --delay: %d after %s", resp.StatusCode, time.Since(start))
	}
	start = time.Now()
	if resp, _ := post(t, url, "/servers/getVersion", ``); resp.StatusCode != 200 || time.Since(start) >= 300*time.Millisecond {
		t.Errorf("getVersion was delayed too: %s", time.Since(start))
	}

	s.SetFault(Fault{Kind: FaultEndlessPages, RestSearchOnly: true})
	if _, body := post(t, url, "/attributes/restSearch", `{"limit":7,"page":99}`); strings.Count(body, `"type":"ip-dst"`) != 7 {
		t.Errorf("endless pages: %d attributes on page 99, want 7", strings.Count(body, `"type":"ip-dst"`))
	}
	s.SetFault(Fault{Kind: FaultRedirect, Location: "http://127.0.0.1:9", RestSearchOnly: true})
	if resp, _ := post(t, url, "/attributes/restSearch", `{}`); resp.StatusCode != 307 || resp.Header.Get("Location") != "http://127.0.0.1:9/attributes/restSearch" {
		t.Errorf("redirect: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	s.SetFault(Fault{Kind: FaultHugeLength, Length: 1 << 20, RestSearchOnly: true})
	req, _ := http.NewRequest("POST", url+"/attributes/restSearch", strings.NewReader(`{}`))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.ContentLength != 1<<20 {
		t.Errorf("huge length declared %d", resp.ContentLength)
	}
	if b, err := io.ReadAll(resp.Body); err == nil || len(b) > 100 {
		t.Errorf("huge length: read %d bytes, %v; want a short body", len(b), err)
	}
	resp.Body.Close()
}

func TestGzipBombInflatesToItsLength(t *testing.T) {
	for _, n := range []int64{100, 3<<20 + 17} {
		zr, err := gzip.NewReader(bytes.NewReader(gzipBomb(n)))
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(zr)
		if err != nil || int64(len(b)) != n || !strings.HasPrefix(string(b), `{"response":{"Attribute":[`) || !strings.HasSuffix(string(b), `]}}`) {
			t.Errorf("bomb of %d: %d bytes, %v", n, len(b), err)
		}
	}
}
