package cli

import (
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"

	"github.com/cratos-project/cratos/core/config"
)

// probeListens binds each address serve listens on, and releases them
// once all are bound, as serve holds them all at once. One serve could
// not bind for another reason than its being in use or privileged (an
// address this host does not have, a dns.listen on listen's TCP port) is
// an error; one in use (by this service while it runs, or by another
// program) or on a port this user may not bind (serve may run with
// CAP_NET_BIND_SERVICE) is a note, as check cannot tell whether serve
// would bind it.
func probeListens(cfg *config.Config) (notes []string, err error) {
	type probe struct{ key, network, addr string }
	probes := []probe{{"listen", "tcp", cfg.Listen}}
	if cfg.DNS != nil && len(cfg.DNS.Zones) > 0 {
		probes = append(probes, probe{"dns.listen", "tcp", cfg.DNS.Listen}, probe{"dns.listen", "udp", cfg.DNS.Listen})
	}
	bind := func(p probe) (io.Closer, error) {
		if p.network == "udp" {
			return net.ListenPacket(p.network, p.addr)
		}
		return net.Listen(p.network, p.addr)
	}
	var held []io.Closer
	defer func() {
		for _, c := range held {
			_ = c.Close()
		}
	}()
	for _, p := range probes {
		c, err := bind(p)
		if errors.Is(err, syscall.EADDRINUSE) && p.key == "dns.listen" && p.network == "tcp" && len(held) > 0 {
			// In use by this check's own listen probe? Serve binds
			// listen first and then fails on dns.listen.
			_ = held[0].Close()
			held = held[1:]
			if again, err := bind(p); err == nil {
				_ = again.Close()
				return notes, fmt.Errorf("%s %s (%s) is listen's address as well: serve binds listen first and cannot bind dns.listen", p.key, p.addr, p.network)
			}
		}
		switch {
		case err == nil:
			held = append(held, c)
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
