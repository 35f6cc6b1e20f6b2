import { generateNonces } from '@tezos-p2p/crypto';
import { decodeConnectionMessageFrame } from '@tezos-p2p/wire';
import { expectSameBytes } from './bytes.js';
import type { ReplayContext } from './context.js';
import { type CheckResult, pass, skip } from './result.js';

/** Nonces from the two connection messages and the role; the channel key from the local secret key. */
export function checkKeys(ctx: ReplayContext): CheckResult {
  const keys = ctx.session.keys;
  const { SENT: sent, RECEIVED: received } = ctx.connection;
  if (keys === undefined) return skip('keys', 'no session keys recorded');
  if (sent === undefined || received === undefined || ctx.incoming === undefined)
    return skip('keys', 'needs both connection messages and the local role');
  let checked = 0;
  const nonces = generateNonces(ctx.backend, { incoming: ctx.incoming, sentMessage: sent, receivedMessage: received });
  expectSameBytes(nonces.local, keys.localNonce, 'local nonce');
  expectSameBytes(nonces.remote, keys.remoteNonce, 'remote nonce');
  checked += 2;
  const sk = ctx.session.local?.secretKey;
  if (sk !== undefined && keys.channelKey !== undefined) {
    expectSameBytes(
      ctx.backend.publicKey(sk),
      decodeConnectionMessageFrame(sent).publicKey,
      'public key derived from the local secret key',
    );
    expectSameBytes(
      ctx.backend.precompute(sk, decodeConnectionMessageFrame(received).publicKey),
      keys.channelKey,
      'channel key',
    );
    checked += 2;
  }
  return pass(
    'keys',
    checked,
    checked === 2 ? 'nonces (no secret key: channel key not re-derived)' : 'nonces and channel key',
  );
}
