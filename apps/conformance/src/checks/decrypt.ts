import { ChunkCipher } from '@tezos-p2p/connection';
import { incrementNonce } from '@tezos-p2p/crypto';
import { expectSameBytes } from './bytes.js';
import type { ReplayContext, Side } from './context.js';
import { CheckFailure, type CheckResult, pass, skip } from './result.js';

/**
 * Every chunk opens with the channel key at the nonce of its position (initial + index, the rule of
 * `P2p_socket`), and to the recorded plaintext when there is one. Decrypted plaintexts are kept for
 * the message checks.
 */
export function checkDecrypt(ctx: ReplayContext): CheckResult {
  const keys = ctx.session.keys;
  if (keys?.channelKey === undefined) return skip('decrypt', 'no channel key recorded');
  let opened = 0;
  let compared = 0;
  for (const [side, initial] of [
    ['SENT', keys.localNonce],
    ['RECEIVED', keys.remoteNonce],
  ] as [Side, Uint8Array][]) {
    for (const r of ctx.sorted(side)) {
      const where = `${side.toLowerCase()} chunk ${r.chunkIndex!}`;
      const nonce = incrementNonce(initial, r.chunkIndex!);
      if (r.nonce !== undefined) expectSameBytes(r.nonce, nonce, `${where} nonce`);
      const length = (r.wire![0]! << 8) | r.wire![1]!;
      if (length !== r.wire!.length - 2)
        throw new CheckFailure(`${where}: length prefix ${length}, ${r.wire!.length - 2} bytes follow`, where, 0);
      let plain: Uint8Array;
      try {
        plain = new ChunkCipher(ctx.backend, keys.channelKey, nonce).open(r.wire!.subarray(2));
      } catch (e) {
        throw new CheckFailure(`${where} does not open at its nonce: ${(e as Error).message}`, where);
      }
      opened++;
      if (r.plaintext !== undefined) {
        expectSameBytes(plain, r.plaintext, `${where} plaintext`);
        compared++;
      }
      ctx.plaintexts.set(r, plain);
    }
  }
  if (opened === 0) return skip('decrypt', 'no chunk recorded');
  return pass('decrypt', opened, `${opened} chunks opened, ${compared} equal to the recorded plaintext`);
}
