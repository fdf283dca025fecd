package cli

import (
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/auth"
	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/renderers"
)

// Demo settings: fixed secrets (this is a demo on loopback, never a
// deployment) and the tag prefix the emulator classifies events with.
const (
	demoEncryptionKey = "5C1D3AD4E3B6A1F0C9E8D7B6A5F4E3D2C1B0A9F8E7D6C5B4A3F2E1D0C9B8A7F6"
	demoSalt          = "cratos-demo-salt-0123456789abcde"
	demoTag           = "cratos"
)

func runDemo(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("demo", "demo [--listen ADDR] [--data DIR] [--generate N]", stderr)
	listen := fs.String("listen", "127.0.0.1:8080", "listen address")
	data := fs.String("data", "", "folder of real MISP data (default: ../shared/data when present)")
	generate := fs.Int("generate", 20000, "generated attributes added to the emulator (all of them when no real data is found)")
	if err := parse(fs, args, stdout); err != nil {
		return err
	}
	if *data == "" {
		*data = findSharedData()
	}
	logger := newLogger(stderr, false)
	sim, err := mispsim.New(mispsim.Options{DataDir: *data, Generate: *generate, Seed: 1, TagPrefix: demoTag})
	if err != nil {
		return usageError("demo: MISP emulator: %v", err)
	}
	simURL, err := sim.Start("127.0.0.1:0")
	if err != nil {
		return usageError("demo: MISP emulator: %v", err)
	}
	defer sim.Close()
	st := sim.Stats()
	source := "generated data only (no ../shared/data found)"
	if *data != "" {
		source = "real data from " + *data + " plus generated data"
	}
	logger.Info("MISP emulator started", "url", simURL, "events", st.Events, "attributes", st.Attributes, "warninglists", st.Warninglists, "data", source)

	host, port, _ := net.SplitHostPort(strings.TrimPrefix(simURL, "http://"))
	cfg := &config.Config{
		EncryptionKey:    demoEncryptionKey,
		Salt:             demoSalt,
		Listen:           *listen,
		TokenMinting:     config.MintAllowlist,
		CacheMaxBytes:    256 << 20,
		AlwaysAllowedIPs: config.Prefixes{mustPrefix("127.0.0.0/8"), mustPrefix("::1/128")},
	}
	site := &config.Site{Name: host, Tag: demoTag, MISPTimeoutSeconds: 30, PageSize: 25000, ExpandLimit: 16,
		CustomFeeds: config.CustomFeeds{{Name: "cust1", Suffixes: []string{":incident-classification=cust1"}}}}
	claims := auth.Claims{Proto: "http", Port: atoi(port), Host: host, Key: mispsim.DefaultKey, Expires: time.Now().AddDate(1, 0, 1).Format("2006-01-02")}
	registry := renderers.Builtin().Clone()
	accessOut := newBufferedLog(stderr)
	defer accessOut.Close()
	svc, err := assemble(cfg, config.NewSites(site), registry, logger, accessOut)
	if err != nil {
		return err
	}
	defer svc.close()
	token, err := svc.codec.Mint(claims)
	if err != nil {
		return err
	}
	// The demo token may open the console too (before serving starts).
	cfg.AdminTokens = []string{auth.Fingerprint(token)}
	svc.server.SetAdminTokens(cfg.AdminTokens)
	ln, err := listenHTTP(cfg.Listen)
	if err != nil {
		return err
	}
	defer ln.Close()
	return run(svc, ln, logger, func(addr net.Addr) {
		base := "http://" + addr.String()
		fmt.Fprintf(stdout, "Cratos demo on %s, reading the MISP emulator at %s (%s).\n\n", base, simURL, source)
		fmt.Fprintf(stdout, "token: %s\n\n", token)
		fmt.Fprintln(stdout, "Try:")
		for _, p := range []string{
			"/v1/feed/block/type/ipv4/age/1y/output/txt",
			"/v1/feed/incident/type/domain/age/10y/output/rpz",
			"/v1/feed/any/type/url/age/1y/output/edl",
			"/v1/feed/block/type/file-sha256/age/10y/output/csv",
			"/v1/vendor/paloalto/feed/any/type/url/age/1y",
		} {
			fmt.Fprintf(stdout, "  curl -s -H 'token: %s' %s%s\n", token, base, p)
		}
		fmt.Fprintf(stdout, "  curl -s %s/v1/renderers\n  open %s/v1/help\n", base, base)
		fmt.Fprintf(stdout, "  open '%s/ui/?token=%s'   (the console)\n\nStop with Ctrl-C.\n", base, token)
	})
}

// findSharedData looks for the real data set beside the working tree.
func findSharedData() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for range 4 {
		p := filepath.Join(dir, "..", "shared", "data")
		if st, err := os.Stat(filepath.Join(p, "misp-events")); err == nil && st.IsDir() {
			return p
		}
		dir = filepath.Dir(dir)
	}
	return ""
}

func mustPrefix(s string) netip.Prefix {
	p, err := config.ParsePrefix(s)
	if err != nil {
		panic(err)
	}
	return p
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
