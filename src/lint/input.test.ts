import { describe, expect, it } from 'vitest';
import { lintYaml, ns, pod } from './fixture.test-util.js';

const cases = [
  {
    name: 'PN001 same object in two files',
    docs: [pod('default', 'a', {}), pod('default', 'a', { v: '2' })],
    code: 'PN001',
    count: 1,
  },
  {
    name: 'PN001 not for different names',
    docs: [pod('default', 'a', {}), pod('default', 'b', {})],
    code: 'PN001',
    count: 0,
  },
  {
    name: 'PN002 object in a namespace nothing creates',
    docs: [pod('ghost', 'a', {})],
    code: 'PN002',
    count: 1,
  },
  {
    name: 'PN002 not with a Namespace object',
    docs: [ns('ghost'), pod('ghost', 'a', {})],
    code: 'PN002',
    count: 0,
  },
  {
    name: 'PN002 not for system namespaces',
    docs: [pod('kube-system', 'a', {}), pod('default', 'b', {})],
    code: 'PN002',
    count: 0,
  },
];

describe('input', () => {
  it.each(cases)('$name', async ({ docs, code, count }) => {
    const findings = await lintYaml(docs);
    expect(findings.filter((f) => f.code === code)).toHaveLength(count);
  });

  it('names both places of a duplicate and points at the later one', async () => {
    const f = (await lintYaml([pod('default', 'a', {}), pod('default', 'a', {})])).find(
      (x) => x.code === 'PN001',
    )!;
    expect(f).toMatchObject({ object: 'Pod/default/a', file: 'b.yaml', line: 2 });
    expect(f.message).toContain('defined at a.yaml:2 and again at b.yaml:2');
  });
});
