package cli

import (
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"

	"github.com/cratos-project/cratos/core/config"
)

// probeListens binds, and at once releases, each address serve listens
// on. One serve could not bind for another reason than its being in use
// or privileged (an address this host does not have) is an error; one in
// use (by this service while it runs, or by another program) or on a port
// this user may not bind (serve may run with CAP_NET_BIND_SERVICE) is a
// note, as check cannot tell whether serve would bind it.
func probeListens(cfg *config.Config) (notes []string, err error) {
	type probe struct{ key, network, addr string }
	probes := []probe{{"listen", "tcp", cfg.Listen}}
	if cfg.DNS != nil && len(cfg.DNS.Zones) > 0 {
		probes = append(probes, probe{"dns.listen", "tcp", cfg.DNS.Listen}, probe{"dns.listen", "udp", cfg.DNS.Listen})
	}
	for _, p := range probes {
		var c io.Closer
		var err error
		if p.network == "udp" {
			c, err = net.ListenPacket(p.network, p.addr)
		} else {
			c, err = net.Listen(p.network, p.addr)
		}
		switch {
		case err == nil:
			_ = c.Close()
		case errors.Is(err, syscall.EADDRINUSE):
			notes = append(notes, fmt.Sprintf("%s %s (%s) is in use: by this service if it runs, else serve cannot start until it is free", p.key, p.addr, p.network))
		case errors.Is(err, syscall.EACCES):
			notes = append(notes, fmt.Sprintf("%s %s (%s) may not be bound by this user: serve needs CAP_NET_BIND_SERVICE or root for it", p.key, p.addr, p.network))
		default:
			return notes, fmt.Errorf("%s %s (%s): %v", p.key, p.addr, p.network, err)
		}
	}
	return notes, nil
}
