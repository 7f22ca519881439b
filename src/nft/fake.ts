// An in-memory table that applies transactions the way the kernel does and refuses what it
// would refuse (knftables fake.go; STYLE rule 4: fakes that validate): references to missing
// chains or sets, deleting what is still referenced, adding an element whose key exists with a
// different verdict. A failed transaction changes nothing, as in the kernel. Used to prove that
// a diff applied to the old table gives the new one.
import {
  keyText,
  NAME_MAX,
  type BaseChainSpec,
  type Chain,
  type Element,
  type NftSet,
  type Rule,
  type Table,
  type Verdict,
} from './ir.js';
import { intervalKeysOverlap, isIntervalPart, partRange } from './interval.js';
import type { NftOp, Transaction } from './ops.js';

export class NftError extends Error {
  constructor(
    readonly code: 'ENOENT' | 'EEXIST' | 'EBUSY' | 'EINVAL',
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

interface SetState {
  def: Omit<NftSet, 'elements'>;
  elements: Map<string, Element>;
}

interface Model {
  family: Table['family'];
  name: string;
  comment?: string;
  chains: Map<string, Chain>;
  sets: Map<string, SetState>;
}

/** The table after the transaction (undefined when it does not exist); throws NftError. */
export function applyTransaction(before: Table | undefined, tx: Transaction): Table | undefined {
  let m = before ? toModel(before) : undefined;
  for (const op of tx.ops) {
    if (op.kind === 'table') {
      if (op.verb === 'add') m ??= { ...tx.table, chains: new Map(), sets: new Map() };
      else if (!m) throw new NftError('ENOENT', `table ${tx.table.name} does not exist`);
      else m = undefined;
      if (m && op.comment !== undefined) m.comment = op.comment;
      continue;
    }
    if (!m) throw new NftError('ENOENT', `table ${tx.table.name} does not exist`);
    applyOp(m, op);
  }
  return m && fromModel(m);
}

function applyOp(m: Model, op: Exclude<NftOp, { kind: 'table' }>): void {
  switch (op.kind) {
    case 'chain':
      if (op.verb === 'add') return addChain(m, op.chain, op.base);
      if (op.verb === 'flush') return void (chain(m, op.chain).rules = []);
      chain(m, op.chain);
      if (isChainReferenced(m, op.chain)) throw new NftError('EBUSY', `chain ${op.chain} is in use`);
      m.chains.delete(op.chain);
      return;
    case 'rule':
      checkRule(m, op.rule);
      chain(m, op.chain).rules.push(op.rule);
      return;
    case 'set':
      if (op.verb === 'add') return addSet(m, op.set);
      set(m, op.set);
      if (isSetReferenced(m, op.set)) throw new NftError('EBUSY', `set ${op.set} is in use`);
      m.sets.delete(op.set);
      return;
    case 'element': {
      const s = set(m, op.set);
      const k = keyText(op.element.key);
      if (op.verb === 'delete') {
        if (!s.elements.delete(k)) throw new NftError('ENOENT', `no element ${k} in ${op.set}`);
        return;
      }
      checkElement(m, s, op.element);
      const old = s.elements.get(k);
      if (old && JSON.stringify(old.verdict) !== JSON.stringify(op.element.verdict))
        throw new NftError('EEXIST', `element ${k} of ${op.set} exists with another verdict`);
      if (!old && s.def.flags?.includes('interval')) {
        for (const other of s.elements.values())
          if (intervalKeysOverlap(s.def.type, other.key, op.element.key))
            throw new NftError('EEXIST', `element ${k} of ${op.set} overlaps ${keyText(other.key)}`);
      }
      if (!old) s.elements.set(k, op.element);
      return;
    }
  }
}

function addChain(m: Model, name: string, base: BaseChainSpec | undefined): void {
  checkName(name);
  const old = m.chains.get(name);
  if (old) {
    if (base && JSON.stringify(old.base) !== JSON.stringify(base))
      throw new NftError('EEXIST', `chain ${name} exists with another hook or priority`);
    return;
  }
  m.chains.set(name, base ? { name, base, rules: [] } : { name, rules: [] });
}

function addSet(m: Model, def: Omit<NftSet, 'elements'>): void {
  checkName(def.name);
  const old = m.sets.get(def.name);
  if (old) {
    if (JSON.stringify(old.def) !== JSON.stringify(def))
      throw new NftError('EEXIST', `set ${def.name} exists with another definition`);
    return;
  }
  if (def.timeout !== undefined && !def.flags?.includes('timeout'))
    throw new NftError('EINVAL', `set ${def.name} has a timeout but no timeout flag`);
  m.sets.set(def.name, { def, elements: new Map() });
}

function checkRule(m: Model, r: Rule): void {
  const hasProto = (p?: string) =>
    r.matches.some(
      (x) => x.kind === 'cmp' && x.left === 'meta l4proto' && x.op === '==' && (!p || x.right === p),
    );
  for (const x of r.matches) if (x.kind === 'lookup') checkKey(set(m, x.set), x.key.length);
  for (const s of r.statements) {
    if (s.kind === 'update') {
      const target = set(m, s.set);
      checkKey(target, s.key.length);
      if (!target.def.flags?.includes('dynamic'))
        throw new NftError('EINVAL', `set ${s.set} is updated from the packet path but not dynamic`);
    }
    if (s.kind === 'dnat' && s.port !== undefined && !hasProto())
      throw new NftError('EINVAL', 'transport protocol mapping is only valid after transport protocol match');
  }
  if (r.verdict?.kind === 'reject' && r.verdict.with === 'tcp reset' && !hasProto('tcp'))
    throw new NftError('EINVAL', 'reject with tcp reset needs a tcp match');
  if (r.verdict) checkVerdict(m, r.verdict);
}

function checkVerdict(m: Model, v: Verdict): void {
  if (v.kind === 'jump' || v.kind === 'goto') chain(m, v.chain);
  if (v.kind === 'vmap') {
    const s = set(m, v.map);
    if (s.def.map !== 'verdict') throw new NftError('EINVAL', `${v.map} is not a verdict map`);
    checkKey(s, v.key.length);
  }
}

function checkElement(m: Model, s: SetState, e: Element): void {
  checkKey(s, e.key.length);
  const interval = s.def.flags?.includes('interval') ?? false;
  e.key.forEach((part, i) => {
    if (isIntervalPart(part) && !interval)
      throw new NftError('EINVAL', `${part} is a range or prefix, but ${s.def.name} is not an interval set`);
    try {
      partRange(s.def.type[i], part);
    } catch (err) {
      throw new NftError('EINVAL', `${(err as Error).message} in ${s.def.name}`);
    }
  });
  if (!!s.def.map !== !!e.verdict)
    throw new NftError(
      'EINVAL',
      `element ${keyText(e.key)} does not fit ${s.def.map ? 'map' : 'set'} ${s.def.name}`,
    );
  if (e.verdict) checkVerdict(m, e.verdict);
}

function checkKey(s: SetState, length: number): void {
  if (s.def.type.length !== length)
    throw new NftError(
      'EINVAL',
      `key of ${length} parts for ${s.def.name} of type ${s.def.type.join(' . ')}`,
    );
}

function checkName(name: string): void {
  if (name.length > NAME_MAX) throw new NftError('EINVAL', `name longer than ${NAME_MAX}: ${name}`);
}

function chain(m: Model, name: string): Chain {
  const c = m.chains.get(name);
  if (!c) throw new NftError('ENOENT', `chain ${name} does not exist`);
  return c;
}

function set(m: Model, name: string): SetState {
  const s = m.sets.get(name);
  if (!s) throw new NftError('ENOENT', `set ${name} does not exist`);
  return s;
}

const targets = (v: Verdict | undefined, name: string) =>
  (v?.kind === 'jump' || v?.kind === 'goto') && v.chain === name;

function isChainReferenced(m: Model, name: string): boolean {
  for (const c of m.chains.values()) if (c.rules.some((r) => targets(r.verdict, name))) return true;
  for (const s of m.sets.values())
    for (const e of s.elements.values()) if (targets(e.verdict, name)) return true;
  return false;
}

function isSetReferenced(m: Model, name: string): boolean {
  for (const c of m.chains.values())
    for (const r of c.rules) {
      if (r.verdict?.kind === 'vmap' && r.verdict.map === name) return true;
      if (r.matches.some((x) => x.kind === 'lookup' && x.set === name)) return true;
      if (r.statements.some((s) => s.kind === 'update' && s.set === name)) return true;
    }
  return false;
}

function toModel(t: Table): Model {
  const sets = new Map<string, SetState>();
  for (const { elements, ...def } of t.sets)
    sets.set(def.name, { def, elements: new Map(elements.map((e) => [keyText(e.key), e])) });
  return {
    family: t.family,
    name: t.name,
    ...(t.comment === undefined ? {} : { comment: t.comment }),
    chains: new Map(t.chains.map((c) => [c.name, { ...c, rules: [...c.rules] }])),
    sets,
  };
}

function fromModel(m: Model): Table {
  return {
    family: m.family,
    name: m.name,
    ...(m.comment === undefined ? {} : { comment: m.comment }),
    chains: [...m.chains.values()],
    sets: [...m.sets.values()].map((s) => ({ ...s.def, elements: [...s.elements.values()] })),
  };
}
