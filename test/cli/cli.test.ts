// The CLI as users meet it: exit codes (DESIGN.md §3: 0 ok, 1 finding/denial, 2 usage or input
// error), the error block for bad input, and golden output on examples/ (update: vitest -u).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateCluster } from '../../src/bench/generate.js';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const good = ['-f', 'examples/production'];
const bad = ['-f', 'examples/production', '-f', 'examples/broken'];

function podnet(args: string[], input?: string) {
  const r = spawnSync(join(root, 'bin', 'podnet'), args, {
    cwd: root,
    encoding: 'utf8',
    input,
    maxBuffer: 1 << 28,
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const frontend = () =>
  podnet(['get', 'pods', '-n', 'production', ...good, '-o', 'name'])
    .out.split('\n')
    .find((l) => l.includes('frontend'))!
    .split('/')[1];

describe('exit codes', () => {
  const cases = [
    {
      name: 'allowed trace exits 0',
      args: () => ['trace', `production/${frontend()}`, 'web', ...good],
      want: 0,
    },
    {
      name: 'denied trace exits 1',
      args: () => ['trace', 'staging/debug', 'http://web.production/', ...good],
      want: 1,
    },
    {
      name: 'lint with errors exits 1',
      args: () => ['lint', '-f', 'test/fixtures/lint/mistakes.yaml'],
      want: 1,
    },
    { name: 'lint with only warnings exits 0', args: () => ['lint', ...bad], want: 0 },
    { name: 'clean lint exits 0', args: () => ['lint', ...good], want: 0 },
    { name: 'unknown source pod is a usage error', args: () => ['trace', 'nope/x', 'web', ...good], want: 2 },
    { name: 'unknown resource is a usage error', args: () => ['get', 'widgets', ...good], want: 2 },
    { name: 'missing input is a usage error', args: () => ['matrix'], want: 2 },
    { name: 'unknown flag is a usage error', args: () => ['matrix', '--bogus'], want: 2 },
    { name: 'NXDOMAIN exits 1', args: () => ['dns', 'nope.production.svc.cluster.local', ...good], want: 1 },
  ];
  it.each(cases)('$name', ({ args, want }) => expect(podnet(args()).code).toBe(want));
});

describe('bad input', () => {
  const yaml = [
    'apiVersion: networking.k8s.io/v1',
    'kind: NetworkPolicy',
    'metadata: {name: web, namespace: production}',
    'spec:',
    '  podSelector: {}',
    '  ingress:',
    '  - ports:',
    '    - port: 70000',
    '---',
    'apiVersion: v1',
    'kind: Service',
    'metadata: {name: Web}',
    'spec: {type: Foo, ports: [{port: 80}]}',
    '',
  ].join('\n');

  it('lists every problem with file, line, object and field, exits 2, prints no stack', () => {
    const r = podnet(['matrix', '-f', '-'], yaml);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain(
      '<stdin>:8: NetworkPolicy production/web: spec.ingress[0].ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive',
    );
    expect(r.err).toContain('<stdin>:13: Service default/Web: spec.type: Unsupported value: "Foo"');
    expect(r.err).toContain('<stdin>:12: Service default/Web: metadata.name: Invalid value: "Web"');
    expect(r.err).toMatch(/error: 3 problems in the input; nothing was evaluated\n$/);
    expect(r.err).not.toMatch(/\bat .*\.js:\d+/);
  });

  it('reports YAML syntax errors with their line', () => {
    const r = podnet(['matrix', '-f', '-'], 'apiVersion: v1\nkind: Pod\nmetadata: {name: [x\n');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/<stdin>:\d+: YAML syntax error/);
  });
});

describe('lint on the broken pull request', () => {
  it('finds the three mistakes: DNS blocked, Service port in a policy, selector typo', () => {
    const codes = JSON.parse(podnet(['lint', ...bad, '-o', 'json']).out).findings.map(
      (f: { code: string; object: string }) => `${f.code} ${f.object}`,
    );
    expect(codes).toEqual(
      expect.arrayContaining([
        'PN104 NetworkPolicy/production/allow-dns',
        'PN106 NetworkPolicy/production/web',
        'PN201 Service/production/database',
      ]),
    );
  });
});

describe('podnet up --config', () => {
  it('rejects an unknown setting before doing anything', () => {
    const dir = mkdtempSync(join(tmpdir(), 'podnet-cfg-'));
    try {
      writeFileSync(join(dir, 'up.yaml'), 'nodez: 3\n');
      const r = podnet(['up', '--config', join(dir, 'up.yaml')]);
      expect(r.code).toBe(2);
      expect(r.err).toContain('unknown setting "nodez" (known: name, nodes, backend, cni, apiPort, policy)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('large output', () => {
  it('is written whole to a pipe (no truncation at 64 KiB on exit)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'podnet-cli-'));
    try {
      const file = join(dir, 'big.json');
      writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: generateCluster(3000) }));
      const r = podnet(['get', 'pods', '-A', '-o', 'json', '-f', file]);
      expect(r.out.length).toBeGreaterThan(1 << 20);
      expect(JSON.parse(r.out).items).toHaveLength(3000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('golden output on examples/', () => {
  it('matrix table', async () => {
    await expect(podnet(['matrix', '--port', '8080', ...good]).out).toMatchFileSnapshot(
      'golden/matrix-8080.txt',
    );
  });
  it('trace text through an Ingress', async () => {
    await expect(
      podnet(['trace', 'external', 'http://shop.example.com/api/orders', ...good]).out,
    ).toMatchFileSnapshot('golden/trace-ingress.txt');
  });
  it('explain of the broken pull request', async () => {
    await expect(podnet(['explain', `production/${frontend()}`, 'web', ...bad]).out).toMatchFileSnapshot(
      'golden/explain-broken.txt',
    );
  });
  it('get services wide', async () => {
    await expect(podnet(['get', 'svc', '-A', '-o', 'wide', ...good]).out).toMatchFileSnapshot(
      'golden/get-services.txt',
    );
  });
  it('trace JSON keeps the DESIGN.md shape', () => {
    const t = JSON.parse(
      podnet(['trace', 'staging/debug', 'http://web.production/', ...good, '-o', 'json']).out,
    );
    expect(Object.keys(t)).toEqual(expect.arrayContaining(['verdict', 'reason', 'hops', 'ingress']));
    expect(t.verdict).toBe('denied');
    expect(t.hops.map((h: { step: string }) => h.step)).toEqual(
      expect.arrayContaining([
        'dns',
        'service',
        'endpoint',
        'nat',
        'route',
        'policy-egress',
        'policy-ingress',
      ]),
    );
  });
});
