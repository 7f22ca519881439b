// renderPolicy: NetworkPolicies, Pods and Namespaces, seen from one node -> that node's table
// `ip pn-<cluster>-policy` and the catalog of its flow-log prefixes; a pure function
// (DESIGN.md §4). It enforces egress of this node's pods and ingress to them; the other end's
// node enforces the other direction. README.md in this folder draws the layout:
//
//   np-egress:  ip saddr vmap @np-egress-pods   -> isolated-e-HASH-... (the pod's policies)
//   np-ingress: ip daddr vmap @np-ingress-pods  -> isolated-i-HASH-...
//   isolated-*: jump policy-HASH-ns/name/dir for each isolating policy, then log + drop
//   policy-*:   one rule per (peer, port kind) of each rule: set lookups, counter, log, accept
//
// Semantics are src/policy's, which follow the API reference (networking/v1 types.go): a pod
// is isolated for a direction once a policy selecting it has that policyType; allowed is the
// union of the rules of every selecting policy; a rule matches when some peer and some port
// match (no peers: every peer; no ports: every port). Pods no policy isolates are not in the
// maps: their tier returns and the packet is accepted.
import type { Chain, Match, NftSet, Rule, Statement, Table } from '../../nft/ir.js';
import type { Direction, PolicyModel, RuleModel } from '../../policy/model.js';
import { acceptRule, flowPrefix, isolationRule, type FlowCatalog, type FlowRule } from './catalog.js';
import { buildNodePolicyView, type PolicyInput } from './model.js';
import {
  DEFAULT_LOG_GROUP,
  SET,
  isolationChain,
  isolationMap,
  policyChain,
  policyTableName,
} from './names.js';
import { SetRegistry } from './peers.js';
import { rule, skeletonChains } from './skeleton.js';

export interface PolicyRender {
  table: Table;
  /** Log prefix -> the policy and rule it stands for. */
  catalog: FlowCatalog;
}

const DIRECTIONS: Direction[] = ['egress', 'ingress'];

export function renderPolicy(input: PolicyInput): PolicyRender {
  const view = buildNodePolicyView(input);
  const group = input.logGroup ?? DEFAULT_LOG_GROUP;
  const catalog: FlowCatalog = {};
  const log = (r: FlowRule): Statement[] => {
    const prefix = flowPrefix(r);
    catalog[prefix] = r;
    return [{ kind: 'counter' }, { kind: 'log', group, prefix }];
  };
  const registry = new SetRegistry(view);
  const chains = skeletonChains(view.podCIDR);
  const maps: NftSet[] = [
    {
      name: SET.localPods,
      type: ['ipv4_addr'],
      comment: 'pods of this node known to the ruleset',
      elements: view.local.map(({ ep }) => ({ key: [ep.ipText], comment: ep.name })),
    },
  ];
  for (const dir of DIRECTIONS) {
    const map: NftSet = {
      name: isolationMap(dir),
      type: ['ipv4_addr'],
      map: 'verdict',
      comment: `pods of this node isolated for ${dir}`,
      elements: [],
    };
    maps.push(map);
    const isolation = new Map<string, Chain>();
    const policyChains = new Map<string, Chain>();
    for (const { ep, selectedBy } of view.local) {
      const policies = selectedBy[dir];
      if (policies.length === 0) continue;
      const names = policies.map((p) => p.name);
      const name = isolationChain(dir, names);
      if (!isolation.has(name)) {
        const rules: Rule[] = [];
        for (const p of policies) {
          if ((dir === 'egress' ? p.egress : p.ingress).length === 0) continue; // deny-all: no rules
          const chain = policyChain(p.name, dir);
          if (!policyChains.has(chain))
            policyChains.set(chain, { name: chain, rules: policyRules(p, dir, registry, log) });
          rules.push(rule(p.name, { verdict: { kind: 'jump', chain } }));
        }
        const r = isolationRule(dir, names);
        rules.push(rule(r.rule, { statements: log(r), verdict: { kind: 'drop' } }));
        isolation.set(name, { name, rules });
      }
      map.elements.push({ key: [ep.ipText], comment: ep.name, verdict: { kind: 'goto', chain: name } });
    }
    chains.push(...sortByName([...policyChains.values()]), ...sortByName([...isolation.values()]));
  }
  return {
    table: {
      family: 'ip',
      name: policyTableName(input.clusterName),
      comment: `podnet NetworkPolicy enforcement of node ${input.nodeName}`,
      chains,
      sets: [...maps, ...registry.sets()],
    },
    catalog,
  };
}

/** A policy's rules for one direction: every (peer, port kind) pair of every rule, accepting. */
function policyRules(
  p: PolicyModel,
  dir: Direction,
  registry: SetRegistry,
  log: (r: FlowRule) => Statement[],
): Rule[] {
  const peerField = dir === 'ingress' ? 'ip saddr' : 'ip daddr';
  const out: Rule[] = [];
  for (const r of dir === 'egress' ? p.egress : p.ingress) {
    const statements = log(acceptRule(dir, p.name, r.path, r.index));
    const peers: Match[][] = r.peers
      ? unique(r.peers.map((peer) => registry.peer(peer))).map((set) => [
          { kind: 'lookup', key: [peerField], set },
        ])
      : [[]];
    for (const peer of peers)
      for (const port of portMatches(r, registry))
        out.push(
          rule(`${p.name} ${r.path}`, {
            matches: [...peer, ...port],
            statements,
            verdict: { kind: 'accept' },
          }),
        );
  }
  return out;
}

/** The port part of a rule: none, the numeric ports' set, and one set per port name. */
function portMatches(r: RuleModel, registry: SetRegistry): Match[][] {
  if (!r.ports) return [[]];
  const out: Match[][] = [];
  const numeric = registry.numericPorts(r.ports);
  if (numeric) out.push([{ kind: 'lookup', key: ['meta l4proto', 'th dport'], set: numeric }]);
  const named = unique(
    r.ports.filter((pm) => typeof pm.port === 'string').map((pm) => `${pm.port}\0${pm.protocol}`),
  );
  for (const key of named) {
    const [name, protocol] = key.split('\0');
    out.push([
      {
        kind: 'lookup',
        key: ['ip daddr', 'meta l4proto', 'th dport'],
        set: registry.namedPort(name, protocol),
      },
    ]);
  }
  return out;
}

const unique = <T>(xs: T[]): T[] => [...new Set(xs)];
const sortByName = (cs: Chain[]) => cs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
