export * from './ip.js';
export * from './cidr.js';
