#!/usr/bin/env bash
# Installs the external programs the conformance and integration tests run:
# memcached, BIND (named, named-checkzone, dig), Squid, Suricata 7 (from
# bookworm-backports), protoc, and the load tools used by the benchmarks.
# Safe to run repeatedly; does nothing for programs already present.
set -euo pipefail

need=()
command -v memcached >/dev/null || need+=(memcached)
command -v named >/dev/null || need+=(bind9)
command -v named-checkzone >/dev/null || need+=(bind9-utils)
command -v dig >/dev/null || need+=(bind9-dnsutils)
command -v squid >/dev/null || need+=(squid)
command -v protoc >/dev/null || need+=(protobuf-compiler)
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || need+=(nginx-light)
command -v chromium >/dev/null || need+=(chromium)
want_suricata=0
command -v suricata >/dev/null || want_suricata=1
command -v suricata-update >/dev/null || want_suricata=1

if [ ${#need[@]} -eq 0 ] && [ $want_suricata -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" != 0 ]; then
  echo "install-tools: not root; install these Debian packages by hand: ${need[*]} suricata" >&2
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
if [ $want_suricata -eq 1 ] && ! grep -rqs bookworm-backports /etc/apt/sources.list /etc/apt/sources.list.d/; then
  cat >/etc/apt/sources.list.d/backports.sources <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi
apt-get update -qq
if [ ${#need[@]} -gt 0 ]; then
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
if [ $want_suricata -eq 1 ]; then
  apt-get install -y -qq --no-install-recommends -t bookworm-backports suricata suricata-update >/dev/null ||
    apt-get install -y -qq --no-install-recommends -t bookworm-backports suricata >/dev/null
fi
# The packaged services are not wanted running: tests start their own
# instances on loopback ports.
for svc in memcached named bind9 squid suricata nginx; do
  systemctl disable --now "$svc" >/dev/null 2>&1 || service "$svc" stop >/dev/null 2>&1 || true
done
