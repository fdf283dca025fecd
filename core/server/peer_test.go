package server_test

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/internal/goldentest"
)

var (
	peerFeeds   = config.FeedNames
	peerAges    = []string{"1h", "1w"}
	peerOutputs = []string{"txt", "json", "xml", "yaml", "b64"}
	peerOrgs    = []string{"55f6ea5e-2c60-40e5-964f-47a8950d210f", "569b6c1f-bd1c-49c8-9244-0484bce2ab96"}
)

// peerWorkers is how many of the peer suite's requests are in flight at
// once.
const peerWorkers = 4

// allCustomFeeds configures cust1..cust5 as the original's example site
// does, so every feed of the peer suite is served.
func allCustomFeeds(s *config.Site) {
	s.CustomFeeds = nil
	for i := 1; i <= 5; i++ {
		s.CustomFeeds = append(s.CustomFeeds, config.CustomFeed{Name: fmt.Sprintf("cust%d", i), Suffixes: []string{fmt.Sprintf(":incident-classification=cust%d", i)}})
	}
}

// checkParses does what the original's peer suite does with a body.
func checkParses(output, body string) error {
	switch output {
	case "json":
		var v []string
		return json.Unmarshal([]byte(body), &v)
	case "yaml":
		var v []string
		return yaml.Unmarshal([]byte(body), &v)
	case "xml":
		d := xml.NewDecoder(strings.NewReader(body))
		// The original declares encoding='utf8', Python's spelling.
		d.CharsetReader = func(label string, r io.Reader) (io.Reader, error) {
			if strings.EqualFold(label, "utf8") || strings.EqualFold(label, "utf-8") {
				return r, nil
			}
			return nil, fmt.Errorf("unexpected encoding %q", label)
		}
		for {
			if _, err := d.Token(); err != nil {
				if errors.Is(err, io.EOF) {
					return nil
				}
				return err
			}
		}
	}
	return nil
}

// TestPeerSuite runs the original's own feed, uuid and vendor cases over
// every data type (the original sampled two at random): all 200 with
// bodies that parse, and the same bytes when asked twice.
func TestPeerSuite(t *testing.T) {
	if testing.Short() {
		t.Skip("the peer suite makes about 4,500 requests")
	}
	h := newHarness(t, withSite(allCustomFeeds))
	dts := indicator.DataTypeNames()
	var paths []string
	for _, route := range []struct {
		prefix string
		names  []string
	}{{"/v1/feed/", peerFeeds}, {"/v1/uuid/", peerOrgs}} {
		for _, name := range route.names {
			for _, dt := range dts {
				for _, age := range peerAges {
					for _, out := range peerOutputs {
						paths = append(paths, fmt.Sprintf("%s%s/type/%s/age/%s/output/%s", route.prefix, name, dt, age, out))
					}
				}
			}
		}
	}
	for _, vendor := range []string{"paloalto", "cisco"} {
		for _, f := range peerFeeds {
			for _, dt := range dts {
				for _, age := range peerAges {
					paths = append(paths, fmt.Sprintf("/v1/vendor/%s/feed/%s/type/%s/age/%s", vendor, f, dt, age))
				}
			}
		}
	}
	// The requests are independent: a few workers on kept-alive
	// connections get through them in a fraction of the time.
	var (
		nonEmpty atomic.Int64
		next     atomic.Int64
		failed   atomic.Bool
		workers  sync.WaitGroup
	)
	tr := &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: peerWorkers}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	get := func(p string) (int, string, error) {
		req, err := http.NewRequest(http.MethodGet, h.base+p, nil)
		if err != nil {
			return 0, "", err
		}
		req.Header.Set("token", h.token)
		resp, err := client.Do(req)
		if err != nil {
			return 0, "", err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body), err
	}
	check := func(p string) error {
		status, body, err := get(p)
		if err != nil || status != 200 {
			return fmt.Errorf("%s: %d %v %s", p, status, err, body)
		}
		out := p[strings.LastIndexByte(p, '/')+1:]
		if err := checkParses(out, body); err != nil {
			return fmt.Errorf("%s: body does not parse as %s: %v\n%s", p, out, err, body)
		}
		if _, again, err := get(p); err != nil || again != body {
			return fmt.Errorf("%s: a second request gave other bytes (%v)", p, err)
		}
		if len(body) > 20 {
			nonEmpty.Add(1)
		}
		return nil
	}
	for range peerWorkers {
		workers.Add(1)
		go func() {
			defer workers.Done()
			for i := next.Add(1) - 1; i < int64(len(paths)) && !failed.Load(); i = next.Add(1) - 1 {
				if err := check(paths[i]); err != nil {
					failed.Store(true)
					t.Error(err)
				}
			}
		}()
	}
	workers.Wait()
	if failed.Load() {
		t.FailNow()
	}
	if n := nonEmpty.Load(); n < 200 {
		t.Errorf("only %d of %d lists have content: the fixture does not exercise the outputs", n, len(paths))
	}
	t.Logf("%d requests, %d non-empty lists", len(paths)*2, nonEmpty.Load())
}

// TestOriginalOutputsGolden pins the exact bytes of the original's five
// outputs for every data type over the fixed fixture (composites, IDN,
// IPv6, CIDRs with host bits, multi-line rules, defanged and junk values).
func TestOriginalOutputsGolden(t *testing.T) {
	h := newHarness(t)
	for _, dt := range indicator.DataTypeNames() {
		for _, out := range peerOutputs {
			resp, body := h.authed(fmt.Sprintf("/v1/feed/any/type/%s/age/10y/output/%s", dt, out))
			if resp.StatusCode != 200 {
				t.Fatalf("%s %s: %d %s", dt, out, resp.StatusCode, body)
			}
			goldentest.File(t, filepath.Join("testdata", "original", dt+"."+out), []byte(body))
		}
	}
	for _, vendor := range []string{"paloalto", "cisco"} {
		for _, dt := range []string{"url", "domain", "ipv4"} {
			_, body := h.authed(fmt.Sprintf("/v1/vendor/%s/feed/any/type/%s/age/10y", vendor, dt))
			goldentest.File(t, filepath.Join("testdata", "vendor", vendor+"."+dt+".txt"), []byte(body))
		}
	}
}
