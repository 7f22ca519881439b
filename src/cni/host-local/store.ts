// What the allocator needs from storage (upstream host-local backend/store.go, narrowed).
// Implementations: DiskStore (files under a data dir, an exclusive lock file) and FakeStore.

export interface Allocation {
  ip: string;
  containerID: string;
  ifname: string;
}

export interface Store {
  /** Exclusive across processes; throws CniError 11 (try again later) if it cannot be had in time. */
  lock(): Promise<void>;
  unlock(): Promise<void>;
  /** Records the IP for the attachment; false when it is already taken. */
  reserve(containerID: string, ifname: string, ip: string, rangeSetID: number): Promise<boolean>;
  /** The last address reserved in this range set, or null. */
  lastReservedIP(rangeSetID: number): Promise<string | null>;
  /** Every allocation held. */
  list(): Promise<Allocation[]>;
  /** Frees one address. Freeing a free address is not an error. */
  release(ip: string): Promise<void>;
}
