// TableSyncer with a recording runner: which scripts go to nft, and the resync after a failure.
import { describe, expect, it } from 'vitest';
import { STALE_MAX, TableGroupSyncer, TableSyncer, type NftRunner } from './apply.js';
import type { Table } from './ir.js';
import { miniProxy, r } from './test-tables.test-util.js';

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
    // Written without `add element`, which would make nft dump every chain first (light.ts).
    expect(runner.scripts[1]).toBe(
      'add map ip pn-test-proxy service-ips { type ipv4_addr . inet_proto . inet_service : verdict ; ' +
        'elements = { 10.96.0.3 . tcp . 80 : goto svc } ; }\n',
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

  it("uses the renderer's diff when it starts from the applied table, and diffs itself otherwise", async () => {
    const runner = new RecordingRunner();
    const s = new TableSyncer('pn-tnftsp-unit', runner);
    const first = miniProxy();
    await s.sync(first);
    const next = changed();
    // An empty diff, to tell which one was used.
    const hint = { from: first, tx: { table: next, ops: [] } };
    expect(await s.sync(next, { ...hint, from: miniProxy() })).toEqual({ mode: 'incremental', ops: 1 });
    expect(await s.sync(first, { from: next, tx: { table: first, ops: [] } })).toEqual({
      mode: 'unchanged',
      ops: 0,
    });
  });

  it('defers chain deletes to the next diff that needs the chain dump, when asked', async () => {
    const runner = new RecordingRunner();
    const s = new TableSyncer('pn-tnftsp-unit', runner, { deferChainDeletes: true });
    const withExtra = () => {
      const t = miniProxy();
      t.chains.push({
        name: 'ep-c',
        rules: [r({ statements: [{ kind: 'dnat', addr: '10.244.2.5', port: 80 }] })],
      });
      return t;
    };
    await s.sync(withExtra());
    // Gone: only flushed, no chain dump.
    await s.sync(miniProxy());
    expect(runner.scripts.at(-1)).toBe('flush chain ip pn-test-proxy ep-c\n');
    // Back: created again (it still exists, empty), and no longer waiting to be deleted.
    await s.sync(withExtra());
    expect(runner.scripts.at(-1)).toMatch(
      /^add chain ip pn-test-proxy ep-c\nadd chain ip pn-test-proxy ep-c \{/,
    );
    // An element deleted is written as the set's new content, still without the dump (and ep-c
    // waits again).
    const fewer = miniProxy();
    fewer.sets[1].elements = [];
    await s.sync(fewer);
    expect(runner.scripts.at(-1)).toBe(
      'flush map ip pn-test-proxy no-endpoints\nflush chain ip pn-test-proxy ep-c\n',
    );
    // A set deleted needs the dump: the waiting chain is deleted with it.
    const withSpare = miniProxy();
    withSpare.sets.push({ name: 'spare', type: ['ipv4_addr'], elements: [] });
    await s.sync(withSpare);
    await s.sync(miniProxy());
    expect(runner.scripts.at(-1)).toBe(
      'delete set ip pn-test-proxy spare\ndelete chain ip pn-test-proxy ep-c\n',
    );
    await s.sync(withExtra());
    await s.sync(miniProxy());
    expect(runner.scripts.at(-1)).not.toMatch(/delete chain/);
  });

  it(`deletes waiting chains once ${STALE_MAX} of them wait`, async () => {
    const runner = new RecordingRunner();
    const s = new TableSyncer('pn-tnftsp-unit', runner, { deferChainDeletes: true });
    const withChains = (n: number) => {
      const t = miniProxy();
      for (let i = 0; i < n; i++)
        t.chains.push({ name: `ep-x${i}`, rules: [r({ verdict: { kind: 'accept' } })] });
      return t;
    };
    await s.sync(withChains(STALE_MAX - 1));
    await s.sync(miniProxy());
    expect(runner.scripts.at(-1)).not.toMatch(/delete chain/);
    await s.sync(withChains(STALE_MAX));
    await s.sync(miniProxy());
    expect(runner.scripts.at(-1)!.match(/^delete chain /gm)).toHaveLength(STALE_MAX);
  });
});

describe('TableGroupSyncer', () => {
  const other = () => ({ ...miniProxy(), name: 'pn-test-proxy-0' });

  it('sends the changes of all tables in one transaction', async () => {
    const runner = new RecordingRunner();
    const s = new TableGroupSyncer('pn-tnftsp-unit', runner, { loadConcurrency: 2 });
    expect(await s.sync([miniProxy(), other()])).toMatchObject({ mode: 'full' });
    expect(runner.scripts).toHaveLength(1);
    const changedOther = { ...changed(), name: 'pn-test-proxy-0' };
    expect(await s.sync([changed(), changedOther])).toEqual({ mode: 'incremental', ops: 2 });
    expect(runner.scripts).toHaveLength(2);
    expect(runner.scripts[1]).toMatch(
      /^add map ip pn-test-proxy service-ips [^\n]+\nadd map ip pn-test-proxy-0 service-ips /,
    );
  });

  it('loads a small group in one transaction, a large one per table with the load runner', async () => {
    const loads = new RecordingRunner();
    const own = new RecordingRunner();
    const s = new TableGroupSyncer('pn-tnftsp-unit', own, { loadRunner: loads, loadConcurrency: 2 });
    await s.sync([miniProxy(), other()]);
    expect(own.scripts).toHaveLength(1);
    expect(own.scripts[0]).toMatch(/^add table ip pn-test-proxy\n[^]*^add table ip pn-test-proxy-0\n/m);
    await s.sync([changed(), other()]);
    expect(own.scripts).toHaveLength(2);
    expect(loads.scripts).toEqual([]);
    const big = (name: string): Table => ({
      ...miniProxy(),
      name,
      chains: Array.from({ length: 10_001 }, (_, i) => ({ name: `c${i}`, rules: [] })),
    });
    const large = new TableGroupSyncer('pn-tnftsp-unit', own, { loadRunner: loads, loadConcurrency: 2 });
    await large.sync([big('pn-test-a'), big('pn-test-b')]);
    expect(loads.scripts).toHaveLength(2);
  });

  it("uses the renderer's diffs only when they start from the applied tables", async () => {
    const runner = new RecordingRunner();
    const s = new TableGroupSyncer('pn-tnftsp-unit', runner);
    const first = [miniProxy(), other()];
    await s.sync(first);
    const empty = (t: Table) => ({ table: t, ops: [] });
    const next = [changed(), other()];
    expect(await s.sync(next, { from: [miniProxy(), other()], txs: next.map(empty) })).toEqual({
      mode: 'incremental',
      ops: 1,
    });
    expect(await s.sync(first, { from: next, txs: first.map(empty) })).toEqual({ mode: 'unchanged', ops: 0 });
  });
});
