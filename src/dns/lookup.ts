// What exists under a name: the CoreDNS kubernetes plugin's parseRequest, Records, findServices,
// findPods and Services (plugin/kubernetes/{parse.go,kubernetes.go}), over a DnsIndex.
// The result is a list of items (an address or a name, with a port and the SRV target) or
// "no such name"; records.ts turns items into the answer for a question type.
import type { DnsIndex, ServiceInfo } from './dns-index.js';
import { familyOf, podLabelToIP, type ZoneMatch } from './names.js';

/** One backend item (CoreDNS msg.Service): `host` is an address or, for ExternalName, a name. */
export interface Item {
  host: string;
  /** -1 when the object declares no ports (never an SRV record). */
  port: number;
  /** The SRV target / additional-section owner, absolute. */
  target: string;
  text?: string;
}

export interface Found {
  items: Item[];
  /** true: the name does not exist (NXDOMAIN). */
  nx: boolean;
  /** One sentence on what the name is, or why it does not exist. */
  why: string;
}

const nx = (why: string): Found => ({ items: [], nx: true, why });
const exists = (why: string, items: Item[] = []): Found => ({ items, nx: false, why });

interface Request {
  port: string;
  protocol: string;
  endpoint: string;
  service: string;
  namespace: string;
  podOrSvc: '' | 'svc' | 'pod';
}

/**
 * parse.go parseRequest over the labels left of the zone. Shapes: `_port._proto.svc.ns.svc`,
 * `endpoint.svc.ns.svc`, `svc.ns.svc|pod`, `ns.svc|pod`, `svc|pod`; null (invalid, NXDOMAIN)
 * when the last label is not svc/pod or the name is longer. The two labels of the port form need
 * no underscore; a leading one is stripped.
 */
function parseRequest(rel: string[]): Request | null {
  const r: Request = { port: '', protocol: '', endpoint: '', service: '', namespace: '', podOrSvc: '' };
  if (rel.length === 0) return r;
  const segs = [...rel];
  const kind = segs.pop()!;
  if (kind !== 'svc' && kind !== 'pod') return null;
  if (segs.length === 0) return r; // "return NODATA for apex queries" (base == svc|pod)
  r.podOrSvc = kind;
  r.namespace = segs.pop()!;
  r.service = segs.pop() ?? '';
  if (segs.length === 1) r.endpoint = segs[0];
  else if (segs.length === 2) [r.port, r.protocol] = segs.map((s) => s.replace(/^_/, ''));
  else if (segs.length > 2) return null; // "a query that is too long to answer"
  return r;
}

const eq = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
/** kubernetes.go matchPortAndProtocol: empty query parts are wild. */
const portMatches = (r: Request, name: string, protocol: string) =>
  (r.port === '' || eq(r.port, name)) && (r.protocol === '' || eq(r.protocol, protocol));

function findServices(index: DnsIndex, r: Request, m: ZoneMatch): Found {
  if (r.service === '') return exists(`namespace ${r.namespace} exists`); // "NODATA"
  const svc = index.services.get(`${r.service}.${r.namespace}`);
  if (!svc) return nx(`no service ${r.service} in namespace ${r.namespace}`);
  const id = `${svc.namespace}/${svc.name}`;
  const base = `${svc.name}.${svc.namespace}.svc.${m.spelled}`;

  if (svc.kind === 'ExternalName') {
    // "External services do not have endpoints, nor can we accept port/protocol pseudo subdomains"
    if (r.endpoint || r.port || r.protocol) return nx(`names below ExternalName service ${id} do not exist`);
    // only a name makes a CNAME (msg.Service.HostType); an IP externalName is not served
    if (familyOf(svc.externalName) !== null || svc.externalName === '') {
      return nx(`ExternalName service ${id} has no name to alias (externalName "${svc.externalName}")`);
    }
    return exists(`service ${id} is an ExternalName alias of ${svc.externalName}`, [
      { host: svc.externalName, port: 0, target: base },
    ]);
  }

  if (svc.kind === 'Headless' || r.endpoint !== '') return findEndpoints(svc, r, id, base);

  const ports = svc.ports.filter((p) => portMatches(r, p.name, p.protocol));
  if (ports.length === 0) return nx(`service ${id} has no port named ${r.port} with protocol ${r.protocol}`);
  const items = ports.flatMap((p) => svc.clusterIPs.map((ip) => ({ host: ip, port: p.port, target: base })));
  return exists(`service ${id} has ClusterIP ${svc.clusterIPs.join(', ') || '(none)'}`, items);
}

/** Headless services and endpoint names (also of ClusterIP services, as CoreDNS serves them). */
function findEndpoints(svc: ServiceInfo, r: Request, id: string, base: string): Found {
  const items: Item[] = [];
  for (const eps of svc.endpoints) {
    for (const a of eps.addresses) {
      if (r.endpoint !== '' && !eq(r.endpoint, a.hostname)) continue;
      for (const p of eps.ports) {
        if (!portMatches(r, p.name, p.protocol)) continue;
        items.push({ host: a.ip, port: p.port, target: `${a.hostname}.${base}` });
      }
    }
  }
  const ips = [...new Set(items.map((i) => i.host))].join(', ');
  if (r.endpoint !== '') {
    if (items.length === 0) return nx(`service ${id} has no ready endpoint named ${r.endpoint}`);
    return exists(`endpoint ${r.endpoint} of service ${id} has address ${ips}`, items);
  }
  if (items.length > 0) return exists(`headless service ${id} has ready endpoint addresses ${ips}`, items);
  if (r.port !== '' || r.protocol !== '') {
    return nx(`headless service ${id} has no ready endpoint with a port named ${r.port} (${r.protocol})`);
  }
  // spec §2.4.1: "If there are no ready endpoints for the headless Service, the answer should be NXDOMAIN."
  return nx(`headless service ${id} has no ready endpoints`);
}

function findPods(index: DnsIndex, r: Request, m: ZoneMatch): Found {
  if (index.pods === 'disabled') return nx('pod records are disabled (pods disabled, the CoreDNS default)');
  if (r.service === '') return exists(`namespace ${r.namespace} exists`);
  const ip = podLabelToIP(r.service);
  if (!ip) return nx(`pod name ${r.service} is not a dashed IP address`);
  const item = { host: ip, port: 0, target: `${r.service}.${r.namespace}.pod.${m.spelled}` };
  if (index.pods === 'insecure') {
    return exists(`pods insecure: ${r.service} answers ${ip} without checking that such a pod exists`, [
      item,
    ]);
  }
  const found = (index.podNamespacesByIP.get(ip) ?? []).filter((ns) => eq(ns, r.namespace));
  if (found.length === 0) return nx(`pods verified: no pod in namespace ${r.namespace} has IP ${ip}`);
  return exists(
    `pods verified: a pod in namespace ${r.namespace} has IP ${ip}`,
    found.map(() => item),
  );
}

/** kubernetes.go Records: everything under the zone, by name alone. */
export function records(index: DnsIndex, m: ZoneMatch): Found {
  const r = parseRequest(m.rel);
  if (!r)
    return nx(`${m.rel.join('.')} is not a service (…svc.${index.zone}) or pod (…pod.${index.zone}) name`);
  if (r.podOrSvc === '') return exists(`${m.rel.join('.') || m.zone} is a structural name of the zone`);
  if (m.zone !== index.zone) return nx('reverse zones hold only PTR records of full addresses');
  if (!index.namespaces.has(r.namespace)) return nx(`namespace ${r.namespace} does not exist`);
  return r.podOrSvc === 'pod' ? findPods(index, r, m) : findServices(index, r, m);
}

/** kubernetes.go Services: Records plus the TXT schema record, `ns.dns.<zone>` and the SRV filter. */
export function services(index: DnsIndex, m: ZoneMatch, qtype: string): Found {
  if (qtype === 'TXT') {
    // "Hard code the only valid TXT - dns-version.<zone>" (TTL 28800 set by the caller)
    if (m.rel.length === 1 && m.rel[0] === 'dns-version') {
      return exists('the zone publishes the DNS schema version it implements', [
        { host: '', port: -1, target: '', text: '1.1.0' },
      ]);
    }
    // "If so we return an empty NOERROR", else NXDOMAIN: a name with no items (even an
    // existing namespace name) is NXDOMAIN for TXT in CoreDNS.
    const f = records(index, m);
    return f.items.length > 0 ? exists(f.why) : nx(f.nx ? f.why : `${f.why}, but holds no records`);
  }
  if (m.zone === index.zone && m.rel.length === 2 && m.rel[0] === 'ns' && m.rel[1] === 'dns') {
    const fam = qtype === 'A' ? 4 : qtype === 'AAAA' ? 6 : 0;
    const ips = index.nameserverIPs.filter((ip) => familyOf(ip) === fam);
    const items = ips.map((ip) => ({ host: ip, port: -1, target: '' }));
    return exists('ns.dns names this DNS server (the addresses of service kube-system/kube-dns)', items);
  }
  const f = records(index, m);
  // "SRV for external services is not yet implemented, so remove those records."
  if (qtype === 'SRV') f.items = f.items.filter((i) => familyOf(i.host) !== null);
  return f;
}
