// A fixed-size bit set over 32-bit words: the matrix engine unions and intersects sets of
// pod classes, which this makes a few thousand word operations instead of millions of checks.

export class BitSet {
  readonly words: Uint32Array;

  constructor(
    readonly size: number,
    fill = false,
  ) {
    this.words = new Uint32Array((size + 31) >>> 5);
    if (fill) {
      this.words.fill(0xffffffff);
      const extra = this.words.length * 32 - size;
      if (extra > 0) this.words[this.words.length - 1] = 0xffffffff >>> extra;
    }
  }

  static full(size: number): BitSet {
    return new BitSet(size, true);
  }

  has(i: number): boolean {
    return (this.words[i >>> 5] & (1 << (i & 31))) !== 0;
  }

  add(i: number): this {
    this.words[i >>> 5] |= 1 << (i & 31);
    return this;
  }

  /** this |= other */
  or(other: BitSet): this {
    const w = this.words;
    const o = other.words;
    for (let i = 0; i < w.length; i++) w[i] |= o[i];
    return this;
  }

  /** this &= other */
  and(other: BitSet): this {
    const w = this.words;
    const o = other.words;
    for (let i = 0; i < w.length; i++) w[i] &= o[i];
    return this;
  }

  clone(): BitSet {
    const b = new BitSet(this.size);
    b.words.set(this.words);
    return b;
  }

  isFull(): boolean {
    return this.equals(BitSet.full(this.size));
  }

  equals(other: BitSet): boolean {
    if (other.size !== this.size) return false;
    for (let i = 0; i < this.words.length; i++) if (this.words[i] !== other.words[i]) return false;
    return true;
  }

  /** Indexes of set bits, ascending. */
  *[Symbol.iterator](): IterableIterator<number> {
    for (let wi = 0; wi < this.words.length; wi++) {
      let w = this.words[wi];
      while (w !== 0) {
        const low = w & -w;
        yield (wi << 5) + (31 - Math.clz32(low));
        w ^= low;
      }
    }
  }

  /** A compact string key (for grouping equal sets). */
  key(): string {
    return Buffer.from(this.words.buffer, this.words.byteOffset, this.words.byteLength).toString('base64');
  }
}
