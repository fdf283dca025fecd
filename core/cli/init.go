package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/cratos-project/cratos/core/auth"
	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/misp"
)

// multiFlag is a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func runInit(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("init", "init --misp URL (--key-file FILE|--key KEY) [--dir DIR] [--tag TAG] [--allow CIDR]... [--listen ADDR] [--expires YYYY-MM-DD] [--insecure]", stderr)
	mispURL := fs.String("misp", "", "MISP base URL, e.g. https://misp.example.net (its host names the site file)")
	keyFlags := addMISPKeyFlags(fs, "MISP API key: checked against MISP, then carried by the first token")
	dir := fs.String("dir", ".", "directory to create config/, sites/ and state/ in")
	tag := fs.String("tag", "cratos", "MISP tag namespace of the feeds: feed block selects <tag>:incident-classification=block")
	listen := fs.String("listen", "127.0.0.1:8080", "address Cratos will listen on")
	expires := fs.String("expires", time.Now().AddDate(1, 0, 1).Format("2006-01-02"), "expiry date of the first token")
	insecure := fs.Bool("insecure", false, "do not verify MISP's TLS certificate (mispVerifyCert: false)")
	var allow multiFlag
	fs.Var(&allow, "allow", "CIDR of devices allowed to read the site (repeatable; default loopback only)")
	if err := parseNoArgs(fs, args, stdout); err != nil {
		return err
	}
	key, err := keyFlags.value()
	if err != nil {
		return usageError("init: %v", err)
	}
	if *mispURL == "" || key == "" {
		return usageError("init: --misp and --key-file (or --key) are required")
	}
	claims, err := claimsFromURL(*mispURL, key, *expires)
	if err != nil {
		return usageError("init: %v", err)
	}
	if exp, _ := time.ParseInLocation(time.DateOnly, claims.Expires, time.Local); !time.Now().Before(exp) {
		return usageError("init: --expires %s is not in the future: the token would already be expired", claims.Expires)
	}
	if len(allow) == 0 {
		allow = multiFlag{"127.0.0.1/32", "::1/128"}
	}
	for _, a := range allow {
		if _, err := config.ParsePrefix(a); err != nil {
			return usageError("init: --allow %q: not a CIDR", a)
		}
	}
	if strings.TrimSpace(*tag) == "" {
		return usageError("init: --tag must not be empty")
	}
	if err := config.CheckHostPort(*listen); err != nil {
		return usageError("init: --listen %q: want host:port: %v", *listen, err)
	}
	cfgPath := filepath.Join(*dir, "config", "config.yaml")
	sitePath := filepath.Join(*dir, "sites", claims.Host+".yaml")
	for _, p := range []string{cfgPath, sitePath} {
		if _, err := os.Stat(p); err == nil {
			return usageError("init: %s exists; not overwriting it", p)
		}
	}

	base := strings.TrimSuffix(claims.BaseURL(), "/")
	fmt.Fprintf(stdout, "Checking MISP at %s with the key ...\n", base)
	ver, err := probeMISP(base, key, !*insecure)
	if err != nil {
		return &exitError{code: 1, msg: "init: " + err.Error()}
	}
	fmt.Fprintf(stdout, "MISP %s answers with this key.\n\n", ver)

	encKey, salt := randomHex(32), randomHex(16)
	for _, d := range []string{"config", "sites", "state"} {
		if err := os.MkdirAll(filepath.Join(*dir, d), 0o750); err != nil {
			return fmt.Errorf("init: %w", err)
		}
	}
	cfg, err := writeInitFiles(cfgPath, initConfig(encKey, salt, *listen), sitePath, initSite(*tag, base, !*insecure, allow))
	if err != nil {
		return err
	}
	token, err := auth.NewCodec(cfg.EncryptionKey, cfg.Salt).Mint(claims)
	if err != nil {
		return fmt.Errorf("init: %w", err)
	}
	fmt.Fprintf(stdout, "Wrote %s (generated encryption_key and salt: keep it readable by Cratos only)\n", cfgPath)
	fmt.Fprintf(stdout, "Wrote %s (devices allowed: %s)\n", sitePath, strings.Join(allow, ", "))
	fmt.Fprintf(stdout, "Created %s\n\n", filepath.Join(*dir, "state"))
	fmt.Fprintf(stdout, "Start Cratos:\n  cratos serve --config %s\n\n", cfgPath)
	fmt.Fprintf(stdout, "token: %s\n", token)
	fmt.Fprintf(stdout, "fingerprint: %s (to revoke it: blacklisted_api_tokens)\nexpires: %s\n\n", auth.Fingerprint(token), claims.Expires)
	reach := reachable(*listen)
	edlURL := "http://" + reach + "/v1/feed/block/type/ipv4/age/1y/output/edl"
	fmt.Fprintf(stdout, "Device side:\n")
	fmt.Fprintf(stdout, "  EDL URL (Palo Alto, IP list): %s?token=%s\n", edlURL, token)
	fmt.Fprintf(stdout, "  curl -s -H 'token: %s' %s\n", token, edlURL)
	fmt.Fprintf(stdout, "  curl -s -H 'token: %s' http://%s/v1/feed/block/type/domain/age/1y/output/txt\n", token, reach)
	return nil
}

// probeMISP asks MISP for its version with key and returns it.
func probeMISP(base, key string, verify bool) (string, error) {
	cl := misp.New(misp.Options{Site: base, BaseURL: base, Key: key, Timeout: 30 * time.Second, TimeoutName: "init's limit",
		VerifyCert: verify, UserAgent: "Cratos/" + version()})
	body, err := cl.GetJSON(context.Background(), "/servers/getVersion.json")
	if err != nil {
		var me *misp.Error
		if errors.As(err, &me) && me.Kind == misp.AuthFailed {
			return "", fmt.Errorf("MISP at %s refuses the key: %v", base, err)
		}
		if advice := connectAdvice(err, "--insecure"); advice != "" {
			return "", fmt.Errorf("MISP at %s does not answer: %v: %s", base, err, advice)
		}
		return "", fmt.Errorf("MISP at %s does not answer: %v", base, err)
	}
	v := jsonField(body, "version")
	if v == "" {
		return "", fmt.Errorf("MISP at %s: getVersion answer has no version", base)
	}
	return v, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return hex.EncodeToString(b)
}

// writeInitFiles writes the configuration and the site file and loads
// them, as serve will. When any of it fails, the files it wrote are
// removed again: a second init, which refuses to overwrite a file, then
// finds none of them.
func writeInitFiles(cfgPath, cfgBody, sitePath, siteBody string) (cfg *config.Config, err error) {
	var written []string
	defer func() {
		if err != nil {
			for _, p := range written {
				_ = os.Remove(p)
			}
		}
	}()
	for _, f := range []struct{ path, body string }{{cfgPath, cfgBody}, {sitePath, siteBody}} {
		if err := writeNew(f.path, f.body); err != nil {
			return nil, err
		}
		written = append(written, f.path)
	}
	if cfg, err = config.Load(cfgPath); err != nil {
		return nil, fmt.Errorf("init: the written configuration does not load: %w", err)
	}
	if _, err = config.LoadSite(sitePath, nil); err != nil {
		return nil, fmt.Errorf("init: the written site file does not load: %w", err)
	}
	return cfg, nil
}

// writeNew writes a file that must not exist yet, readable by its owner
// only (it may hold the token key).
func writeNew(path, body string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("init: %w", err)
	}
	_, err = f.WriteString(body)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path) // created here, not written whole
		return fmt.Errorf("init: %w", err)
	}
	return nil
}

func initConfig(key, salt, listen string) string {
	return fmt.Sprintf(`# Written by cratos init. Every key is explained in config/config.yaml.example.
debug: false
encryption_key: %q
salt: %q
memcached_user: ""
memcached_pass: ""
memcached_host: ""
memcached_port: "11211"
# Addresses allowed for every site and to mint tokens. Never the proxy's.
allways_allowed_ips: []
reverse_proxy: false
reverse_proxy_header: "X-Forwarded-For"
reverse_proxy_real_ip_regex: '(\d+\.\d+\.\d+\.\d+)$'
reverse_proxy_regex_place: 1
access_log: ""
access_log_max_bytes: 100
access_log_rotations: 5

listen: %q
# A reverse proxy on this host (deploy/nginx-cratos.conf) is believed.
trusted_proxies: ["127.0.0.1/32", "::1/128"]
token_minting: allowlist
`, key, salt, listen)
}

func initSite(tag, base string, verify bool, allow []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `# Written by cratos init. Every key is explained in sites/misp.example.net.yaml.
enabled: true
debug: false
company: ""
tag: %q
mispVerifyCert: %v
mispTimeoutSeconds: 30
mispDebug: false
memcached_all_timeout: 300
falsepositive_timeout: "1w"
list_stats: "no"
allowed_ips:
`, tag, verify)
	for _, a := range allow {
		fmt.Fprintf(&b, "  - %q\n", a)
	}
	fmt.Fprintf(&b, `custom_feeds: {}
ignore_to_ids: [vulnerability, snort, yara, sigma, ja3]
blacklisted_api_tokens: []
misp_url: %q
`, base)
	return b.String()
}

// reachable is the listen address as a device would dial it, written as
// a URL's host: an unspecified host (0.0.0.0, ::, empty) becomes this
// machine's name, a service name (http-alt) its port number, and an IPv6
// zone's % is %25 (RFC 6874).
func reachable(listen string) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return listen
	}
	if n, err := net.LookupPort("tcp", port); err == nil {
		port = strconv.Itoa(n)
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		if name, err := os.Hostname(); err == nil && name != "" {
			host = name
		}
	}
	if addr, zone, ok := strings.Cut(host, "%"); ok {
		host = addr + "%25" + url.PathEscape(zone)
	}
	return net.JoinHostPort(host, port)
}
