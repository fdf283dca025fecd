#!/usr/bin/env bash
# Installs the external programs the conformance and integration tests run:
# memcached, BIND (named, named-checkzone, dig), Squid, Suricata 7 (from
# bookworm-backports), nftables, ipset, Unbound, dnsmasq, HAProxy,
# Chromium (the console's browser test), protoc, promtool, and the load
# tools used by the benchmarks. Safe to run repeatedly; does nothing for programs already
# present.
#
# What it changes on the machine: it installs the missing Debian packages
# (adding bookworm-backports to the apt sources for Suricata when needed).
# Services that come with a package it installs are kept from starting
# (a temporary /usr/sbin/policy-rc.d) and disabled at boot; tests start
# their own instances on loopback ports. It never stops, disables or
# reconfigures a service that was installed before it ran.
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
command -v nft >/dev/null || need+=(nftables)
command -v ipset >/dev/null || need+=(ipset)
command -v unbound >/dev/null || need+=(unbound)
command -v dnsmasq >/dev/null || need+=(dnsmasq-base)
command -v haproxy >/dev/null || need+=(haproxy)
command -v promtool >/dev/null || need+=(prometheus)
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

# Which packages are new: only their services may be touched below.
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q '^install ok installed$'; }
new_pkgs=()
for p in "${need[@]}"; do installed "$p" || new_pkgs+=("$p"); done
if [ $want_suricata -eq 1 ]; then
  for p in suricata suricata-update; do installed "$p" || new_pkgs+=("$p"); done
fi

# Keep the services of the packages installed now from starting: maintainer
# scripts ask policy-rc.d (exit 101: not allowed). An existing policy-rc.d
# is the administrator's and is left as it is.
policy=${CRATOS_POLICY_RC_D:-/usr/sbin/policy-rc.d}
own_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\n# written by cratos scripts/install-tools.sh; removed when it ends\nexit 101\n' >"$policy"
  chmod 0755 "$policy"
  own_policy=1
  trap 'rm -f "$policy"' EXIT
fi

if [ ${#need[@]} -gt 0 ]; then
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
if [ $want_suricata -eq 1 ]; then
  apt-get install -y -qq --no-install-recommends -t bookworm-backports suricata suricata-update >/dev/null ||
    apt-get install -y -qq --no-install-recommends -t bookworm-backports suricata >/dev/null
fi
if [ $own_policy -eq 1 ]; then
  rm -f "$policy"
  trap - EXIT
fi

# Services of packages this run installed: not wanted running or started
# at boot (tests start their own instances). Nothing else is touched.
services_of() {
  case "$1" in
    memcached) echo memcached ;;
    bind9) echo named ;;
    squid) echo squid ;;
    suricata) echo suricata ;;
    nginx-light | nginx) echo nginx ;;
    prometheus) echo prometheus ;;
    unbound) echo unbound ;;
    haproxy) echo haproxy ;;
  esac
}
for p in "${new_pkgs[@]}"; do
  installed "$p" || continue
  for svc in $(services_of "$p"); do
    if command -v systemctl >/dev/null && [ -d "${CRATOS_SYSTEMD_RUN:-/run/systemd/system}" ]; then
      systemctl disable --now "$svc" >/dev/null 2>&1 || true
    else
      # Without systemd nothing was started (policy-rc.d); keep it off at boot.
      update-rc.d "$svc" disable >/dev/null 2>&1 || true
    fi
  done
done
