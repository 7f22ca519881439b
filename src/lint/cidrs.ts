// PN401-PN404: the address plan. Overlapping pod, Service and node ranges make routing
// ambiguous; ipBlocks inside the pod or Service range do not mean what they seem: the
// NetworkPolicy docs say ipBlock should select cluster-external addresses ("Pod IPs are
// ephemeral and unpredictable"), and ClusterIPs are replaced by a pod's address (DNAT) before
// policy sees the packet (DESIGN.md §4 known traps).
import {
  formatCIDR,
  cidrContainsCIDR,
  cidrsOverlap,
  parseCIDR,
  parseIP,
  cidrContains,
} from '../lib/netaddr/index.js';
import { isHeadless } from '../api/service-defaults.js';
import type { CIDR } from '../lib/netaddr/index.js';
import type { LintContext } from './context.js';
import { finding, type Finding } from './finding.js';

const CONFIG_REF = 'ClusterConfig/podnet';

function lintConfig(ctx: LintContext): Finding[] {
  const c = ctx.cluster.config;
  const ranges: [string, string][] = [
    ['podCIDR', c.podCIDR],
    ['serviceCIDR', c.serviceCIDR],
    ['nodeCIDR', c.nodeCIDR],
  ];
  const out: Finding[] = [];
  for (let i = 0; i < ranges.length; i++)
    for (let j = i + 1; j < ranges.length; j++) {
      const a = parseCIDR(ranges[i][1]);
      const b = parseCIDR(ranges[j][1]);
      if (!a || !b || !cidrsOverlap(a, b)) continue;
      out.push(
        finding(
          'PN401',
          CONFIG_REF,
          ranges[j][0],
          `${ranges[j][0]} ${ranges[j][1]} overlaps ${ranges[i][0]} ${ranges[i][1]}: an address in both ranges ` +
            `is ambiguous (a ClusterIP that is also a pod IP, or a node route shadowing pods). Make the three ranges disjoint.`,
        ),
      );
    }
  return out;
}

interface Range {
  name: string;
  cidr: CIDR;
}

function ipBlockMessage(kind: 'service' | 'pod', block: string, range: Range): string {
  const where = `ipBlock ${block} lies in the ${range.name} ${formatCIDR(range.cidr)}`;
  return kind === 'service'
    ? `${where}: ClusterIPs are translated to a backend pod's address (DNAT) before NetworkPolicy sees the packet, ` +
        `so this peer never matches traffic to a Service. Select the Service's pods with podSelector/namespaceSelector instead.`
    : `${where}: pod IPs change whenever pods are recreated, and whether pod traffic is matched by ipBlock at all is ` +
        `implementation-defined (the NetworkPolicy docs: ipBlock is meant for cluster-external IPs). ` +
        `Select the pods with podSelector/namespaceSelector instead.`;
}

function lintIpBlocks(ctx: LintContext): Finding[] {
  const svc: Range = { name: 'Service CIDR', cidr: parseCIDR(ctx.cluster.config.serviceCIDR)! };
  const pod: Range = { name: 'pod CIDR', cidr: parseCIDR(ctx.cluster.config.podCIDR)! };
  const out: Finding[] = [];
  for (const np of ctx.cluster.networkPolicies) {
    const peers = [
      ...(np.spec?.ingress ?? []).flatMap((r, i) =>
        (r.from ?? []).map((p, j) => ({ p, path: `spec.ingress[${i}].from[${j}]` })),
      ),
      ...(np.spec?.egress ?? []).flatMap((r, i) =>
        (r.to ?? []).map((p, j) => ({ p, path: `spec.egress[${i}].to[${j}]` })),
      ),
    ];
    for (const { p, path } of peers) {
      const block = p.ipBlock && parseCIDR(p.ipBlock.cidr);
      if (!block) continue;
      // A block that contains a whole range (0.0.0.0/0, 10.0.0.0/8) is the usual "anywhere"; only
      // a block inside a range, aimed at some of its addresses, is a mistake.
      for (const [kind, range] of [
        ['service', svc],
        ['pod', pod],
      ] as const) {
        if (range.cidr && cidrsOverlap(block, range.cidr) && !cidrContainsCIDR(block, range.cidr)) {
          out.push(
            finding(
              kind === 'service' ? 'PN402' : 'PN403',
              np,
              `${path}.ipBlock.cidr`,
              ipBlockMessage(kind, p.ipBlock!.cidr, range),
            ),
          );
        }
      }
    }
  }
  return out;
}

function lintClusterIPs(ctx: LintContext): Finding[] {
  const range = parseCIDR(ctx.cluster.config.serviceCIDR);
  if (!range) return [];
  const out: Finding[] = [];
  for (const s of ctx.cluster.services) {
    if (isHeadless(s) || !s.spec?.clusterIP) continue;
    const ip = parseIP(s.spec.clusterIP);
    if (!ip || ip.family !== range.family || cidrContains(range, ip)) continue;
    out.push(
      finding(
        'PN404',
        s,
        'spec.clusterIP',
        `clusterIP ${s.spec.clusterIP} is outside the Service CIDR ${ctx.cluster.config.serviceCIDR} of the cluster ` +
          `configuration: an API server with that range rejects it ("provided IP is not in the valid range"). ` +
          `Omit clusterIP to have one allocated, or pick an address in the range (or set the cluster's serviceCIDR).`,
      ),
    );
  }
  return out;
}

export function lintCidrs(ctx: LintContext): Finding[] {
  return [...lintConfig(ctx), ...lintIpBlocks(ctx), ...lintClusterIPs(ctx)];
}
