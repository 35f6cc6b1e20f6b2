/**
 * @packageDocumentation
 * The cryptography of the Octez P2P layer on two interchangeable backends (native libsodium and pure
 * JavaScript): crypto_box with precomputed keys, Blake2b, big-endian nonces and their derivation,
 * proof of work (multi-core, cancellable, reproducible) and identities.
 */
export { type CryptoBackend, type BackendName } from './backend.js';
export { getCryptoBackend } from './select-backend.js';
export { jsBackend } from './backend-js.js';
export { CryptoError, type CryptoErrorCode, IdentityError, type IdentityErrorCode } from './errors.js';
export { SecretKey } from './secret-key.js';
export {
  NONCE_SIZE,
  incrementNonce,
  incrementNonceInPlace,
  generateNonces,
  type NonceInputs,
  type ChannelNonces,
} from './nonce.js';
export { DEFAULT_POW_DIFFICULTY, makePowTarget, checkProofOfWork, proofOfWorkLevel, expectedAttempts } from './pow.js';
export { searchProofOfWork, type PowSearchOptions, type PowProgress, type PowResult } from './pow-search.js';
export {
  Identity,
  identityFromFields,
  checkIdentity,
  identityPowLevel,
  generateIdentity,
  identityFileJson,
  parseIdentityFile,
  loadIdentity,
  saveIdentity,
  peerIdOf,
  type GenerateIdentityOptions,
} from './identity.js';
