package cli

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/cratos-project/cratos/core/auth"
	"github.com/cratos-project/cratos/core/config"
)

func runToken(args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "mint":
			return runTokenMint(args[1:], stdout, stderr)
		case "inspect":
			return runTokenInspect(args[1:], stdout, stderr)
		case "-h", "--help":
			fmt.Fprintln(stdout, "Usage: cratos token mint --config FILE --misp URL (--key-file FILE|--key KEY) --expires YYYY-MM-DD\n       cratos token inspect --config FILE (TOKEN|-)")
			return nil
		}
	}
	return usageError("token: want \"token mint\" or \"token inspect\"")
}

func runTokenMint(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("token mint", "token mint --config FILE --misp URL (--key-file FILE|--key KEY) --expires YYYY-MM-DD", stderr)
	cfgPath := fs.String("config", "config/config.yaml", "configuration file holding encryption_key and salt")
	mispURL := fs.String("misp", "", "MISP base URL, e.g. https://misp.example.net:443 (the host names the site file)")
	keyFlags := addMISPKeyFlags(fs, "MISP API key (40-72 letters and digits)")
	expires := fs.String("expires", "", "last day + 1: the token stops working at 00:00 server time on this date (YYYY-MM-DD)")
	if err := parse(fs, args, stdout); err != nil {
		return err
	}
	key, err := keyFlags.value()
	if err != nil {
		return usageError("token mint: %v", err)
	}
	if *mispURL == "" || key == "" || *expires == "" {
		return usageError("token mint: --misp, --key-file (or --key) and --expires are required")
	}
	cfg, err := loadConfig(*cfgPath)
	if err != nil {
		return err
	}
	cl, err := claimsFromURL(*mispURL, key, *expires)
	if err != nil {
		return usageError("token mint: %v", err)
	}
	tok, err := auth.NewCodec(cfg.EncryptionKey, cfg.Salt).Mint(cl)
	if err != nil {
		return usageError("token mint: %v", err)
	}
	for _, w := range mintWarnings(cfg, cl, time.Now()) {
		fmt.Fprintln(stderr, "cratos: token mint: warning: "+w)
	}
	fmt.Fprintln(stdout, tok)
	return nil
}

// claimsFromURL turns a MISP base URL into token claims; the port
// defaults to the scheme's. A token names no path, query or user, so a
// URL with one is refused rather than minted for another address.
func claimsFromURL(raw, key, expires string) (auth.Claims, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") ||
		u.User != nil || u.Path != "" && u.Path != "/" || u.RawQuery != "" || u.Fragment != "" {
		return auth.Claims{}, fmt.Errorf("--misp %q: want http(s)://host[:port], with no path, query or user (a token carries none)", raw)
	}
	port := 443
	if u.Scheme == "http" {
		port = 80
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil {
			return auth.Claims{}, fmt.Errorf("--misp %q: bad port", raw)
		}
	}
	cl := auth.Claims{Proto: u.Scheme, Port: port, Host: u.Hostname(), Key: key, Expires: expires}
	if err := cl.Validate(); err != nil {
		return auth.Claims{}, err
	}
	return cl, nil
}

func runTokenInspect(args []string, stdout, stderr io.Writer) (err error) {
	fs := newFlags("token inspect", "token inspect --config FILE (TOKEN|-)   (- reads the token from standard input)", stderr)
	cfgPath := fs.String("config", "config/config.yaml", "configuration file holding encryption_key and salt")
	if err = parse(fs, args, stdout); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("token inspect: want exactly one TOKEN (- reads it from standard input)")
	}
	cfg, err := loadConfig(*cfgPath)
	if err != nil {
		return err
	}
	tok := strings.TrimSpace(fs.Arg(0))
	if tok == "-" {
		// Read from standard input, the token stays out of the process
		// list (and the shell's history).
		if tok, err = firstLine(stdin); err != nil {
			return usageError("token inspect: standard input: %v", err)
		}
	}
	codec := auth.NewCodec(cfg.EncryptionKey, cfg.Salt)
	cl, err := codec.Verify(tok, time.Now())
	expired := false
	if errors.Is(err, auth.ErrExpired) {
		// Still show what it names and its fingerprint: an expired token
		// may need revoking elsewhere, or renewing.
		cl, err = codec.Verify(tok, time.Time{})
		expired = err == nil
	}
	if err != nil {
		msg, _ := auth.Detail(err)
		return &exitError{code: 1, msg: "token inspect: " + msg}
	}
	defer func() {
		if expired {
			err = &exitError{code: 1, msg: "token inspect: The security token has expired."}
		}
	}()
	key := cl.Key
	fmt.Fprintf(stdout, "misp:        %s\n", cl.BaseURL())
	fmt.Fprintf(stdout, "site file:   %s.yaml\n", cl.Host)
	fmt.Fprintf(stdout, "key:         %s…%s (%d characters)\n", key[:4], key[len(key)-4:], len(key))
	if expired {
		fmt.Fprintf(stdout, "expires:     %s (EXPIRED: stopped working at 00:00 server time)\n", cl.Expires)
	} else {
		fmt.Fprintf(stdout, "expires:     %s (stops working at 00:00 server time)\n", cl.Expires)
	}
	fmt.Fprintf(stdout, "fingerprint: %s\n", auth.Fingerprint(tok))
	return nil
}

// mintWarnings says why a freshly minted token would not work yet: its
// site has no file, its expiry date is further ahead than the site's
// token_max_days, or it is not in the future.
func mintWarnings(cfg *config.Config, cl auth.Claims, now time.Time) []string {
	var out []string
	site := filepath.Join(cfg.SitesDir, cl.Host+".yaml")
	if _, err := os.Stat(site); err != nil {
		out = append(out, fmt.Sprintf("%s does not exist: the token is refused (403 Token config file not found) until it does", site))
	} else if s, err := config.LoadSite(site, nil); err == nil && s.TokenTooLong(cl.Expires, now) {
		exp, _ := time.Parse(time.DateOnly, cl.Expires)
		out = append(out, fmt.Sprintf("expiry date %s is more than %d days ahead (token_max_days of %s): the token is refused (403) until %s",
			cl.Expires, s.TokenMaxDays, s.Name, exp.AddDate(0, 0, -s.TokenMaxDays).Format(time.DateOnly)))
	}
	if exp, err := time.ParseInLocation("2006-01-02", cl.Expires, now.Location()); err == nil && !now.Before(exp) {
		out = append(out, fmt.Sprintf("expiry date %s is not in the future: the token is already expired", cl.Expires))
	}
	return out
}
