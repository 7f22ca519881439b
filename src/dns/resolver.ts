// What a pod's stub resolver (glibc) does with a name: the resolv.conf the kubelet writes for
// dnsPolicy ClusterFirst, the order of candidate names (search list, ndots), and where the
// search stops. Source: glibc resolv/res_query.c __res_context_search (res_search).
import type { DnsIndex } from './dns-index.js';
import { fqdn } from './names.js';
import { answer } from './records.js';
import type { DnsResponse, Rcode } from './types.js';

export interface ResolvConf {
  nameservers: string[];
  search: string[];
  ndots: number;
}

/**
 * The resolv.conf of a ClusterFirst pod (kubelet pkg/kubelet/network/dns: search
 * `<ns>.svc.<zone> svc.<zone> <zone>`, `options ndots:5`), served by kube-dns (10.96.0.10, DESIGN.md §2).
 */
export function resolvConfFor(namespace: string, zone: string, nameserver = '10.96.0.10'): ResolvConf {
  const z = zone.replace(/\.$/, '');
  return { nameservers: [nameserver], search: [`${namespace}.svc.${z}`, `svc.${z}`, z], ndots: 5 };
}

interface Plan {
  /** Absolute candidates, in the order res_search queries them. */
  names: string[];
  /** Index of the as-is name in `names`, or -1 when it is never tried. */
  asIs: number;
  /** true when the as-is name comes first (dots >= ndots). */
  asIsFirst: boolean;
}

function plan(name: string, conf: ResolvConf): Plan {
  // A trailing dot: "query 'as is'" and return whatever it gives.
  if (name.endsWith('.')) return { names: [fqdn(name)], asIs: 0, asIsFirst: true };
  const dots = [...name].filter((c) => c === '.').length;
  const asIsFirst = dots >= conf.ndots;
  const search: string[] = [];
  let rootOnList = false;
  for (const d of conf.search) {
    const dom = d.replace(/^\./, '').replace(/\.$/, '');
    if (dom === '') rootOnList = true; // the root in the list stands for the as-is query
    search.push(dom === '' ? fqdn(name) : `${name}.${dom}.`);
  }
  if (asIsFirst) return { names: [fqdn(name), ...search], asIs: 0, asIsFirst };
  // "If the query has not already been tried as is then try it" - unless the root was searched.
  if (rootOnList) return { names: search, asIs: -1, asIsFirst };
  return { names: [...search, fqdn(name)], asIs: search.length, asIsFirst };
}

/**
 * Absolute names in the order glibc tries them: a trailing dot means only the name itself;
 * with at least `ndots` dots the name as is first, then the search list; otherwise the search
 * list first, then the name as is.
 */
export function candidateNames(name: string, conf: ResolvConf): string[] {
  return plan(name, conf).names;
}

export interface Resolution {
  tried: { name: string; rcode: Rcode; answers: number }[];
  final: DnsResponse & { name: string };
}

/**
 * Resolves `name` as glibc res_search does against this index. A query succeeds only with
 * NOERROR and at least one answer (res_query treats NOERROR with ANCOUNT 0 as NO_DATA). On the
 * search list, NXDOMAIN, NODATA ("On a NO_DATA error, keep trying, otherwise a wildcard entry of
 * another type could keep us from finding this entry higher in the domain") and SERVFAIL move on
 * to the next domain; any other rcode ends the search list, but the as-is name is still tried.
 * A failed first as-is try moves on to the search list. When nothing succeeds, `final` follows
 * glibc's h_errno choice: the first as-is response, else the first NODATA, else the first
 * SERVFAIL, else the last response. Without `conf` the name is only asked as an absolute name.
 */
export function resolve(index: DnsIndex, name: string, type: string, conf?: ResolvConf): Resolution {
  const p = conf ? plan(name, conf) : { names: [fqdn(name)], asIs: 0, asIsFirst: true };
  const tried: Resolution['tried'] = [];
  const responses: (DnsResponse & { name: string })[] = [];
  const ask = (n: string) => {
    const r = { ...answer(index, n, type), name: n };
    tried.push({ name: n, rcode: r.rcode, answers: r.answers.length });
    responses.push(r);
    return r;
  };
  const success = (r: DnsResponse) => r.rcode === 'NOERROR' && r.answers.length > 0;

  let searchDone = false;
  for (let i = 0; i < p.names.length; i++) {
    const isAsIs = i === p.asIs;
    if (!isAsIs && searchDone) continue; // "anything else implies that we're done" with the list
    const r = ask(p.names[i]);
    if (success(r)) return { tried, final: r };
    if (isAsIs && p.asIsFirst && name.endsWith('.')) break;
    if (!isAsIs && r.rcode !== 'NXDOMAIN' && r.rcode !== 'NOERROR' && r.rcode !== 'SERVFAIL')
      searchDone = true;
  }
  const firstAsIs = p.asIsFirst ? responses[0] : undefined;
  const final =
    firstAsIs ??
    responses.find((r) => r.rcode === 'NOERROR') ??
    responses.find((r) => r.rcode === 'SERVFAIL') ??
    responses[responses.length - 1];
  return { tried, final };
}
