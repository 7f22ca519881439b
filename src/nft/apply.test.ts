// TableSyncer with a recording runner: which scripts go to nft, and the resync after a failure.
import { describe, expect, it } from 'vitest';
import { TableSyncer, type NftRunner } from './apply.js';
import { miniProxy } from './test-tables.test-util.js';

class RecordingRunner implements NftRunner {
  scripts: string[] = [];
  failNext = 0;
  async run(netns: string, script: string): Promise<void> {
    expect(netns).toBe('pn-tnftsp-unit');
    this.scripts.push(script);
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('Error: Could not process rule: No such file or directory');
    }
  }
}

const changed = () => {
  const t = miniProxy();
  t.sets[0].elements.push({ key: ['10.96.0.3', 'tcp', 80], verdict: { kind: 'goto', chain: 'svc' } });
  return t;
};

describe('TableSyncer', () => {
  it('loads in full first, then sends diffs, and nothing when nothing changed', async () => {
    const runner = new RecordingRunner();
    const s = new TableSyncer('pn-tnftsp-unit', runner);
    expect(await s.sync(miniProxy())).toMatchObject({ mode: 'full' });
    expect(runner.scripts[0]).toMatch(/^add table ip pn-test-proxy\ndelete table ip pn-test-proxy\n/);
    expect(await s.sync(changed())).toEqual({ mode: 'incremental', ops: 1 });
    expect(runner.scripts[1]).toBe(
      'add element ip pn-test-proxy service-ips { 10.96.0.3 . tcp . 80 : goto svc }\n',
    );
    expect(await s.sync(changed())).toEqual({ mode: 'unchanged', ops: 0 });
    expect(runner.scripts).toHaveLength(2);
  });

  it('follows a failed diff with a full resync', async () => {
    const runner = new RecordingRunner();
    const s = new TableSyncer('pn-tnftsp-unit', runner);
    await s.sync(miniProxy());
    runner.failNext = 1;
    const res = await s.sync(changed());
    expect(res).toMatchObject({ mode: 'resync', error: expect.stringContaining('No such file') });
    expect(runner.scripts[2]).toMatch(/^add table ip pn-test-proxy\ndelete table ip pn-test-proxy\n/);
    expect(await s.sync(changed())).toMatchObject({ mode: 'unchanged' });
  });

  it('rejects when a full load fails, and tries a full load again next time', async () => {
    const runner = new RecordingRunner();
    const s = new TableSyncer('pn-tnftsp-unit', runner);
    runner.failNext = 1;
    await expect(s.sync(miniProxy())).rejects.toThrow(/No such file/);
    expect(await s.sync(miniProxy())).toMatchObject({ mode: 'full' });
  });

  it('cuts full loads into bounded transactions when asked', async () => {
    const runner = new RecordingRunner();
    const s = new TableSyncer('pn-tnftsp-unit', runner, { maxOpsPerTransaction: 10 });
    const { ops } = await s.sync(miniProxy());
    expect(runner.scripts).toHaveLength(Math.ceil(ops / 10));
    expect(runner.scripts.join('').trim().split('\n')).toHaveLength(ops);
  });

  it('deletes the table', async () => {
    const runner = new RecordingRunner();
    await new TableSyncer('pn-tnftsp-unit', runner).deleteTable({ family: 'ip', name: 'pn-test-proxy' });
    expect(runner.scripts).toEqual(['add table ip pn-test-proxy\ndelete table ip pn-test-proxy\n']);
  });
});
