// In-memory Store for allocator tests (upstream backend/testing/fake_store.go). Like the disk
// store it refuses a second reservation of the same IP, and its lock is not reentrant.
import type { Allocation, Store } from './store.js';

export class FakeStore implements Store {
  readonly held = new Map<string, Allocation>();
  readonly last = new Map<number, string>();
  private locked = false;

  constructor(initial: Allocation[] = [], last: Record<number, string> = {}) {
    for (const a of initial) this.held.set(a.ip, a);
    for (const [k, v] of Object.entries(last)) this.last.set(Number(k), v);
  }

  async lock(): Promise<void> {
    if (this.locked) throw new Error('FakeStore: lock taken twice');
    this.locked = true;
  }

  async unlock(): Promise<void> {
    this.locked = false;
  }

  async reserve(containerID: string, ifname: string, ip: string, rangeSetID: number): Promise<boolean> {
    if (!this.locked) throw new Error('FakeStore: reserve without the lock');
    if (this.held.has(ip)) return false;
    this.held.set(ip, { ip, containerID, ifname });
    this.last.set(rangeSetID, ip);
    return true;
  }

  async lastReservedIP(rangeSetID: number): Promise<string | null> {
    return this.last.get(rangeSetID) ?? null;
  }

  async list(): Promise<Allocation[]> {
    return [...this.held.values()];
  }

  async release(ip: string): Promise<void> {
    this.held.delete(ip);
  }
}
