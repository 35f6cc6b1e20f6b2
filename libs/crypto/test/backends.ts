import { type CryptoBackend, getCryptoBackend, jsBackend } from '../src/index.js';

/** Every crypto test runs on both backends; the native one must load on the CI platform. */
export const backends: [string, CryptoBackend][] = [
  ['native', getCryptoBackend('native')],
  ['js', jsBackend],
];
