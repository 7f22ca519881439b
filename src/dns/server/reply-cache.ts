// Encoded replies of one DnsIndex, so that a repeated question costs a copy instead of answer()
// and an encode. Not a TTL cache: every entry is a pure function of the index it was made from,
// as it was at one version (the index's SOA serial, which index-source.ts raises with every
// change it makes to the index in place), and the server drops the whole cache when either
// changes. Bounded like CoreDNS's cache plugin (default capacity 10,000:
// plugin/cache/README.md); the oldest entry goes first.

export class ReplyCache<V> {
  private entries = new Map<string, V>();
  /** Weak: the cache must not keep a replaced index alive (index-source.ts frees it before a build). */
  private owner: WeakRef<object> | undefined;
  private version = 0;

  constructor(private readonly capacity = 10_000) {}

  /** The entry for `key` made from `owner` (the index) at `version`, if any. */
  get(owner: object, version: number, key: string): V | undefined {
    return this.holds(owner, version) ? this.entries.get(key) : undefined;
  }

  /** Stores an entry made from `owner` at `version`; entries of another owner or version go first. */
  set(owner: object, version: number, key: string, value: V): void {
    if (!this.holds(owner, version)) {
      this.entries = new Map();
      this.owner = new WeakRef(owner);
      this.version = version;
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

  private holds(owner: object, version: number): boolean {
    return owner === this.owner?.deref() && version === this.version;
  }
}
