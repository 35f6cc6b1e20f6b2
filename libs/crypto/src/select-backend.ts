import { type BackendName, type CryptoBackend, requestedBackend } from './backend.js';
import { jsBackend } from './backend-js.js';
import { createNativeBackend, loadSodium } from './backend-native.js';

let native: CryptoBackend | undefined;

export function nativeBackendAvailable(): boolean {
  return loadSodium() !== undefined;
}

/**
 * The backend to use: the one asked for (argument, else `TEZOS_P2P_CRYPTO`), otherwise native
 * libsodium when it loads and pure JS when it does not. Asking for `native` where it cannot load
 * throws `BACKEND_UNAVAILABLE` rather than silently running slower.
 */
export function getCryptoBackend(prefer?: BackendName): CryptoBackend {
  const want = requestedBackend(prefer);
  if (want === 'js') return jsBackend;
  if (want === 'native' || nativeBackendAvailable()) return (native ??= createNativeBackend());
  return jsBackend;
}
