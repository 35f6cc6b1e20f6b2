import { peerIdOf } from '@tezos-p2p/crypto';
import { decode, encode } from '@tezos-p2p/encoding';
import { connectionMessageEncoding, decodeConnectionMessageFrame, encodeConnectionMessageFrame } from '@tezos-p2p/wire';
import type { Endpoint } from '@tezos-p2p/transcript';
import { expectSameBytes } from './bytes.js';
import type { ReplayContext } from './context.js';
import { CheckFailure, type CheckResult, pass, skip } from './result.js';

function sameKey(e: Endpoint | undefined, publicKey: Uint8Array, peerId: string, who: string): void {
  if (e?.publicKey !== undefined) expectSameBytes(publicKey, e.publicKey, `${who} public key`);
  if (e?.peerId !== undefined && e.peerId !== peerId)
    throw new CheckFailure(`${who} peer id ${e.peerId} is not the hash of its public key (${peerId})`);
}

/** Every connection message decodes and re-encodes; the session's endpoints agree with them. */
export function checkConnectionMessages(ctx: ReplayContext): CheckResult {
  const records = ctx.transcript.records.filter((r) => r.layer === 'CONNECTION_MESSAGE');
  if (records.length === 0) return skip('connection-messages', 'no connection message recorded');
  const chains = new Set<string>();
  records.forEach((r, i) => {
    const m = decodeConnectionMessageFrame(r.wire!);
    expectSameBytes(encodeConnectionMessageFrame(m), r.wire!, `connection message ${i} (${r.direction.toLowerCase()})`);
    // The body alone, as Data_encoding sees it, must agree too.
    expectSameBytes(
      encode(connectionMessageEncoding, decode(connectionMessageEncoding, r.wire!.subarray(2))),
      r.wire!.subarray(2),
      `connection message ${i} body`,
    );
    chains.add(m.version.chainName);
    const peerId = peerIdOf(ctx.backend, m.publicKey);
    if (r.direction === 'SENT') sameKey(ctx.session.local, m.publicKey, peerId, 'local');
    if (r.direction === 'RECEIVED') sameKey(ctx.session.remote, m.publicKey, peerId, 'remote');
  });
  if (ctx.session.chainName !== undefined && ctx.connection.SENT !== undefined) {
    const sentChain = decodeConnectionMessageFrame(ctx.connection.SENT).version.chainName;
    if (sentChain !== ctx.session.chainName)
      throw new CheckFailure(`session chain name ${ctx.session.chainName} but local announced ${sentChain}`);
  }
  return pass('connection-messages', records.length, [...chains].join(', '));
}
