// The parts of a resolv.conf (resolv.conf(5)) that decide which names a lookup tries. Pure.
import type { ResolvConf } from '../dns/resolver.js';

/** `nameserver`, `search` (or `domain`, which it replaces) and `options ndots:N`; the last wins, as in glibc. */
export function parseResolvConf(text: string): ResolvConf {
  const conf: ResolvConf = { nameservers: [], search: [], ndots: 1 };
  for (const raw of text.split('\n')) {
    const [key, ...values] = raw
      .replace(/[#;].*$/, '')
      .trim()
      .split(/\s+/);
    if (key === 'nameserver' && values[0]) conf.nameservers.push(values[0]);
    else if (key === 'search' || key === 'domain') conf.search = values.filter(Boolean);
    else if (key === 'options')
      for (const v of values) {
        const m = /^ndots:(\d+)$/.exec(v);
        if (m) conf.ndots = Math.min(Number(m[1]), 15);
      }
  }
  return conf;
}
