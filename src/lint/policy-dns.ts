// PN104/PN105: pods isolated for egress that cannot reach the cluster DNS. The classic trap of
// default-deny egress (network-policies.md "Default deny all egress traffic"; DESIGN.md §4 known
// traps): every name lookup times out. The check evaluates the real policy rules against the
// kube-dns pods (kube-system, k8s-app=kube-dns) at the port they listen on: NetworkPolicy sees
// packets after the Service's DNAT, so the kube-dns Service's targetPort is what must be allowed.
import { findPort } from '../api/pod.js';
import { mapSelectorMatches } from '../api/selector.js';
import type { NetworkPolicy, Pod, Protocol } from '../api/types.js';
import { NAMESPACE_NAME_LABEL } from '../controllers/namespace.js';
import { cidrAddress, cidrContains, cidrSize, formatIP, parseCIDR, parseIP } from '../lib/netaddr/index.js';
import { namespaceLabelIndex, podEndpoint, type PolicyEndpoint, type Traffic } from '../policy/endpoint.js';
import { networkPolicyTier } from '../policy/evaluate.js';
import { buildPolicyModels } from '../policy/model.js';
import { podsIn, type LintContext } from './context.js';
import { finding, listSome, nn, type Finding } from './finding.js';

export const DNS_NAMESPACE = 'kube-system';
export const DNS_POD_LABELS = { 'k8s-app': 'kube-dns' };
const DNS_SERVICE = 'kube-dns';

interface DnsTarget {
  dst: PolicyEndpoint;
  protocol: Protocol;
  port: number;
}

/** What kubeadm's CoreDNS Deployment declares; used when the input has no DNS pods. */
function assumedDnsPod(ctx: LintContext): PolicyEndpoint {
  const cidr = parseCIDR(ctx.cluster.config.podCIDR)!;
  const ip = cidrAddress(cidr, cidrSize(cidr) - 2n);
  const object: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { namespace: DNS_NAMESPACE, name: 'coredns', labels: DNS_POD_LABELS },
    spec: {
      containers: [
        {
          name: 'coredns',
          ports: [
            { name: 'dns', containerPort: 53, protocol: 'UDP' },
            { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
            { name: 'metrics', containerPort: 9153, protocol: 'TCP' },
          ],
        },
      ],
    },
  };
  return {
    name: `${DNS_NAMESPACE}/coredns (assumed)`,
    ip,
    ipText: formatIP(ip),
    pod: {
      namespace: DNS_NAMESPACE,
      labels: DNS_POD_LABELS,
      namespaceLabels: ctx.namespaceLabels.get(DNS_NAMESPACE) ?? { [NAMESPACE_NAME_LABEL]: DNS_NAMESPACE },
      object,
    },
  };
}

/** Every (DNS pod, protocol, port after DNAT) a pod must be able to reach. */
export function dnsTargets(ctx: LintContext): { targets: DnsTarget[]; assumed: boolean } {
  const nsLabels = namespaceLabelIndex(ctx.cluster);
  const pods = podsIn(ctx, DNS_NAMESPACE).filter((p) =>
    mapSelectorMatches(DNS_POD_LABELS, p.metadata.labels),
  );
  const endpoints = pods.flatMap((p) => podEndpoint(p, nsLabels) ?? []);
  const assumed = endpoints.length === 0;
  if (assumed) endpoints.push(assumedDnsPod(ctx));
  const svc = ctx.cluster.services.find(
    (s) => s.metadata.namespace === DNS_NAMESPACE && s.metadata.name === DNS_SERVICE,
  );
  const targets: DnsTarget[] = [];
  for (const protocol of ['UDP', 'TCP'] as const) {
    const sp = (svc?.spec?.ports ?? []).find((p) => (p.protocol ?? 'TCP') === protocol && p.port === 53);
    const target = sp ? (sp.targetPort ?? sp.port) : 53;
    for (const dst of endpoints) {
      const port = findPort(dst.pod!.object, target, protocol) ?? 53;
      targets.push({ dst, protocol, port });
    }
  }
  return { targets, assumed };
}

/** Egress ipBlocks of a policy that contain `ip` (someone tried to allow the DNS ClusterIP). */
function ipBlocksCovering(np: NetworkPolicy, ip: string): boolean {
  const addr = parseIP(ip);
  if (!addr) return false;
  return (np.spec?.egress ?? []).some((r) =>
    (r.to ?? []).some((p) => {
      const c = p.ipBlock && parseCIDR(p.ipBlock.cidr);
      return !!c && cidrContains(c, addr);
    }),
  );
}

/** Chooses few policies that together isolate every affected pod (greedy set cover, by name on ties). */
function coverByPolicies(affected: Map<string, string[]>): { policy: string; pods: string[] }[] {
  const byPolicy = new Map<string, Set<string>>();
  for (const [pod, policies] of affected)
    for (const p of policies) byPolicy.set(p, (byPolicy.get(p) ?? new Set()).add(pod));
  const left = new Set(affected.keys());
  const out: { policy: string; pods: string[] }[] = [];
  while (left.size > 0) {
    let best: [string, string[]] | undefined;
    for (const [policy, pods] of [...byPolicy].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const covered = [...pods].filter((p) => left.has(p));
      if (!best || covered.length > best[1].length) best = [policy, covered];
    }
    if (!best || best[1].length === 0) break;
    for (const p of best[1]) left.delete(p);
    out.push({ policy: best[0], pods: best[1].sort() });
  }
  return out;
}

const ALLOW_DNS =
  `Add an egress rule such as: to: [{namespaceSelector: {matchLabels: {${NAMESPACE_NAME_LABEL}: kube-system}}, ` +
  `podSelector: {matchLabels: {k8s-app: kube-dns}}}], ports: [{protocol: UDP, port: 53}, {protocol: TCP, port: 53}].`;

export function lintDnsEgress(ctx: LintContext): Finding[] {
  if (ctx.cluster.networkPolicies.length === 0) return [];
  const tier = networkPolicyTier(buildPolicyModels(ctx.cluster.networkPolicies));
  const nsLabels = namespaceLabelIndex(ctx.cluster);
  const { targets, assumed } = dnsTargets(ctx);
  const udpDenied = new Map<string, string[]>();
  const tcpDenied = new Map<string, string[]>();
  for (const pod of ctx.cluster.pods) {
    const src = podEndpoint(pod, nsLabels);
    if (!src?.pod) continue;
    const denied = new Set<Protocol>();
    let isolatedBy: string[] = [];
    for (const t of targets) {
      if (t.dst.ipText === src.ipText) continue;
      const traffic: Traffic = { src, dst: t.dst, port: t.port, protocol: t.protocol };
      const v = tier.evaluate('egress', traffic);
      if (v.decision === 'NoMatch') break; // not isolated for egress
      isolatedBy = v.isolatedBy;
      if (!v.allowed) denied.add(t.protocol);
    }
    if (denied.has('UDP')) udpDenied.set(nn(pod), isolatedBy);
    else if (denied.has('TCP')) tcpDenied.set(nn(pod), isolatedBy);
  }
  const policies = new Map(ctx.cluster.networkPolicies.map((np) => [nn(np), np]));
  const dnsPort = (protocol: Protocol) => targets.find((t) => t.protocol === protocol)?.port ?? 53;
  // Without a kube-dns Service in the input, its conventional address (.10 of the Service CIDR).
  const svcIP =
    ctx.cluster.services.find(
      (s) => s.metadata.namespace === DNS_NAMESPACE && s.metadata.name === DNS_SERVICE,
    )?.spec?.clusterIP ?? formatIP(cidrAddress(parseCIDR(ctx.cluster.config.serviceCIDR)!, 10n));
  const out: Finding[] = [];
  for (const [code, affected] of [
    ['PN104', udpDenied],
    ['PN105', tcpDenied],
  ] as const) {
    for (const { policy, pods } of coverByPolicies(affected)) {
      const np = policies.get(policy)!;
      const others = [...new Set(pods.flatMap((p) => affected.get(p)!))].filter((p) => p !== policy);
      const protocol = code === 'PN104' ? 'UDP' : 'TCP';
      const port = dnsPort(protocol);
      let message =
        `${listSome(pods)} ${pods.length === 1 ? 'is' : 'are'} isolated for egress by this policy` +
        `${others.length ? ` (and ${listSome(others)})` : ''}, and no egress rule allows DNS: ${protocol} port ${port} ` +
        `to the kube-dns pods (namespace kube-system, k8s-app=kube-dns${assumed ? ', assumed: the input has none' : ''}) is denied. ` +
        (code === 'PN104'
          ? 'Every name lookup will time out. '
          : 'Lookups work over UDP, but truncated answers (large records, many endpoints) retry over TCP and fail. ');
      if (port !== 53)
        message += `The kube-dns Service forwards port 53 to port ${port} on its pods, and NetworkPolicy sees the port after that translation: allow port ${port}. `;
      if (svcIP && [np, ...others.map((o) => policies.get(o)!)].some((p) => ipBlocksCovering(p, svcIP)))
        message += `An ipBlock covering the kube-dns ClusterIP ${svcIP} does not help: policy sees the DNS pod's address after DNAT. `;
      message += ALLOW_DNS.replace(/port: 53/g, `port: ${port}`);
      const field = np.spec?.egress?.length
        ? 'spec.egress'
        : np.spec?.policyTypes
          ? 'spec.policyTypes'
          : 'spec';
      out.push(finding(code, np, field, message));
    }
  }
  return out;
}
