import { describe, expect, it } from 'vitest';
import { NAME_MAX } from './ir.js';
import { hashedName } from './names.js';

describe('hashedName', () => {
  it('puts an 8-character base32 hash of the base in front of it', () => {
    const n = hashedName('service', 'ns1/svc1/tcp/p80');
    expect(n).toMatch(/^service-[A-Z2-7]{8}-ns1\/svc1\/tcp\/p80$/);
    expect(hashedName('service', 'ns1/svc1/tcp/p80')).toBe(n);
    expect(hashedName('endpoint', 'ns1/svc1/tcp/p80').slice(9, 17)).toBe(n.slice(8, 16));
  });

  it('tells apart bases that differ in one character', () => {
    const a = hashedName('endpoint', 'ns/svc/tcp/http__10.244.0.1/80');
    const b = hashedName('endpoint', 'ns/svc/tcp/http__10.244.0.2/80');
    expect(a.slice(0, 18)).not.toBe(b.slice(0, 18));
  });

  it('cuts long names to the nft limit, keeping them unique', () => {
    const long = (x: string) =>
      hashedName('affinity', `${'n'.repeat(90)}/${'s'.repeat(90)}/tcp/${'p'.repeat(90)}__${x}/80`);
    expect(long('10.0.0.1').length).toBeLessThanOrEqual(NAME_MAX);
    expect(long('10.0.0.1').endsWith('...')).toBe(true);
    expect(long('10.0.0.1')).not.toBe(long('10.0.0.2'));
  });

  it('refuses prefixes that could break the limit or the first character', () => {
    expect(() => hashedName('a-very-long-prefix', 'x')).toThrow();
    expect(() => hashedName('9x', 'x')).toThrow();
  });
});
