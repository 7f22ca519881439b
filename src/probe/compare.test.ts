import { describe, expect, it } from 'vitest';
import type { MatrixJson } from '../analysis/reachability.js';
import { compareCells } from './compare.js';
import type { Cell, ProbeResult } from './result.js';

/** One compared cell, ns/a -> ns/b; the other three are not measured. */
const one = (predicted: boolean, cell: Cell | null) => {
  const row = { 'ns/a': predicted, 'ns/b': predicted };
  const prediction: MatrixJson = {
    pods: ['ns/a', 'ns/b'],
    probes: [{ port: 80, protocol: 'TCP', matrix: { 'ns/a': row, 'ns/b': row } }],
  };
  const measured: ProbeResult = {
    via: 'pod',
    pods: ['ns/a', 'ns/b'],
    probes: [
      {
        spec: { port: 80, protocol: 'TCP' },
        cells: [
          [null, cell],
          [null, null],
        ],
      },
    ],
    untestable: [],
  };
  return compareCells(prediction, measured);
};

describe('compareCells', () => {
  it.each([
    { name: 'allowed and connected', predicted: true, cell: { ok: true, declared: true }, agree: true },
    {
      name: 'denied and timed out',
      predicted: false,
      cell: { ok: false, error: 'timeout', declared: true },
      agree: true,
    },
    {
      name: 'denied and refused',
      predicted: false,
      cell: { ok: false, error: 'refused', declared: false },
      agree: true,
    },
    { name: 'denied but connected', predicted: false, cell: { ok: true, declared: true }, agree: false },
    {
      name: 'allowed but dropped',
      predicted: true,
      cell: { ok: false, error: 'timeout', declared: true },
      agree: false,
    },
    {
      name: 'allowed, refused where something should listen',
      predicted: true,
      cell: { ok: false, error: 'refused', declared: true },
      agree: false,
    },
    {
      name: 'allowed, refused on an undeclared port: the packet arrived',
      predicted: true,
      cell: { ok: false, error: 'refused', declared: false },
      agree: true,
    },
    {
      name: 'allowed, dropped on an undeclared port',
      predicted: true,
      cell: { ok: false, error: 'timeout', declared: false },
      agree: false,
    },
  ])('$name', ({ predicted, cell, agree }) => {
    const { summary, disagreements } = one(predicted, cell);
    expect(summary.agreeing).toBe(agree ? 1 : 0);
    expect(disagreements.length).toBe(agree ? 0 : 1);
  });

  it('reports a disagreement with what was measured', () => {
    expect(one(true, { ok: false, error: 'timeout', declared: true }).disagreements).toEqual([
      {
        from: 'ns/a',
        to: 'ns/b',
        port: 80,
        protocol: 'TCP',
        predicted: true,
        measured: false,
        error: 'timeout',
      },
    ]);
  });

  it('counts untestable cells: left-out columns and whole probes', () => {
    const prediction: MatrixJson = {
      pods: ['ns/a', 'ns/b'],
      probes: [
        {
          port: 80,
          protocol: 'TCP',
          matrix: { 'ns/a': { 'ns/a': true, 'ns/b': true }, 'ns/b': { 'ns/a': true, 'ns/b': true } },
        },
        {
          port: 9,
          protocol: 'SCTP',
          matrix: { 'ns/a': { 'ns/a': true, 'ns/b': true }, 'ns/b': { 'ns/a': true, 'ns/b': true } },
        },
      ],
    };
    const ok: Cell = { ok: true, declared: true };
    const measured: ProbeResult = {
      via: 'pod',
      pods: ['ns/a', 'ns/b'],
      probes: [
        {
          spec: { port: 80, protocol: 'TCP' },
          cells: [
            [ok, ok],
            [ok, null],
          ],
        },
      ],
      untestable: [],
    };
    expect(compareCells(prediction, measured).summary).toEqual({
      cells: 8,
      compared: 2,
      agreeing: 2,
      disagreeing: 0,
      untestable: 5,
      loopback: 1,
      refusedUndeclared: 0,
    });
  });

  it('does not compare a pod to itself (loopback: undefined upstream, ignored by the e2e suite)', () => {
    const { summary, disagreements } = compareCells(
      { pods: ['ns/a'], probes: [{ port: 80, protocol: 'TCP', matrix: { 'ns/a': { 'ns/a': false } } }] },
      {
        via: 'pod',
        pods: ['ns/a'],
        probes: [{ spec: { port: 80, protocol: 'TCP' }, cells: [[{ ok: true, declared: true }]] }],
        untestable: [],
      },
    );
    expect(disagreements).toEqual([]);
    expect(summary).toMatchObject({ cells: 1, compared: 0, loopback: 1, untestable: 0 });
  });
});
