// One flow per connection attempt, not per packet: a dropped TCP SYN is retransmitted (1 s,
// 3 s, ...) and an unanswered UDP datagram is often resent, each time with the same addresses
// and ports, and each is logged again since the connection never leaves conntrack's NEW state.
// A packet whose 5-tuple and rule were seen within `windowMs` is the same attempt. Pure: the
// packets carry their capture time.
import type { LoggedPacket } from './nflog.js';

const key = (p: LoggedPacket) => `${p.prefix} ${p.protocol} ${p.src}:${p.srcPort} ${p.dst}:${p.dstPort}`;

export class AttemptFilter {
  private readonly seen = new Map<string, number>();

  /** 60 s: past the retransmissions a client makes before it gives up (Linux: SYN at 1, 3, 7, 15, 31 s). */
  constructor(private readonly windowMs = 60_000) {}

  /** The packets that start a connection attempt. */
  firstOfAttempts(packets: LoggedPacket[]): LoggedPacket[] {
    const out: LoggedPacket[] = [];
    for (const p of packets) {
      const k = key(p);
      const last = this.seen.get(k);
      this.seen.set(k, p.time);
      if (last === undefined || p.time - last > this.windowMs) out.push(p);
    }
    this.forget(packets.at(-1)?.time);
    return out;
  }

  /** Drops tuples not seen for a window, so memory follows the rate of attempts. */
  private forget(now: number | undefined): void {
    if (now === undefined || this.seen.size < 10_000) return;
    for (const [k, t] of this.seen) if (now - t > this.windowMs) this.seen.delete(k);
  }
}
