// Encoded replies of one DnsIndex, so that a repeated question costs a copy instead of answer()
// and an encode. Not a TTL cache: every entry is a pure function of the index it was made from,
// and the server drops the whole cache when the index is replaced. Bounded like CoreDNS's cache
// plugin (default capacity 10,000: plugin/cache/README.md); the oldest entry goes first.

export class ReplyCache<V> {
  private entries = new Map<string, V>();
  /** Weak: the cache must not keep a replaced index alive (index-source.ts frees it before a build). */
  private owner: WeakRef<object> | undefined;

  constructor(private readonly capacity = 10_000) {}

  /** The entry for `key` made from `owner` (the index), if any. */
  get(owner: object, key: string): V | undefined {
    return owner === this.owner?.deref() ? this.entries.get(key) : undefined;
  }

  /** Stores an entry made from `owner`; entries of another owner are dropped first. */
  set(owner: object, key: string, value: V): void {
    if (owner !== this.owner?.deref()) {
      this.entries = new Map();
      this.owner = new WeakRef(owner);
    }
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, value);
  }

  get size(): number {
    return this.entries.size;
  }
}
