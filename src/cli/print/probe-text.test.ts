import { describe, expect, it } from 'vitest';
import type { TracedDisagreement } from '../../probe/compare.js';
import type { ProbeResult } from '../../probe/result.js';
import { formatProbeNotes } from './probe-text.js';
import { formatVerifyText } from './verify-text.js';

const plain = { ok: (s: string) => s, bad: (s: string) => s, dim: (s: string) => s };

describe('formatProbeNotes', () => {
  it('names the Services behind columns and every untested cell', () => {
    const r: ProbeResult = {
      via: 'service',
      pods: ['ns/a', 'ns/b'],
      probes: [
        {
          spec: { port: 80, protocol: 'TCP' },
          cells: [],
          through: { 'ns/b': { service: 'ns/web', address: '10.96.0.9:8080' } },
        },
      ],
      untestable: [
        { port: 82, protocol: 'SCTP', reason: 'no SCTP sockets' },
        { port: 80, protocol: 'TCP', to: 'ns/a', reason: 'no Service' },
      ],
    };
    expect(formatProbeNotes(r)).toBe(
      [
        '',
        'TCP/80 columns reached through (--via service):',
        '  ns/b <- ns/web at 10.96.0.9:8080',
        'not tested, shown as X above:',
        '  TCP/80 to ns/a: no Service',
        'SCTP/82: not tested: no SCTP sockets',
        '',
      ].join('\n'),
    );
  });

  it('says nothing when everything was tested directly', () => {
    expect(formatProbeNotes({ via: 'pod', pods: [], probes: [], untestable: [] })).toBe('');
  });
});

describe('formatVerifyText', () => {
  it('prints each disagreement with its trace, then the summary', () => {
    const d: TracedDisagreement = {
      from: 'ns/a',
      to: 'ns/b',
      port: 80,
      protocol: 'TCP',
      predicted: false,
      measured: true,
      answeredBy: 'b',
      trace: {
        source: 'ns/a',
        destination: 'ns/b',
        protocol: 'TCP',
        verdict: 'denied',
        reason: 'ns/b is isolated for ingress by ns/deny',
        hops: [{ step: 'policy-ingress', detail: 'ns/b is isolated for ingress by ns/deny' }],
        ingress: null,
        paths: [],
      },
    };
    const summary = {
      cells: 8,
      compared: 4,
      agreeing: 3,
      disagreeing: 1,
      untestable: 4,
      refusedUndeclared: 1,
    };
    expect(
      formatVerifyText(summary, [d], [{ port: 82, protocol: 'SCTP', reason: 'no SCTP sockets' }], plain),
    ).toBe(
      [
        'DISAGREE TCP/80 ns/a -> ns/b: predicted denied, measured allowed (answered by b)',
        '    ns/a -> ns/b (TCP)',
        '       1  policy-ingress  ns/b is isolated for ingress by ns/deny',
        '    DENIED: ns/b is isolated for ingress by ns/deny',
        '',
        'not tested: SCTP/82: no SCTP sockets',
        '4 of 8 cells compared: 3 agree (1 refused on a port the destination does not declare), 1 disagree, 4 untestable',
        '',
      ].join('\n'),
    );
  });
});
