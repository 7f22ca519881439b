// One request in, one reply out: the server's logic, shared by the UDP and TCP edges. Names in
// the served zones are answered by answer() from the current DnsIndex (records.ts: the same code
// as `podnet dns`); other names go to the upstream when one is configured, and otherwise to
// answer() too, which gives SERVFAIL at once (CoreDNS plugin.NextOrFailure with no next plugin).
// The served zones are the index's own list (`index.zones`, matched with names.ts matchZone as
// answer() matches them), so the two cannot disagree on what is in the cluster's zones.
// Replies of answer() are kept in the reply cache (reply-cache.ts) for the index they came from.
// The index changes in place, each change raising its SOA serial; an entry records its scope (the
// namespace whose objects alone decide it, or global: ../answer-scope.ts) and the serial it was
// made at, and is served while no change since could alter it: for a global entry, none at all;
// for a namespace's, none of that namespace (`lastChange`, from index-source.ts). Without
// `lastChange` every entry counts as global: any change of the serial drops them all. A reply kept
// across changes goes out with the current serial in its SOA records, as answer() would give it.
import type { Question } from 'dns-packet';
import { emptyCluster } from '../../api/cluster.js';
import { answerScope } from '../answer-scope.js';
import { fqdn, matchZone, type ZoneMatch } from '../names.js';
import { answer, buildDnsIndex, type DnsIndex, type DnsOptions } from '../records.js';
import {
  encodeRejection,
  encodeReply,
  encodeTruncated,
  MAX_MESSAGE_SIZE,
  parseRequest,
  stampReply,
  udpLimit,
  type Query,
  type ReplyHead,
} from './message.js';
import { ReplyCache } from './reply-cache.js';
import { soaSerialOffsets } from './soa-offsets.js';

export type Proto = 'udp' | 'tcp';
export type Family = 4 | 6;

/** What a forwarded exchange gives back: the upstream's reply (with the client's id) and its rcode. */
export interface Forwarded {
  reply: Buffer;
  rcode: string;
}

/** The upstream resolver (forwarder.ts). Rejects on timeout or network error. */
export interface Upstream {
  readonly address: string;
  /** Sends `query` (whose question is `question`) over `proto`; resolves with the matching reply. */
  exchange(query: Buffer, question: Question, proto: Proto): Promise<Forwarded>;
}

/** One reply written, as the metrics see it (CoreDNS plugin/metrics/vars/report.go). */
export interface Served {
  proto: Proto;
  family: Family;
  /** The question type; 'other' when there is no question. */
  type: string;
  /** The served zone the name fell in, '.' for other names, 'dropped' when rejected unread. */
  zone: string;
  rcode: string;
  /** Who wrote the reply: 'kubernetes' (answer()), 'forward', or '' (the server itself). */
  plugin: '' | 'kubernetes' | 'forward';
  seconds: number;
  cached: boolean;
}

export interface ResponderOptions {
  /** The index's options: they fix the served zones before the first index is built. */
  dns: DnsOptions;
  /** The current index; undefined until the first one is built ("not synced" is not "not found"). */
  index: () => DnsIndex | undefined;
  /**
   * The serial of the last change of the current index that could alter an answer of `namespace`
   * (scope-serials.ts); it must cover every change. Absent: every change drops every reply.
   */
  lastChange?: (namespace: string) => number;
  upstream?: Upstream;
  onServed?: (s: Served) => void;
  /** Entries of the reply cache (reply-cache.ts); 0 disables it. */
  cacheSize?: number;
  /** Monotonic seconds. */
  now?: () => number;
}

interface Stored {
  wire: Buffer;
  head: ReplyHead;
  zone: string;
  plugin: Served['plugin'];
  /** The namespace whose changes alone can alter the reply; undefined: any change can. */
  scope: string | undefined;
  /** The index's serial when the reply was made. */
  serial: number;
  /** Where the reply's SOA serials are, to be brought up to date when it is sent. */
  soaAt: readonly number[];
}

const monotonic = () => performance.now() / 1000;

export class Responder {
  private readonly zones: string[];
  /** answer() for names outside the zones needs no objects: an empty index serves until synced. */
  private readonly empty: DnsIndex;
  private readonly cache: ReplyCache<Stored> | undefined;
  private readonly now: () => number;

  constructor(private readonly opts: ResponderOptions) {
    this.empty = buildDnsIndex(emptyCluster(), opts.dns);
    this.zones = this.empty.zones;
    this.cache = opts.cacheSize === 0 ? undefined : new ReplyCache(opts.cacheSize);
    this.now = opts.now ?? monotonic;
  }

  /** The reply to one message; null: no reply. A promise only when the name is forwarded. */
  handle(msg: Buffer, proto: Proto, family: Family): Buffer | null | Promise<Buffer | null> {
    const start = this.now();
    const req = parseRequest(msg);
    if (req.kind === 'drop') return null;
    const done = (
      reply: Buffer,
      rcode: string,
      zone: string,
      plugin: Served['plugin'],
      type = 'other',
      cached = false,
    ) => {
      this.opts.onServed?.({ proto, family, type, zone, rcode, plugin, seconds: this.now() - start, cached });
      return reply;
    };
    if (req.kind === 'reject') return done(encodeRejection(req), req.rcode, 'dropped', '');

    const type = req.question.type;
    if (req.edns && req.edns.version > 0) {
      // RFC 6891 §6.1.3: an unknown EDNS version gets BADVERS and our version (0).
      return done(encodeReply(req, { rcode: 'BADVERS', authoritative: false }), 'BADVERS', '.', '', type);
    }
    if (req.question.class !== 'IN') {
      return done(encodeReply(req, { rcode: 'REFUSED', authoritative: false }), 'REFUSED', '.', '', type);
    }
    const name = fqdn(req.question.name);
    const key = `${req.edns ? `e${req.edns.do ? 1 : 0}` : '-'} ${type} ${name}`;
    const index = this.opts.index();
    // Only replies made here are stored, never forwarded ones, and the zones are fixed: a stored
    // reply's zone decision stands, so a hit skips matchZone too.
    const hit = index && this.cache?.get(index, key);
    if (index && hit && this.isCurrent(hit, index)) {
      const reply = this.fit(stampReply(hit.wire, req, index.serial, hit.soaAt), req, hit.head, proto);
      return done(reply, hit.head.rcode, hit.zone, hit.plugin, type, true);
    }
    const m = matchZone(name, this.zones);
    if (!m && this.opts.upstream) return this.forward(this.opts.upstream, req, msg, proto, done);
    const from = m ? index : this.empty;
    if (!from) {
      const head = { rcode: 'SERVFAIL', authoritative: false } as const;
      return done(encodeReply(req, head), 'SERVFAIL', m!.zone, '', type);
    }
    const stored = this.store(from, req, name, m, index?.serial ?? from.serial);
    if (index) this.cache?.set(index, key, stored);
    const reply = this.fit(
      stampReply(stored.wire, req, stored.serial, stored.soaAt),
      req,
      stored.head,
      proto,
    );
    return done(reply, stored.head.rcode, stored.zone, stored.plugin, type);
  }

  /** No change since `s` was made can have altered it (see the top of this file). */
  private isCurrent(s: Stored, index: DnsIndex): boolean {
    if (s.scope === undefined || !this.opts.lastChange) return s.serial === index.serial;
    return this.opts.lastChange(s.scope) <= s.serial;
  }

  /** answer() encoded with id 0 and no copied flags, ready to be stamped for each query. */
  private store(from: DnsIndex, q: Query, name: string, m: ZoneMatch | null, serial: number): Stored {
    const r = answer(from, name, q.question.type);
    const head = {
      rcode: r.rcode,
      authoritative: m !== null && (r.rcode === 'NOERROR' || r.rcode === 'NXDOMAIN'),
    };
    const wire = encodeReply({ ...q, id: 0, flags: 0 }, head, r);
    return {
      wire,
      head,
      zone: m?.zone ?? '.',
      plugin: m ? 'kubernetes' : '',
      scope: answerScope(from, m),
      serial,
      soaAt: soaSerialOffsets(wire),
    };
  }

  /** UDP replies beyond the requester's size, and any beyond 64 KiB, go out truncated. */
  private fit(reply: Buffer, q: Query, head: ReplyHead, proto: Proto): Buffer {
    const limit = proto === 'udp' ? udpLimit(q) : MAX_MESSAGE_SIZE;
    return reply.length <= limit ? reply : encodeTruncated(q, head);
  }

  /** The upstream's reply relayed as it is (CoreDNS forward); SERVFAIL when none comes in time. */
  private async forward(
    upstream: Upstream,
    q: Query,
    msg: Buffer,
    proto: Proto,
    done: (reply: Buffer, rcode: string, zone: string, plugin: Served['plugin'], type: string) => Buffer,
  ): Promise<Buffer> {
    const type = q.question.type;
    try {
      const { reply, rcode } = await upstream.exchange(msg, q.question, proto);
      return done(reply, rcode, '.', 'forward', type);
    } catch {
      const head = { rcode: 'SERVFAIL', authoritative: false } as const;
      return done(encodeReply(q, head), 'SERVFAIL', '.', 'forward', type);
    }
  }
}
