// host-local's IPAM config: `ranges` is a list of range sets, each a list of ranges; one
// address is allocated from each range set. The legacy single-range form (`subnet`,
// `rangeStart`, ...) at the top level is accepted as one set of one range.
import {
  cidrAddress,
  cidrContains,
  cidrSize,
  formatIP,
  parseCIDR,
  parseIP,
  type CIDR,
  type IP,
} from '../../lib/netaddr/index.js';
import { CniError, ErrorCode, type Route } from '../types.js';

export interface RangeConfig {
  subnet: string;
  rangeStart?: string;
  rangeEnd?: string;
  gateway?: string;
}

export interface IpamConfig {
  type: string;
  ranges?: RangeConfig[][];
  subnet?: string;
  rangeStart?: string;
  rangeEnd?: string;
  gateway?: string;
  routes?: Route[];
  /** Where allocations are kept; default /var/lib/cni/networks (then /<network name>). */
  dataDir?: string;
}

/** A range with every bound resolved. */
export interface Range {
  subnet: CIDR;
  start: IP;
  end: IP;
  gateway: IP;
}

const bad = (details: string) => new CniError(ErrorCode.InvalidNetworkConfig, 'invalid IPAM config', details);

function addr(s: string | undefined, field: string): IP | undefined {
  if (s === undefined) return undefined;
  const ip = parseIP(s);
  if (!ip) throw bad(`${field} "${s}" is not an IP address`);
  return ip;
}

/** Resolves defaults like upstream: start = network+1, end = last usable (v4 skips broadcast), gateway = network+1. */
export function resolveRange(r: RangeConfig): Range {
  const subnet = parseCIDR(r.subnet ?? '');
  if (!subnet) throw bad(`subnet "${r.subnet}" is not a CIDR`);
  const size = cidrSize(subnet);
  if (size < 4n) throw bad(`subnet ${r.subnet} is too small to allocate from`);
  const start = addr(r.rangeStart, 'rangeStart') ?? cidrAddress(subnet, 1n);
  const end =
    addr(r.rangeEnd, 'rangeEnd') ?? cidrAddress(subnet, subnet.family === 4 ? size - 2n : size - 1n);
  const gateway = addr(r.gateway, 'gateway') ?? cidrAddress(subnet, 1n);
  for (const [name, ip] of [
    ['rangeStart', start],
    ['rangeEnd', end],
    ['gateway', gateway],
  ] as const) {
    if (!cidrContains(subnet, ip)) throw bad(`${name} ${formatIP(ip)} is outside ${r.subnet}`);
  }
  if (start.value > end.value) throw bad(`rangeStart ${formatIP(start)} is after rangeEnd ${formatIP(end)}`);
  return { subnet, start, end, gateway };
}

/** The range sets to allocate from; throws code 7 on a malformed config. */
export function parseRangeSets(ipam: IpamConfig): Range[][] {
  const sets: RangeConfig[][] =
    ipam.ranges ??
    (ipam.subnet
      ? [
          [
            {
              subnet: ipam.subnet,
              rangeStart: ipam.rangeStart,
              rangeEnd: ipam.rangeEnd,
              gateway: ipam.gateway,
            },
          ],
        ]
      : []);
  if (!Array.isArray(sets) || sets.length === 0) throw bad('no ranges given');
  return sets.map((set, i) => {
    if (!Array.isArray(set) || set.length === 0) throw bad(`range set ${i} is empty`);
    return set.map(resolveRange);
  });
}
