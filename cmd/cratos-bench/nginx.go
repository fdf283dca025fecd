package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// startNginx serves b.ngHTML on two loopback ports, gzip_static on,
// without touching any system path: b.ngURL with an access log in the
// default combined format, written on every request as a deployment runs
// it, and b.ngQuiet with access_log off.
func (b *bench) startNginx(ctx context.Context) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	quiet, err := freePort()
	if err != nil {
		return err
	}
	prefix := filepath.Join(b.tmp, "nginx")
	b.ngHTML = filepath.Join(prefix, "html")
	if err := os.MkdirAll(b.ngHTML, 0o755); err != nil {
		return fmt.Errorf("start nginx: %w", err)
	}
	conf := fmt.Sprintf(`daemon off;
worker_processes auto;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log warn;
events { worker_connections 4096; }
http {
  client_body_temp_path %[1]s/body;
  proxy_temp_path %[1]s/proxy;
  fastcgi_temp_path %[1]s/fastcgi;
  uwsgi_temp_path %[1]s/uwsgi;
  scgi_temp_path %[1]s/scgi;
  default_type text/plain;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000000;
  keepalive_timeout 300s;
  server {
    listen 127.0.0.1:%[2]d;
    root %[3]s;
    gzip_static on;
    access_log %[1]s/access.log;
  }
  server {
    listen 127.0.0.1:%[4]d;
    root %[3]s;
    gzip_static on;
    access_log off;
  }
}
`, prefix, port, b.ngHTML, quiet)
	confPath := filepath.Join(prefix, "nginx.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		return fmt.Errorf("start nginx: %w", err)
	}
	if err := os.WriteFile(filepath.Join(b.ngHTML, "ready.txt"), []byte("ok\n"), 0o644); err != nil {
		return fmt.Errorf("start nginx: %w", err)
	}
	p, err := b.start("nginx", b.nginx, prefix, "-p", prefix, "-c", confPath, "-e", filepath.Join(prefix, "error.log"))
	if err != nil {
		return err
	}
	b.ng, b.ngURL, b.ngQuiet = p, "http://127.0.0.1:"+strconv.Itoa(port), "http://127.0.0.1:"+strconv.Itoa(quiet)
	return b.waitOK(ctx, p, 30*time.Second, b.ngURL+"/ready.txt", nil)
}

// serveStatic writes body (and its gzip form) for nginx under name and
// checks that nginx answers with exactly those bytes. It returns nginx's
// ETag of the identity file.
func (b *bench) serveStatic(ctx context.Context, name string, body, gz []byte) (string, error) {
	path := filepath.Join(b.ngHTML, name)
	if err := os.WriteFile(path, body, 0o644); err != nil {
		return "", fmt.Errorf("write static file: %w", err)
	}
	if err := os.WriteFile(path+".gz", gz, 0o644); err != nil {
		return "", fmt.Errorf("write static file: %w", err)
	}
	plain, err := do(ctx, b.client, "GET", b.ngURL+"/"+name, nil)
	if err != nil {
		return "", b.ng.failure(err)
	}
	zipped, err := do(ctx, b.client, "GET", b.ngURL+"/"+name, map[string]string{"Accept-Encoding": "gzip"})
	if err != nil {
		return "", b.ng.failure(err)
	}
	switch {
	case plain.status != http.StatusOK || !bytes.Equal(plain.body, body):
		return "", fmt.Errorf("nginx %s: status %d, %d bytes: not the bytes cratos served", name, plain.status, len(plain.body))
	case zipped.status != http.StatusOK || zipped.header.Get("Content-Encoding") != "gzip" || !bytes.Equal(zipped.body, gz):
		return "", fmt.Errorf("nginx %s with gzip: status %d, encoding %q: not the bytes cratos served", name, zipped.status, zipped.header.Get("Content-Encoding"))
	case plain.header.Get("ETag") == "":
		return "", fmt.Errorf("nginx %s: no ETag", name)
	}
	return plain.header.Get("ETag"), nil
}
