export * from './records.js';
export * from './resolver.js';
export { ipToReverse, reverseToIP } from './names.js';
