// Encoded replies of one DnsIndex, so that a repeated question costs a copy instead of answer()
// and an encode. Not a TTL cache: every entry is a pure function of the index it was made from.
// The index changes in place (index-source.ts), so an entry also records what it depends on and
// when it was made, and the caller (responder.ts) checks that on a hit; here only the owner
// (the index object) is kept: a new index drops every entry. Bounded like CoreDNS's cache plugin
// (default capacity 10,000: plugin/cache/README.md); the oldest entry goes first, and an entry
// stored again (a stale one replaced) counts as the newest.

export class ReplyCache<V> {
  private entries = new Map<string, V>();
  /** Weak: the cache must not keep a replaced index alive (index-source.ts frees it before a build). */
  private owner: WeakRef<object> | undefined;

  constructor(private readonly capacity = 10_000) {}

  /** The entry for `key` made from `owner` (the index), if any; whether it is still true is the caller's to check. */
  get(owner: object, key: string): V | undefined {
    return owner === this.owner?.deref() ? this.entries.get(key) : undefined;
  }

  /** Stores an entry made from `owner`, in place of any under `key`; entries of another owner go first. */
  set(owner: object, key: string, value: V): void {
    if (owner !== this.owner?.deref()) {
      this.entries = new Map();
      this.owner = new WeakRef(owner);
    }
    if (!this.entries.delete(key) && this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, value);
  }

  get size(): number {
    return this.entries.size;
  }
}
