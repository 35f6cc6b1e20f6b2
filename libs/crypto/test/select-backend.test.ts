import { afterEach, describe, expect, it } from 'vitest';
import { CryptoError, getCryptoBackend } from '../src/index.js';
import { CRYPTO_BACKEND_ENV } from '../src/backend.js';
import { nativeBackendAvailable } from '../src/select-backend.js';

describe('backend selection', () => {
  const saved = process.env[CRYPTO_BACKEND_ENV];
  afterEach(() => {
    if (saved === undefined) delete process.env[CRYPTO_BACKEND_ENV];
    else process.env[CRYPTO_BACKEND_ENV] = saved;
  });

  it('prefers native libsodium when it loads', () => {
    delete process.env[CRYPTO_BACKEND_ENV];
    expect(nativeBackendAvailable()).toBe(true);
    expect(getCryptoBackend().name).toBe('native');
  });

  it('an explicit choice wins, then the environment variable', () => {
    process.env[CRYPTO_BACKEND_ENV] = 'js';
    expect(getCryptoBackend().name).toBe('js');
    expect(getCryptoBackend('native').name).toBe('native');
    process.env[CRYPTO_BACKEND_ENV] = 'auto';
    expect(getCryptoBackend().name).toBe('native');
  });

  it('an unknown value is a typed error, not a silent fallback', () => {
    process.env[CRYPTO_BACKEND_ENV] = 'openssl';
    expect(() => getCryptoBackend()).toThrow(CryptoError);
  });
});
