// The pure parts of `podnet flows`: `--since` durations as kubectl takes them (`30s`, `5m`,
// `1h30m`; Go's time.ParseDuration units) and the table rows.
import type { Flow } from './store.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds of a Go-style duration (`5m`, `1h30m`, `90s`); undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((m) => m[0]).join('') !== text) return undefined;
  return parts.reduce((sum, m) => sum + Number(m[1]) * UNIT_MS[m[2]], 0);
}

const endpoint = (addr: string, pod: string | undefined) => pod ?? addr;

export const FLOW_HEADERS = ['TIME', 'NODE', 'DIRECTION', 'SOURCE', 'DESTINATION', 'PORT', 'VERDICT', 'RULE'];

export function flowRow(f: Flow): string[] {
  return [
    new Date(f.time)
      .toISOString()
      .replace('T', ' ')
      .replace(/\.\d+Z$/, 'Z'),
    f.node,
    f.direction,
    endpoint(f.src, f.srcPod),
    endpoint(f.dst, f.dstPod),
    `${f.port}/${f.protocol}`,
    f.verdict,
    f.rule,
  ];
}
