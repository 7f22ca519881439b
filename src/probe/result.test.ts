import { describe, expect, it } from 'vitest';
import type { ProbePlan } from './plan.js';
import type { TaskResult } from './protocol.js';
import { buildProbeResult, probeJson, probeReachability } from './result.js';

// Two pods; TCP/80 straight to each pod (targets 0, 1); UDP/53 through a Service with both as
// endpoints (target 2) for x, and no Service for y; SCTP untestable.
const plan: ProbePlan = {
  via: 'service',
  pods: ['ns/x', 'ns/y'],
  podNames: ['x', 'y'],
  probes: [
    { port: 80, protocol: 'TCP' },
    { port: 53, protocol: 'UDP' },
  ],
  columns: [
    [
      { kind: 'target', target: 0, declared: true },
      { kind: 'target', target: 1, declared: false },
    ],
    [
      { kind: 'target', target: 2, declared: true },
      { kind: 'untestable', reason: 'no Service' },
    ],
  ],
  targets: [
    { host: '10.96.0.1', port: 80, protocol: 'TCP', attempts: 1, wave: 1, expect: ['x'], endpoints: 1 },
    { host: '10.96.0.2', port: 80, protocol: 'TCP', attempts: 1, wave: 1, expect: ['y'], endpoints: 1 },
    {
      host: '10.96.0.3',
      port: 53,
      protocol: 'UDP',
      attempts: 4,
      wave: 2,
      expect: ['x'],
      endpoints: 2,
      through: { service: 'ns/dns', address: '10.96.0.3:53' },
    },
  ],
  untestable: [{ port: 9, protocol: 'SCTP', reason: 'no SCTP' }],
};

const replies: TaskResult[][] = [
  // from x: reaches itself, y refuses, through the Service only y answers
  [
    { id: 0, attempts: [{ ok: true, answeredBy: 'x' }] },
    { id: 1, attempts: [{ ok: false, error: 'refused' }] },
    {
      id: 2,
      attempts: [
        { ok: true, answeredBy: 'y' },
        { ok: false, error: 'timeout' },
        { ok: false, error: 'timeout' },
        { ok: true, answeredBy: 'y' },
      ],
    },
  ],
  // from y: everything answers, x through the Service too
  [
    { id: 2, attempts: [{ ok: true, answeredBy: 'x' }] },
    { id: 0, attempts: [{ ok: true }] },
    { id: 1, attempts: [{ ok: true, answeredBy: 'y' }] },
  ],
];

describe('buildProbeResult', () => {
  const r = buildProbeResult(plan, replies);

  it('reads each cell from its target, by task id', () => {
    expect(r.probes[0].cells).toEqual([
      [
        { ok: true, answeredBy: 'x', declared: true },
        { ok: false, error: 'refused', declared: false },
      ],
      [
        { ok: true, answeredBy: undefined, declared: true },
        { ok: true, answeredBy: 'y', declared: false },
      ],
    ]);
  });

  it('through a Service with several endpoints, only an answer from the destination counts', () => {
    expect(r.probes[1].cells[0][0]).toEqual({
      ok: false,
      error: 'x never answered 4 connections to 10.96.0.3:53: answered by y x2, timeout x2',
      declared: true,
    });
    expect(r.probes[1].cells[1][0]).toEqual({ ok: true, answeredBy: 'x', declared: true });
    expect(r.probes[1].cells[0][1]).toBeNull();
  });

  it('lists untestable probes and columns', () => {
    expect(r.untestable).toEqual([
      { port: 9, protocol: 'SCTP', reason: 'no SCTP' },
      { port: 53, protocol: 'UDP', to: 'ns/y', reason: 'no Service' },
    ]);
  });

  it('JSON: the matrix contract, untestable cells left out, `through` per probe', () => {
    expect(probeJson(r)).toEqual({
      pods: ['ns/x', 'ns/y'],
      probes: [
        {
          port: 80,
          protocol: 'TCP',
          matrix: { 'ns/x': { 'ns/x': true, 'ns/y': false }, 'ns/y': { 'ns/x': true, 'ns/y': true } },
          through: {},
        },
        {
          port: 53,
          protocol: 'UDP',
          matrix: { 'ns/x': { 'ns/x': false }, 'ns/y': { 'ns/x': true } },
          through: { 'ns/x': { service: 'ns/dns', address: '10.96.0.3:53' } },
        },
      ],
      via: 'service',
      untestable: r.untestable,
    });
  });

  it('as a Reachability, every pod is its own class', () => {
    const reach = probeReachability(r);
    expect(reach.classOf).toEqual([0, 1]);
    expect(reach.rows[0].map((row) => [...row])).toEqual([[0], [0, 1]]);
  });

  it('via pod has no `through`', () => {
    const direct = buildProbeResult(
      { ...plan, via: 'pod', probes: [plan.probes[0]], columns: [plan.columns[0]] },
      replies,
    );
    expect(probeJson(direct).probes[0]).not.toHaveProperty('through');
  });
});
