// agnhost netexec's `/dial?request=hostname&protocol=http|udp&host=H&port=P&tries=N`: the pod
// itself connects to H:P N times and reports what answered. The e2e connectivity tests
// (test/e2e/network) use it to probe from one pod to another.
import { request } from 'node:http';
import { createSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';

export interface DialResult {
  responses: string[];
  errors: string[];
}

const TIMEOUT_MS = 2000;

function httpOnce(host: string, port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host, port, path: `/${path.replace(/^\//, '')}`, timeout: TIMEOUT_MS, agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => (body += d));
        res.on('end', () => resolve(body));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout after ${TIMEOUT_MS}ms`)));
    req.on('error', reject);
    req.end();
  });
}

function udpOnce(host: string, port: number, msg: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
    const done = (err: Error | null, text?: string) => {
      clearTimeout(timer);
      sock.close();
      if (err) reject(err);
      else resolve(text ?? '');
    };
    const timer = setTimeout(() => done(new Error(`no UDP reply within ${TIMEOUT_MS}ms`)), TIMEOUT_MS);
    sock.on('message', (m) => done(null, m.toString('utf8')));
    sock.on('error', (e) => done(e));
    sock.send(msg, port, host);
  });
}

export async function dial(q: URLSearchParams): Promise<DialResult> {
  const host = q.get('host') ?? '';
  const port = Number(q.get('port'));
  const what = q.get('request') ?? 'hostname';
  const protocol = (q.get('protocol') ?? 'http').toLowerCase();
  const tries = Math.min(Math.max(Number(q.get('tries') ?? '1') || 1, 1), 100);
  const out: DialResult = { responses: [], errors: [] };
  if (!host || !Number.isInteger(port) || port < 1 || port > 65535) {
    out.errors.push('dial: want host and port');
    return out;
  }
  for (let i = 0; i < tries; i++) {
    try {
      const body = protocol === 'udp' ? await udpOnce(host, port, what) : await httpOnce(host, port, what);
      out.responses.push(body);
    } catch (e) {
      out.errors.push(`${protocol} ${host}:${port}: ${(e as Error).message}`);
    }
  }
  return out;
}
