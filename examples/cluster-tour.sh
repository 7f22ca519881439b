#!/usr/bin/env bash
# The local-cluster part of the tour (needs root): a 2-node cluster in network namespaces, the
# shop from examples/production deployed on it: pods talking across nodes through Services and
# cluster DNS, NetworkPolicy enforced by every node, and verify against the prediction.
set -uo pipefail
cd "$(dirname "$0")/.."
NAME=demo
podnet() { bin/podnet "$@"; }
step() {
  if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then printf '\n\033[1m$ podnet %s\033[0m\n' "$*"; else printf '\n$ podnet %s\n' "$*"; fi
  podnet "$@"
}

if [ "$(id -u)" -ne 0 ]; then
  echo "The local cluster needs root (network namespaces). Run: sudo examples/cluster-tour.sh"
  exit 0
fi

echo "== A real cluster: nodes and pods are network namespaces, pods run real processes"
step up --name "$NAME" --nodes 2 --backend vxlan || exit 1
# The cluster DNS comes with `up` (kube-system/coredns behind kube-dns): the example's own
# CoreDNS manifest, meant for the offline analysis, is left out here.
step apply --name "$NAME" $(ls examples/production/*.yaml | grep -v cluster-dns | sed 's/^/-f /')

printf '\nwaiting for the pods to be Ready'
for _ in $(seq 1 100); do
  notready=$(podnet get pods -A --name "$NAME" -o json | node -e 'let d="";process.stdin.on("data",c=>d+=c).on("end",()=>{const p=JSON.parse(d).items;console.log(p.filter(x=>!(x.status?.conditions??[]).some(c=>c.type==="Ready"&&c.status==="True")).length)})')
  [ "$notready" = "0" ] && break
  printf '.'; sleep 0.2
done
echo
step get pods -A -o wide --name "$NAME"

FRONTEND=$(podnet get pods -n production --name "$NAME" -o name | grep frontend | head -1 | cut -d/ -f2)

echo; echo "== The frontend calls the web Service by its DNS name: cluster DNS answers, the node's nftables proxy picks a web pod across nodes, and the web pod sees the frontend's own IP"
step exec -n production "$FRONTEND" --name "$NAME" -- curl -s -m 2 "http://web/hostname"; echo
step exec -n production "$FRONTEND" --name "$NAME" -- curl -s -m 2 "http://web/clientip"; echo

echo; echo "== production is zero-trust (examples/production/50-policies.yaml): every node enforces it with nftables"
echo "   staging/debug may not call web; the connection times out:"
step exec -n staging debug --name "$NAME" -- curl -s -m 2 "http://web.production/hostname"
echo "   exit code $? (28: timed out)"
step flows --name "$NAME" --pod staging/debug --verdict denied

echo; echo "== verify: podnet's prediction (matrix) against real connections between every pair of pods"
step verify --name "$NAME" -n production --port 8080 --port 5432

cat <<EOT

Try next:
  KUBECONFIG=${PODNET_STATE_ROOT:-/var/lib/podnet}/$NAME/kubeconfig kubectl get pods -A -o wide
  bin/podnet trace staging/debug web.production --name $NAME     # why it was denied
  bin/podnet flows --name $NAME -f                              # follow NetworkPolicy decisions
  bin/podnet probe --name $NAME -n production --via dns          # through Service names
  bin/podnet port-forward svc/web 8080:80 -n production --name $NAME
  bin/podnet down --name $NAME                                   # removes everything it made
EOT
