package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"strconv"
	"time"
)

// memcachedInst is a running memcached.
type memcachedInst struct {
	p    *proc
	addr string
}

// startMemcached starts memcached on a free loopback port, with 1 GiB of
// memory and memcached's default 1 MiB item limit, and waits until it
// answers.
func (b *bench) startMemcached(ctx context.Context) (*memcachedInst, error) {
	bin, err := lookTool("memcached")
	if err != nil {
		return nil, fmt.Errorf("memcached: install the Debian package memcached: %w", err)
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	args := []string{"-l", "127.0.0.1", "-p", strconv.Itoa(port), "-U", "0", "-m", "1024", "-I", "1m"}
	if os.Geteuid() == 0 {
		args = append(args, "-u", "root") // memcached refuses to run as root otherwise
	}
	p, err := b.start("memcached", bin, b.tmp, args...)
	if err != nil {
		return nil, err
	}
	mc := &memcachedInst{p: p, addr: "127.0.0.1:" + strconv.Itoa(port)}
	err = waitFor(ctx, p, 30*time.Second, func(ctx context.Context) error {
		var d net.Dialer
		c, err := d.DialContext(ctx, "tcp", mc.addr)
		if err == nil {
			c.Close()
		}
		return err
	})
	if err != nil {
		p.Stop(5 * time.Second)
		return nil, fmt.Errorf("start memcached: %w", err)
	}
	return mc, nil
}
