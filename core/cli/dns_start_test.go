package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/auth"
	"github.com/cratos-project/cratos/internal/testtool"
)

// TestZoneWithAnExpiredTokenStarts: a zone whose token expired since the
// last start (or names a site without a file) no longer stops serve,
// which would take every HTTP list down at the next restart: the zone is
// set up, its builds fail with the token's error, and the log says so.
// An age out of range, which never works, still stops start-up.
func TestZoneWithAnExpiredTokenStarts(t *testing.T) {
	_, simURL := startSim(t, blockEvent("block", attr("domain", "blocked.example.test")))
	expired := func(t *testing.T, host string) string {
		t.Helper()
		var port int
		fmt.Sscanf(simURL[strings.LastIndexByte(simURL, ':')+1:], "%d", &port)
		tok, err := auth.NewCodec(e2eEncryptionKey, e2eSalt).Mint(auth.Claims{Proto: "http", Port: port, Host: host,
			Key: mispsim.DefaultKey, Expires: "2020-01-01"})
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	token := expired(t, "127.0.0.1")
	e := startE2E(t, simURL, func(string) string { return rpzZoneConfig("127.0.0.1:0", token, "      data_types: [domain]\n") })
	logger, logs := testtool.JSONLogger() // the zone's builds log as they fail
	stop, err := startDNS(e.cfg, e.svc, logger)
	if err != nil {
		t.Fatalf("startDNS: %v", err)
	}
	defer stop()
	if !strings.Contains(logs.String(), "dns zone not built until its token or site file is fixed") || !strings.Contains(logs.String(), "dns zone rpz.cratos: token of site 127.0.0.1: auth: verify: The security token has expired.") {
		t.Errorf("log lacks the zone's error:\n%s", logs.String())
	}
	zones, err := dnsZones(e.cfg, e.svc, time.Now, slog.New(slog.DiscardHandler))
	if err != nil || len(zones) != 1 {
		t.Fatalf("dnsZones: %d zones, %v", len(zones), err)
	}
	if _, err := zones[0].Source(context.Background()); !errors.Is(err, auth.ErrExpired) {
		t.Errorf("a build of the zone: %v, want the token's expiry", err)
	}
	if strings.Contains(logs.String(), token) {
		t.Error("the log holds a token")
	}
}
