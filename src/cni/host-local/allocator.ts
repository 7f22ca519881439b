// Round-robin address allocation like upstream host-local: start just after the last address
// reserved in the range set and take the first free one, wrapping around; so a released
// address is not handed out again until every other one has been (a pod's old address is
// not immediately given to a new pod, whose peers might still have stale state for it).
// The choice is pure (pickAddress); the Store calls are the only effects, made under its lock.
import { cidrContains, formatIP, parseIP, type IP } from '../../lib/netaddr/index.js';
import { CniError, ErrorCode, type Attachment, type IPConfig } from '../types.js';
import type { Range } from './config.js';
import type { Allocation, Store } from './store.js';

/** Every allocatable address of the set, in order, starting after `after` (wrapping). */
function* candidates(set: Range[], after: IP | null): Generator<IP> {
  let ri = 0;
  let from: bigint | null = null;
  const i = after ? set.findIndex((r) => inRange(r, after)) : -1;
  if (after && i >= 0) [ri, from] = [i, after.value + 1n];
  const order = [...set.slice(ri), ...set.slice(0, ri)];
  const spans: Array<[Range, bigint, bigint]> = order.map((r, k) => [
    r,
    k === 0 && from !== null ? from : r.start.value,
    r.end.value,
  ]);
  if (from !== null) spans.push([set[ri], set[ri].start.value, from - 1n]); // the wrap-around tail
  for (const [r, lo, hi] of spans) {
    for (let v = lo; v <= hi; v++) if (v !== r.gateway.value) yield { family: r.subnet.family, value: v };
  }
}

const inRange = (r: Range, ip: IP) =>
  cidrContains(r.subnet, ip) && ip.value >= r.start.value && ip.value <= r.end.value;

/** The next free address of the set after `last`, or null when the set is full. Pure. */
export function pickAddress(set: Range[], last: string | null, taken: ReadonlySet<string>): IP | null {
  for (const ip of candidates(set, last ? parseIP(last) : null)) {
    if (!taken.has(formatIP(ip))) return ip;
  }
  return null;
}

function rangeOf(set: Range[], ip: string): Range | undefined {
  const a = parseIP(ip);
  return a ? set.find((r) => inRange(r, a)) : undefined;
}

async function locked<T>(store: Store, fn: () => Promise<T>): Promise<T> {
  await store.lock();
  try {
    return await fn();
  } finally {
    await store.unlock();
  }
}

/**
 * Allocates one address per range set for the attachment. An attachment that already holds
 * an address in a set is refused (as upstream: duplicate allocation); if a later set is
 * full, the addresses taken for earlier sets are released again.
 */
export function allocate(
  store: Store,
  sets: Range[][],
  containerID: string,
  ifname: string,
): Promise<IPConfig[]> {
  return locked(store, async () => {
    const held = await store.list();
    const taken = new Set(held.map((a) => a.ip));
    const mine = held.filter((a) => a.containerID === containerID && a.ifname === ifname);
    const done: string[] = [];
    try {
      return await sets.reduce<Promise<IPConfig[]>>(async (accP, set, i) => {
        const acc = await accP;
        const dup = mine.find((a) => rangeOf(set, a.ip));
        if (dup)
          throw new CniError(
            ErrorCode.InvalidNetworkConfig,
            `${dup.ip} has been allocated to ${containerID}, duplicate allocation is not allowed`,
          );
        for (;;) {
          const ip = pickAddress(set, await store.lastReservedIP(i), taken);
          if (!ip)
            throw new CniError(
              ErrorCode.TryAgainLater,
              `no IP addresses available in range set ${i}`,
              set.map((r) => `${formatIP(r.start)}-${formatIP(r.end)}`).join(','),
            );
          const text = formatIP(ip);
          taken.add(text);
          if (!(await store.reserve(containerID, ifname, text, i))) continue; // lost a race with a lockless writer: try the next one
          done.push(text);
          const r = rangeOf(set, text)!;
          return [...acc, { address: `${text}/${r.subnet.prefix}`, gateway: formatIP(r.gateway) }];
        }
      }, Promise.resolve([]));
    } catch (e) {
      for (const ip of done) await store.release(ip);
      throw e;
    }
  });
}

/** Releases every address the attachment holds; none held is not an error (DEL is idempotent). */
export function releaseAttachment(store: Store, containerID: string, ifname: string): Promise<Allocation[]> {
  return locked(store, async () => {
    const mine = (await store.list()).filter((a) => a.containerID === containerID && a.ifname === ifname);
    for (const a of mine) await store.release(a.ip);
    return mine;
  });
}

/** GC: releases every allocation whose attachment is not in `valid`; returns what it freed. */
export function collectGarbage(store: Store, valid: Attachment[]): Promise<Allocation[]> {
  const keep = new Set(valid.map((v) => `${v.containerID}\u0000${v.ifname}`));
  return locked(store, async () => {
    const stale = (await store.list()).filter((a) => !keep.has(`${a.containerID}\u0000${a.ifname}`));
    for (const a of stale) await store.release(a.ip);
    return stale;
  });
}
