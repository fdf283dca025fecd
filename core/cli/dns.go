package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/cratos-project/cratos/core/auth"
	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/dnsprimary"
	"github.com/cratos-project/cratos/core/export"
	"github.com/cratos-project/cratos/core/misp"
	"github.com/cratos-project/cratos/core/server"
)

// dnsZones turns the dns: section into zones whose content is the rpz
// list of each data type, built by the same pipeline as the HTTP route.
// An age out of range stops start-up. A zone whose token does not verify
// now (expired since the last start) or names no site file is set up all
// the same, its builds failing until fixed, and logged: the HTTP lists and
// the other zones are served, and the zone serves what state_dir kept.
func dnsZones(cfg *config.Config, svc *service, now func() time.Time, logger *slog.Logger) ([]dnsprimary.Zone, error) {
	var zones []dnsprimary.Zone
	for _, zc := range cfg.DNS.Zones {
		if err := export.CheckAge(zc.Age, now); err != nil {
			return nil, fmt.Errorf("dns zone %s: age %q: %w", zc.Name, zc.Age, err)
		}
		if _, err := zoneClaims(zc, svc.codec, svc.sites, now); err != nil {
			logger.Error("dns zone not built until its token or site file is fixed; it serves what state_dir kept", "error", err)
		}
		refresh := time.Duration(zc.RefreshSeconds) * time.Second
		zones = append(zones, dnsZone(zc, zoneSource(svc, zc.Token, zonePath(zc.Name), zoneRequests(cfg, zc, refresh), now)))
	}
	return zones, nil
}

// dnsZone returns the zone zc configures, its content from source.
func dnsZone(zc config.DNSZone, source func(context.Context) (string, error)) dnsprimary.Zone {
	z := dnsprimary.Zone{
		Name:          zc.Name,
		Refresh:       time.Duration(zc.RefreshSeconds) * time.Second,
		AllowTransfer: zc.AllowTransfer,
		AllowQuery:    zc.AllowQuery,
		Notify:        zc.Notify,
		JournalSize:   zc.JournalSize,
		Source:        source,
	}
	if zc.TSIG != nil {
		z.TSIG = &dnsprimary.TSIGKey{Name: zc.TSIG.Name, Algorithm: zc.TSIG.Algorithm, Secret: zc.TSIG.Secret}
	}
	return z
}

// checkDNS checks the dns: section as the DNS primary serve starts reads
// it (zone and TSIG key names, algorithms and secrets, a zone named
// twice), without listening or building a zone.
func checkDNS(cfg *config.Config) error {
	if cfg.DNS == nil || len(cfg.DNS.Zones) == 0 {
		return nil
	}
	unused := func(context.Context) (string, error) { return "", errors.New("not built by check") }
	var zones []dnsprimary.Zone
	for _, zc := range cfg.DNS.Zones {
		zones = append(zones, dnsZone(zc, unused))
	}
	srv, err := dnsprimary.New(dnsprimary.Options{Addr: cfg.DNS.Listen, Zones: zones})
	if err != nil {
		return fmt.Errorf("dns: %w", err)
	}
	return srv.Close()
}

// checkZoneClaims checks each zone's token and site file as serve's
// dnsZones does: an age out of range stops serve and is the error; a token
// that does not verify or names no site file does not, and is a warning
// naming the zone.
func checkZoneClaims(cfg *config.Config, sites *config.Sites, now func() time.Time) ([]string, error) {
	if cfg.DNS == nil {
		return nil, nil
	}
	codec := auth.NewCodec(cfg.EncryptionKey, cfg.Salt)
	var warnings []string
	for _, zc := range cfg.DNS.Zones {
		if err := export.CheckAge(zc.Age, now); err != nil {
			return nil, fmt.Errorf("dns zone %s: age %q: %w", zc.Name, zc.Age, err)
		}
		if _, err := zoneClaims(zc, codec, sites, now); err != nil {
			warnings = append(warnings, fmt.Sprintf("%v: serve starts without building this zone until its token or site file is fixed; it serves what state_dir kept of it, or nothing", err))
		}
	}
	return warnings, nil
}

// zoneRequests returns, for the claims of a zone's token, the requests of
// its lists: the rpz list of each data type.
func zoneRequests(cfg *config.Config, zc config.DNSZone, refresh time.Duration) func(auth.Claims) []export.Request {
	return func(cl auth.Claims) []export.Request {
		var reqs []export.Request
		for _, name := range zc.DataTypes {
			dt, _ := cfg.DataType(name)
			reqs = append(reqs, export.Request{MISPURL: cl.BaseURL(), MISPKey: cl.Key, Kind: export.KindFeed, Feed: zc.Feed,
				DataType: dt, Age: zc.Age, Output: "rpz", TTL: zoneListLifetime(refresh),
				RendererOptions: map[string]string{"origin": zc.Name}, WaitFresh: true, Path: zonePath(zc.Name)})
		}
		return reqs
	}
}

// zonePath names the lists of the zone name in their holds.
func zonePath(name string) string { return "dns zone " + name }

// zoneClaims checks what a zone needs to be built (an age in range, a
// token that verifies, a site file for it; serve stops on the age and logs
// the rest, check likewise) and returns its token's claims.
func zoneClaims(zc config.DNSZone, codec *auth.Codec, sites *config.Sites, now func() time.Time) (auth.Claims, error) {
	if err := export.CheckAge(zc.Age, now); err != nil {
		return auth.Claims{}, fmt.Errorf("dns zone %s: age %q: %w", zc.Name, zc.Age, err)
	}
	cl, err := codec.Verify(zc.Token, now())
	if err != nil {
		return auth.Claims{}, fmt.Errorf("dns zone %s: %w", zc.Name, tokenError(codec, zc.Token, err))
	}
	if _, ok := sites.Get(cl.Host); !ok {
		return auth.Claims{}, fmt.Errorf("dns zone %s: the token names site %q, which has no site file", zc.Name, cl.Host)
	}
	return cl, nil
}

// zoneListLifetime is how long a zone's lists are cached: half the
// rebuild interval. The rebuilds follow a ticker, so one starts a little
// less than the interval after the build before it started (later still
// for the lists built after the first): lists kept for the whole interval
// were then still fresh, and a change in MISP reached the zone one
// interval late.
func zoneListLifetime(refresh time.Duration) time.Duration { return refresh / 2 }

// zoneSource renders the rpz list of each data type and merges them into
// one zone text (zoneText). A token the HTTP routes would now refuse is an
// error (see zoneSite), so the zone keeps its content. A reload while the
// lists were built has the token checked again, as a list request waiting
// for its build has it, and a zone built with the previous version of its
// site (its feeds, guard, options) is built once more. A refused token
// ends the holds of the zone's lists (path): they are not built again.
func zoneSource(svc *service, token, path string, requests func(auth.Claims) []export.Request, now func() time.Time) func(context.Context) (string, error) {
	return func(ctx context.Context) (string, error) {
		for asked := 1; ; asked++ {
			gen := svc.sites.Generation()
			cl, site, err := zoneSite(svc, token, now())
			if err != nil {
				svc.export.EndHolds(path)
				return "", err
			}
			text, err := zoneText(ctx, svc, site, requests(cl))
			if svc.sites.Generation() == gen {
				return text, err
			}
			_, current, cerr := zoneSite(svc, token, now())
			if cerr != nil {
				svc.export.EndHolds(path)
				return "", cerr
			}
			if current == site || asked == 2 {
				return text, err
			}
		}
	}
}

// zoneText builds reqs for site and merges them: the first list's header
// (TTL, SOA, NS), then every list's policy records. A stale list (MISP
// failing) is an error, so the zone keeps its content and serial rather
// than taking an old list as new. A held list is taken as its URL serves
// it, the last good list under the current guard and options (a plain
// hold: the content the zone has), and the text comes with the hold as a
// SourceHeld error: a never_block added in the rebuild that was held
// leaves the zone at once, as it leaves the URL.
func zoneText(ctx context.Context, svc *service, site *config.Site, reqs []export.Request) (string, error) {
	var header, body strings.Builder
	var holds []error
	for i, r := range reqs {
		r.Site = site
		res, err := svc.export.Get(ctx, r)
		var me *misp.Error
		switch {
		case errors.As(err, &me):
			return "", dnsprimary.SourceFailure(dnsprimary.FailMISP, err)
		case err != nil:
			return "", err
		case res.Status == export.Stale:
			return "", dnsprimary.SourceFailure(dnsprimary.FailMISP, fmt.Errorf("MISP unavailable: %w", res.Upstream))
		case res.Held != nil:
			holds = append(holds, fmt.Errorf("list %s/%s held (hold %s): %s", r.Feed, r.DataType.Name, res.Held.ID, res.Held.Reason))
		}
		for _, line := range strings.Split(string(res.Body), "\n") {
			t := strings.TrimSpace(line)
			switch {
			case t == "" || strings.HasPrefix(t, ";"):
			case strings.HasPrefix(t, "$") || strings.HasPrefix(t, "@"):
				if i == 0 {
					header.WriteString(line + "\n")
				}
			default:
				body.WriteString(line + "\n")
			}
		}
	}
	if len(holds) > 0 {
		return header.String() + body.String(), dnsprimary.SourceHeld(errors.Join(holds...))
	}
	return header.String() + body.String(), nil
}

// zoneSite checks a zone's token at now as every HTTP route does, but for
// the client address: it must verify and not be expired, and its site must
// exist, not list it as revoked, be enabled and allow its lifetime. It
// returns the site as it is now.
func zoneSite(svc *service, token string, now time.Time) (auth.Claims, *config.Site, error) {
	cl, err := svc.codec.Verify(token, now)
	if err != nil {
		return auth.Claims{}, nil, dnsprimary.SourceFailure(dnsprimary.FailToken, tokenError(svc.codec, token, err))
	}
	site, ok := svc.sites.Get(cl.Host)
	switch {
	case !ok:
		return auth.Claims{}, nil, dnsprimary.SourceFailure(dnsprimary.FailSite, fmt.Errorf("site %s is gone", cl.Host))
	case site.IsRevoked(auth.Fingerprint(token)):
		return auth.Claims{}, nil, dnsprimary.SourceFailure(dnsprimary.FailToken, fmt.Errorf("token revoked in site %s", site.Name))
	case site.TokenTooLong(cl.Expires, now):
		return auth.Claims{}, nil, dnsprimary.SourceFailure(dnsprimary.FailToken, fmt.Errorf("token lifetime over token_max_days of site %s", site.Name))
	case !site.IsEnabled():
		return auth.Claims{}, nil, dnsprimary.SourceFailure(dnsprimary.FailSite, fmt.Errorf("site %s disabled", site.Name))
	}
	return cl, site, nil
}

// tokenError is err, token's failure to verify, naming the site whose
// token to mint again when token decrypts but has expired (never the
// token nor its key).
func tokenError(codec *auth.Codec, token string, err error) error {
	if errors.Is(err, auth.ErrExpired) {
		if cl, e := codec.Verify(token, time.Time{}); e == nil {
			return fmt.Errorf("token of site %s: %w", cl.Host, err)
		}
	}
	return fmt.Errorf("token: %w", err)
}

// zoneStatus returns the console's view of zones, whose stats (in
// configuration order) stats returns: what each is built from (the site
// its token names now) and its counts, the zones served since started.
func zoneStatus(zones []config.DNSZone, codec *auth.Codec, stats func() []dnsprimary.ZoneStats, started time.Time, now func() time.Time) server.ZonesFunc {
	return func() []server.ZoneStatus {
		var out []server.ZoneStatus
		for i, st := range stats() {
			z := server.ZoneStatus{Zone: st.Zone, Serial: st.Serial, Loaded: st.Loaded, Started: started, LastSuccess: st.LastSuccess,
				LastFailed: st.LastFailed, Failures: st.Failures, Transfers: st.Transfers, TransfersRefused: st.TransfersRefused, TransfersFailed: st.TransfersFailed,
				Notifies: st.Notifies, NotifyFailures: st.NotifyFailures}
			if i < len(zones) {
				zc := zones[i]
				z.Feed, z.Refresh = zc.Feed, time.Duration(zc.RefreshSeconds)*time.Second
				if cl, err := codec.Verify(zc.Token, now()); err == nil {
					z.Site = cl.Host
				} else if cl, e := codec.Verify(zc.Token, time.Time{}); errors.Is(err, auth.ErrExpired) && e == nil {
					z.ExpiredSite = cl.Host
				}
			}
			out = append(out, z)
		}
		return out
	}
}

// startDNS starts the DNS primary when configured; the returned function
// stops it.
func startDNS(cfg *config.Config, svc *service, logger *slog.Logger) (func(), error) {
	if cfg.DNS == nil || len(cfg.DNS.Zones) == 0 {
		return func() {}, nil
	}
	zones, err := dnsZones(cfg, svc, time.Now, logger)
	if err != nil {
		return nil, err
	}
	srv, err := dnsprimary.New(dnsprimary.Options{Addr: cfg.DNS.Listen, Zones: zones, Logger: logger, State: openZoneState(cfg, logger)})
	if err != nil {
		return nil, fmt.Errorf("dns: %w", err)
	}
	// The zones' first builds may wait for MISP: they go on in the
	// background (zones kept in state_dir are served meanwhile) rather
	// than hold up the HTTP side, which serves the last good lists.
	started, cancel := context.WithCancel(context.Background())
	cancel()
	if err := srv.Start(started); err != nil {
		return nil, fmt.Errorf("dns: %w", err)
	}
	if err := svc.metrics.WatchZones(srv.Stats); err != nil {
		logger.Warn("dns zone metrics", "error", err)
	}
	svc.server.SetZones(zoneStatus(cfg.DNS.Zones, svc.codec, srv.Stats, time.Now(), time.Now))
	return func() { _ = srv.Close() }, nil
}
