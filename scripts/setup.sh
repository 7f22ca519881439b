#!/usr/bin/env bash
# Installs what podnet needs on a fresh Debian machine with Node.js 20+, and builds it.
# Offline analysis needs only Node. The local cluster (podnet up) needs root and these Debian
# packages: iproute2 (ip), nftables (nft), containernetworking-plugins (the CNI reference
# plugins, for `--cni reference`), openssl (the API server's certificates), curl,
# bind9-dnsutils (dig), dnsperf (the DNS benchmark), tcpdump (reads NFLOG for podnet flows),
# conntrack, ethtool (VXLAN checksum offload), util-linux (setpriv, nsenter), procps (sysctl),
# iptables (the reference portmap plugin uses it), iputils-arping (gratuitous ARP when a
# LoadBalancer IP moves to another node).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v node >/dev/null || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  echo "podnet needs Node.js 20 or later (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

packages=()
need() { command -v "$1" >/dev/null 2>&1 || [ -e "$1" ] || packages+=("$2"); }
need ip iproute2
need nft nftables
need /usr/lib/cni/bridge containernetworking-plugins
need openssl openssl
need curl curl
need dig bind9-dnsutils
need dnsperf dnsperf
need tcpdump tcpdump
need conntrack conntrack
need ethtool ethtool
need setpriv util-linux
need sysctl procps
need iptables iptables
need arping iputils-arping
if [ ${#packages[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "installing: ${packages[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}"
  else
    echo "note: the local cluster needs: ${packages[*]} (install them as root; offline analysis works without)" >&2
  fi
fi

npm ci --no-audit --no-fund
npm run build
