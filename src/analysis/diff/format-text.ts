// The table (text) form of a ClusterDiff: one section per kind of change with `+` (new),
// `-` (gone) and `~` (changed) lines, then a one-line summary. Every section lists at most
// MAX_LINES items and says how many it left out; `-o json` carries them all.
import type { EndpointInfo, EndpointsChange, PairGroup, ClusterDiff, RouteOutcome } from './types.js';

export interface DiffPaint {
  add: (s: string) => string;
  del: (s: string) => string;
  chg: (s: string) => string;
  dim: (s: string) => string;
}

export const MAX_LINES = 50;
const EXAMPLES = 3;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function pods(names: string[], count: number, namespaces?: string[]): string {
  if (count === 1) return names[0];
  if (namespaces && count > EXAMPLES) return `every pod in ${namespaces.join(', ')} (${count})`;
  if (count <= EXAMPLES) return `{${names.join(', ')}}`;
  return `${count} pods {${names.slice(0, EXAMPLES).join(', ')}, …}`;
}

function groupLine(g: PairGroup): string {
  const probes = g.probes.map((p) => `${p.protocol}/${p.port}`).join(', ');
  const pairs = g.srcCount * g.dstCount;
  return `${pods(g.src, g.srcCount, g.srcNamespaces)} -> ${pods(g.dst, g.dstCount, g.dstNamespaces)}  ${probes}${pairs > 1 ? `  [${plural(pairs, 'pair')}]` : ''}`;
}

function capped<T>(items: T[], line: (t: T) => string[], indent: string, dim: DiffPaint['dim']): string[] {
  const out = items.slice(0, MAX_LINES).flatMap(line);
  if (items.length > MAX_LINES)
    out.push(dim(`${indent}… and ${items.length - MAX_LINES} more (-o json lists them all)`));
  return out;
}

function reachability(d: ClusterDiff, p: DiffPaint): string[] {
  const r = d.reachability;
  const lines: string[] = [];
  lines.push(...capped(r.groups.gained, (g) => [p.add(`  + ${groupLine(g)}`)], '  ', p.dim));
  lines.push(...capped(r.groups.lost, (g) => [p.del(`  - ${groupLine(g)}`)], '  ', p.dim));
  const reach = new Map(r.addedPodReach.map((a) => [a.pod, a]));
  lines.push(
    ...capped(
      r.podsAdded,
      (name) => {
        const a = reach.get(name);
        // Pods without an address, and those past --limit, have no summary.
        const how = a ? `  (reachable from ${plural(a.reachableFrom, 'pod')}, reaches ${a.reaches})` : '';
        return [p.add(`  + pod ${name}`) + p.dim(how)];
      },
      '  ',
      p.dim,
    ),
  );
  lines.push(...capped(r.podsRemoved, (name) => [p.del(`  - pod ${name}`)], '  ', p.dim));
  if (lines.length === 0) return [];
  const probes = r.probes.map((x) => `${x.protocol}/${x.port}`).join(', ');
  return [`Reachability (${probes})`, ...lines];
}

function state(e: EndpointInfo): string {
  const words = [e.ready ? 'ready' : e.serving ? 'not ready (serving)' : 'not ready'];
  if (e.terminating) words.push('terminating');
  return words.join(', ');
}

const endpoint = (e: EndpointInfo) => `${e.pod ?? '(no pod)'}  ${e.ip}:${e.port}`;

function endpointsSection(list: EndpointsChange[], p: DiffPaint): string[] {
  if (list.length === 0) return [];
  return [
    'Endpoints',
    ...capped(
      list,
      (c) => {
        const head = `  ${c.service} ${c.protocol}/${c.port}${c.portName ? ` (${c.portName})` : ''}`;
        const note = c.status === 'changed' ? '' : p.dim(`  Service port ${c.status}`);
        return [
          head + note,
          ...capped(
            [
              ...c.added.map((e) => p.add(`    + ${endpoint(e)}${e.ready ? '' : `  ${state(e)}`}`)),
              ...c.removed.map((e) => p.del(`    - ${endpoint(e)}${e.ready ? '' : `  ${state(e)}`}`)),
              ...c.changed.map((x) => p.chg(`    ~ ${endpoint(x.new)}  ${state(x.old)} → ${state(x.new)}`)),
            ],
            (l) => [l],
            '    ',
            p.dim,
          ),
        ];
      },
      '  ',
      p.dim,
    ),
  ];
}

function dnsSection(d: ClusterDiff, p: DiffPaint): string[] {
  const items = [
    ...d.dns.added.map((n) => p.add(`  + ${n.name} ${n.type}`)),
    ...d.dns.removed.map((n) => p.del(`  - ${n.name} ${n.type}`)),
    ...d.dns.changed.map((n) =>
      p.chg(`  ~ ${n.name} ${n.type}  ${n.old.join(' ') || '(none)'} → ${n.new.join(' ') || '(none)'}`),
    ),
  ];
  return items.length ? ['DNS', ...capped(items, (l) => [l], '  ', p.dim)] : [];
}

export function formatOutcome(o: RouteOutcome): string {
  if (o.backend) return `${o.backend.namespace}/${o.backend.service}:${o.backend.port}`;
  if (!o.matched) return `${o.status} (no rule matches)`;
  if (o.location) return `${o.status} redirect to ${o.location}`;
  return `${o.status}${o.status === 500 ? ' (backend unusable)' : ''}`;
}

function routesSection(d: ClusterDiff, p: DiffPaint): string[] {
  if (d.routes.length === 0) return [];
  return [
    'Routes',
    ...capped(
      d.routes,
      (r) => {
        const via = r.kind === 'HTTPRoute' ? `Gateway ${r.gateway}` : 'Ingress';
        const headers = Object.entries(r.headers ?? {}).map(([k, v]) => ` ${k}:${v}`);
        return [
          p.chg(`  ~ ${via}  ${r.method ?? 'GET'} ${r.request}${headers.join('')}`),
          `      ${formatOutcome(r.old)} → ${formatOutcome(r.new)}`,
        ];
      },
      '  ',
      p.dim,
    ),
  ];
}

export function summaryLine(d: ClusterDiff): string {
  if (!d.changed) return 'No changes.';
  const s = d.summary;
  const parts: string[] = [];
  if (s.gained || s.lost) parts.push(`reachability: ${s.gained} gained, ${s.lost} lost (pod pair × port)`);
  if (s.podsAdded || s.podsRemoved) parts.push(`pods: ${s.podsAdded} added, ${s.podsRemoved} removed`);
  if (s.endpointChanges)
    parts.push(
      `endpoints: ${plural(s.endpointChanges, 'change')} in ${plural(d.endpoints.length, 'Service port')}`,
    );
  if (s.dnsAdded || s.dnsRemoved || s.dnsChanged)
    parts.push(
      `DNS: ${s.dnsAdded} added, ${s.dnsRemoved} removed${s.dnsChanged ? `, ${s.dnsChanged} changed` : ''}`,
    );
  if (s.routes) parts.push(`routes: ${s.routes} changed`);
  return `Changes: ${parts.join('; ')}.`;
}

export function formatDiffText(d: ClusterDiff, p: DiffPaint): string {
  const sections = [
    reachability(d, p),
    endpointsSection(d.endpoints, p),
    dnsSection(d, p),
    routesSection(d, p),
  ];
  const body = sections.filter((s) => s.length > 0).map((s) => s.join('\n'));
  return [...body, summaryLine(d)].join('\n\n') + '\n';
}
