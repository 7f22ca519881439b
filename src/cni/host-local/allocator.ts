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
export async function allocate(
  store: Store,
  sets: Range[][],
  containerID: string,
  ifname: string,
): Promise<IPConfig[]> {
  const [ips] = await allocateMany(store, sets, [{ containerID, ifname }]);
  return ips;
}

/**
 * `allocate` for several attachments under one lock, in order: the same addresses as that
 * many `allocate` calls, but the store is listed once instead of once per attachment (the
 * disk store reads one file per allocation). All or nothing: on any failure every address
 * taken here is released again.
 */
export function allocateMany(
  store: Store,
  sets: Range[][],
  attachments: Attachment[],
): Promise<IPConfig[][]> {
  return locked(store, async () => {
    const held = await store.list();
    const taken = new Set(held.map((a) => a.ip));
    // Under the lock the last reserved address of a set is the one this call reserved last:
    // read from the store once per set, not once per attachment (~0.7 ms each on disk).
    const last = new Map<number, string | null>();
    const done: string[] = [];
    try {
      const out: IPConfig[][] = [];
      for (const { containerID, ifname } of attachments) {
        const mine = held.filter((a) => a.containerID === containerID && a.ifname === ifname);
        const ips: IPConfig[] = [];
        for (const [i, set] of sets.entries()) {
          const dup = mine.find((a) => rangeOf(set, a.ip));
          if (dup)
            throw new CniError(
              ErrorCode.InvalidNetworkConfig,
              `${dup.ip} has been allocated to ${containerID}, duplicate allocation is not allowed`,
            );
          if (!last.has(i)) last.set(i, await store.lastReservedIP(i));
          const ip = await reserveNext(store, set, i, last.get(i) ?? null, taken, containerID, ifname);
          last.set(i, ip);
          done.push(ip);
          held.push({ ip, containerID, ifname });
          const r = rangeOf(set, ip)!;
          ips.push({ address: `${ip}/${r.subnet.prefix}`, gateway: formatIP(r.gateway) });
        }
        out.push(ips);
      }
      return out;
    } catch (e) {
      for (const ip of done) await store.release(ip);
      throw e;
    }
  });
}

/** Reserves the next free address of range set `i` after `last`; returns it. */
async function reserveNext(
  store: Store,
  set: Range[],
  i: number,
  last: string | null,
  taken: Set<string>,
  containerID: string,
  ifname: string,
): Promise<string> {
  for (;;) {
    const ip = pickAddress(set, last, taken);
    if (!ip)
      throw new CniError(
        ErrorCode.TryAgainLater,
        `no IP addresses available in range set ${i}`,
        set.map((r) => `${formatIP(r.start)}-${formatIP(r.end)}`).join(','),
      );
    const text = formatIP(ip);
    taken.add(text);
    // false: lost a race with a lockless writer; try the next one.
    if (await store.reserve(containerID, ifname, text, i)) return text;
  }
}

/** Releases every address the attachment holds; none held is not an error (DEL is idempotent). */
export async function releaseAttachment(
  store: Store,
  containerID: string,
  ifname: string,
): Promise<Allocation[]> {
  return releaseAttachments(store, [{ containerID, ifname }]);
}

/** `releaseAttachment` for several attachments under one lock; returns what it freed. */
export function releaseAttachments(store: Store, attachments: Attachment[]): Promise<Allocation[]> {
  const drop = new Set(attachments.map((a) => `${a.containerID}\u0000${a.ifname}`));
  return locked(store, async () => {
    const mine = (await store.list()).filter((a) => drop.has(`${a.containerID}\u0000${a.ifname}`));
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
