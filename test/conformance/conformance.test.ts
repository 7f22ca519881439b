// The project's conformance suite: every case folder under test/conformance/<area>, run through
// bin/podnet (built by `npm run build`) and compared as ../shared/conformance's READMEs specify.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { caseDirs, runDnsCase, runHttpCase, runNetpolCase, type CaseResult } from './cases.js';

const here = import.meta.dirname;

function check(result: CaseResult) {
  expect(result.checks, 'a case must check something').toBeGreaterThan(0);
  expect(result.failures).toEqual([]);
}

describe('netpol', () => {
  const suite = join(here, 'netpol');
  it.each(caseDirs(suite))('%s', (name) => check(runNetpolCase(suite, name)));
});

describe('dns', () => {
  const suite = join(here, 'dns');
  it.each(caseDirs(suite))('%s', (name) => check(runDnsCase(suite, name)));
});

describe('ingress', () => {
  const suite = join(here, 'ingress');
  it.each(caseDirs(suite))('%s', (name) => check(runHttpCase(suite, name, 'ingress')));
});

describe('gateway', () => {
  const suite = join(here, 'gateway');
  it.each(caseDirs(suite))('%s', (name) => check(runHttpCase(suite, name, 'gateway')));
});
