import { describe, expect, it } from 'vitest';
import { answerDatagram, formatPeer } from './netexec.js';

describe('answerDatagram', () => {
  it.each([
    { msg: 'hostname\n', want: 'pod-a' },
    { msg: 'clientip', want: '10.244.0.7:4000' },
    { msg: 'echo hello world\n', want: 'hello world' },
    { msg: 'echo', want: '' },
    { msg: 'bogus', want: undefined },
  ])('$msg', ({ msg, want }) => expect(answerDatagram(msg, 'pod-a', '10.244.0.7:4000')).toBe(want));
});

describe('formatPeer', () => {
  it.each([
    { addr: '::ffff:10.99.0.2', port: 5, want: '10.99.0.2:5' },
    { addr: '10.0.0.1', port: 6, want: '10.0.0.1:6' },
    { addr: 'fd00::1', port: 7, want: '[fd00::1]:7' },
  ])('$addr', ({ addr, port, want }) => expect(formatPeer(addr, port)).toBe(want));
});
