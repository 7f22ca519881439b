// The prober's sockets (edge: node:net, node:dgram, node:dns). Runs inside the source pod's
// network namespace as the pod's user, so a connection leaves from the pod's address through
// the pod's own routes and its node's rules, as the pod's own traffic would.
//   TCP: connect; once connected, `GET /hostname` over HTTP/1.0 names the pod that answered
//        (netexec and the HTTP images do; any other server still counts as connected).
//   UDP: a connected socket sends `hostname` (netexec answers with the pod name) and waits for
//        a reply; no reply within the timeout: sent once more, as UDP may lose a datagram. An
//        ICMP port unreachable arrives as ECONNREFUSED on a connected socket.
import { connect } from 'node:net';
import { createSocket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import { readFileSync } from 'node:fs';
import { parseResolvConf } from './resolv-conf.js';
import type { Dialer } from './schedule.js';
import type { AttemptResult } from './protocol.js';

/**
 * A DNS query for `. NS` with ID 0, also sent to UDP port 53: a DNS server ignores `hostname`
 * (shorter than a DNS header) but answers this, and netexec ignores it (not a command).
 */
const DNS_QUERY = Buffer.from([0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 1]);
const HOSTNAME = Buffer.from('hostname');

/** A pod name as a server would send it; anything else (binary DNS, HTML) names nobody. */
const POD_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

function failure(e: NodeJS.ErrnoException): AttemptResult {
  const code = e.code ?? e.message;
  if (code === 'ECONNREFUSED') return { ok: false, error: 'refused' };
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return { ok: false, error: 'unreachable' };
  return { ok: false, error: code };
}

function tcpAttempt(address: string, port: number, timeoutMs: number): Promise<AttemptResult> {
  return new Promise((resolve) => {
    const sock = connect({ host: address, port });
    let connected = false;
    let reply = '';
    let done = false;
    const finish = (r: AttemptResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(r);
    };
    const answered = (): AttemptResult => {
      const m = /^HTTP\/1\.[01] 200 [^]*?\r\n\r\n([^]*)$/.exec(reply);
      const body = m?.[1].trim() ?? '';
      return POD_NAME.test(body) ? { ok: true, answeredBy: body } : { ok: true };
    };
    let timer = setTimeout(() => finish({ ok: false, error: 'timeout' }), timeoutMs);
    sock.on('connect', () => {
      connected = true;
      // The answer gets a fresh timeout of its own: the connection already counts.
      clearTimeout(timer);
      timer = setTimeout(() => finish(answered()), timeoutMs);
      sock.end('GET /hostname HTTP/1.0\r\nHost: probe\r\n\r\n');
    });
    sock.setEncoding('utf8').on('data', (d: string) => {
      if (reply.length < 4096) reply += d;
    });
    sock.on('end', () => finish(answered()));
    sock.on('error', (e: NodeJS.ErrnoException) => finish(connected ? answered() : failure(e)));
  });
}

function udpAttempt(address: string, port: number, timeoutMs: number): Promise<AttemptResult> {
  return new Promise((resolve) => {
    const sock = createSocket(address.includes(':') ? 'udp6' : 'udp4');
    let sends = 0;
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const finish = (r: AttemptResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      try {
        sock.close();
      } catch {
        // already closed by the error that ended the attempt
      }
      resolve(r);
    };
    const send = () => {
      sends++;
      // An ICMP error for one datagram can surface as the error of the next send: a send
      // without a callback would drop it silently.
      const failed = (e: Error | null) => e && finish(failure(e as NodeJS.ErrnoException));
      sock.send(HOSTNAME, failed);
      if (port === 53) sock.send(DNS_QUERY, failed);
      timer = setTimeout(() => (sends < 2 ? send() : finish({ ok: false, error: 'timeout' })), timeoutMs);
    };
    sock.on('message', (msg) => {
      const text = msg.toString('utf8').trim();
      finish(POD_NAME.test(text) ? { ok: true, answeredBy: text } : { ok: true });
    });
    sock.on('error', (e: NodeJS.ErrnoException) => finish(failure(e)));
    sock.connect(port, address, send);
  });
}

/**
 * A name resolved as the pod's stub resolver does: the pod's /etc/resolv.conf (`ip netns exec`
 * mounts /etc/netns/<pod-netns>/resolv.conf there), its nameservers, search list and ndots, in
 * glibc's order (../dns/resolver.ts candidateNames). Not getaddrinfo: a lookup there cannot be
 * cancelled, and against a server that does not answer it holds the process for 5 s per query
 * and name tried, even past exit; here each query takes at most two tries of `timeoutMs`.
 */
async function resolveName(name: string, timeoutMs: number): Promise<string> {
  const { candidateNames } = await import('../dns/resolver.js');
  const conf = parseResolvConf(readFileSync('/etc/resolv.conf', 'utf8'));
  const resolver = new Resolver({ timeout: timeoutMs, tries: 2 });
  if (conf.nameservers.length) resolver.setServers(conf.nameservers);
  for (const candidate of candidateNames(name, conf)) {
    try {
      return (await resolver.resolve4(candidate))[0];
    } catch (e) {
      // NXDOMAIN, NODATA and SERVFAIL move on along the search list, as in glibc.
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOTFOUND' && code !== 'ENODATA' && code !== 'ESERVFAIL') throw e;
    }
  }
  throw Object.assign(new Error(`${name}: not found`), { code: 'NXDOMAIN' });
}

export const socketDialer: Dialer = {
  attempt: (address, port, protocol, timeoutMs) =>
    protocol === 'TCP' ? tcpAttempt(address, port, timeoutMs) : udpAttempt(address, port, timeoutMs),
  resolve: resolveName,
};
