#!/usr/bin/env bash
# Installs what podnet needs on a fresh Debian machine with Node.js 20+ and builds it.
# Offline analysis needs nothing beyond Node; the local cluster of later issues will add
# iproute2 and nftables here.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v node >/dev/null || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  echo "podnet needs Node.js 20 or later (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi
npm ci --no-audit --no-fund
npm run build
