#!/usr/bin/env bash
# An offline tour of podnet over examples/: the shop in examples/production, then the pull
# request in examples/broken that breaks it. No root, no cluster: plain manifests in, answers out.
set -uo pipefail
cd "$(dirname "$0")/.."
podnet() { bin/podnet "$@"; }
GOOD=(-f examples/production)
BAD=(-f examples/production -f examples/broken)
# Show each command before its output (bold on a terminal unless NO_COLOR is set). Commands that
# report a denial or finding exit 1; the tour goes on.
step() {
  if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then printf '\n\033[1m$ podnet %s\033[0m\n' "$*"; else printf '\n$ podnet %s\n' "$*"; fi
  podnet "$@"
}

FRONTEND=$(podnet get pods -n production "${GOOD[@]}" -o name | grep frontend | head -1 | cut -d/ -f2)

echo "== 1. The simulated cluster: what the controllers made of the manifests"
step get pods -A -o wide "${GOOD[@]}"
step get services -n production "${GOOD[@]}"

echo; echo "== 2. Who can reach whom on the API's port (8080), per NetworkPolicy"
step matrix --port 8080 "${GOOD[@]}"

echo; echo "== 3. One connection, hop by hop: the frontend calls the API by its Service name"
step trace "production/$FRONTEND" web "${GOOD[@]}"

echo; echo "== 4. Namespace isolation: staging may not call production"
step trace staging/debug http://web.production/ "${GOOD[@]}"

echo; echo "== 5. From outside through the Ingress"
step trace external http://shop.example.com/api/orders "${GOOD[@]}"

echo; echo "== 6. Cluster DNS, as CoreDNS answers it"
step dns database-0.database.production.svc.cluster.local "${GOOD[@]}"
step dns _postgres._tcp.database.production.svc.cluster.local --type SRV "${GOOD[@]}"

echo; echo "== 7. Lint: the good manifests, then with the broken pull request"
step lint "${GOOD[@]}"
step lint "${BAD[@]}"

echo; echo "== 8. Explain: why the frontend lost the API, and the smallest fix"
step explain "production/$FRONTEND" web "${BAD[@]}"

echo; echo "== 9. Diff: what the pull request changes"
step diff "${GOOD[@]}" --against examples/production --against examples/broken
echo
echo "Offline tour done. Every command above also takes -o json."
echo
examples/cluster-tour.sh
