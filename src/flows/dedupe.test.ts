import { describe, expect, it } from 'vitest';
import { AttemptFilter } from './dedupe.js';
import type { LoggedPacket } from './nflog.js';

const syn = (time: number, srcPort = 40000, prefix = 'pn-di-A'): LoggedPacket => ({
  time,
  prefix,
  src: '10.244.0.2',
  dst: '10.244.1.2',
  protocol: 'TCP',
  srcPort,
  dstPort: 80,
});

describe('AttemptFilter: one flow per connection attempt', () => {
  it('a retransmitted SYN (same 5-tuple, same rule) is the same attempt', () => {
    const f = new AttemptFilter();
    expect(f.firstOfAttempts([syn(0), syn(1000)])).toEqual([syn(0)]);
    expect(f.firstOfAttempts([syn(3000)])).toEqual([]);
  });

  it('another source port, another rule, or a gap past the window is a new attempt', () => {
    const f = new AttemptFilter(10_000);
    const got = f.firstOfAttempts([syn(0), syn(1, 40001), syn(2, 40000, 'pn-ai-B'), syn(5000), syn(16_000)]);
    expect(got).toEqual([syn(0), syn(1, 40001), syn(2, 40000, 'pn-ai-B'), syn(16_000)]);
  });
});
