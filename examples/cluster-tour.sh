#!/usr/bin/env bash
# The local-cluster part of the tour (needs root): a 2-node cluster in network namespaces, the
# shop from examples/production deployed on it, and real pods talking across nodes.
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
step apply --name "$NAME" -f examples/production

printf '\nwaiting for the pods to be Ready'
for _ in $(seq 1 100); do
  notready=$(podnet get pods -A --name "$NAME" -o json | node -e 'let d="";process.stdin.on("data",c=>d+=c).on("end",()=>{const p=JSON.parse(d).items;console.log(p.filter(x=>!(x.status?.conditions??[]).some(c=>c.type==="Ready"&&c.status==="True")).length)})')
  [ "$notready" = "0" ] && break
  printf '.'; sleep 0.2
done
echo
step get pods -A -o wide --name "$NAME"

WEB_IP=$(podnet get pods -n production --name "$NAME" -o json | node -e 'let d="";process.stdin.on("data",c=>d+=c).on("end",()=>{const p=JSON.parse(d).items.find(x=>x.metadata.name.startsWith("web-"));console.log(p.status.podIP)})')
FRONTEND=$(podnet get pods -n production --name "$NAME" -o name | grep frontend | head -1 | cut -d/ -f2)

echo; echo "== The frontend calls a web pod directly, across nodes over VXLAN: the web pod sees the frontend's own IP (no NAT)"
step exec -n production "$FRONTEND" --name "$NAME" -- curl -s "http://$WEB_IP:8080/hostname"; echo
step exec -n production "$FRONTEND" --name "$NAME" -- curl -s "http://$WEB_IP:8080/clientip"; echo
step exec -n production "$FRONTEND" --name "$NAME" -- cat /etc/resolv.conf

cat <<EOT

Try next:
  KUBECONFIG=/var/lib/podnet/$NAME/kubeconfig kubectl get pods -A -o wide
  bin/podnet exec external --name $NAME -- ip addr            # the client outside the cluster
  bin/podnet logs -n production database-0 --name $NAME
  bin/podnet down --name $NAME                                 # removes everything it made

Not yet on the live cluster (next issues): Service virtual IPs (nftables proxy), cluster DNS,
NetworkPolicy enforcement. podnet trace/matrix predict them offline today.
EOT
