import { type Connection, authenticate, createMemorySocketPair } from '@tezos-p2p/connection';
import { identityFromFields } from '@tezos-p2p/crypto';
import { FrameReader, decode } from '@tezos-p2p/encoding';
import {
  type ShellConnectionMetadata,
  ackEncoding,
  decodeConnectionMessageFrame,
  shellConnectionMetadataConfig,
  shellConnectionMetadataEncoding,
} from '@tezos-p2p/wire';
import { readExactly } from './byte-reader.js';
import { expectSameBytes } from './bytes.js';
import { shellP2pMessageEncoding } from './codecs.js';
import type { ReplayContext } from './context.js';
import { CheckFailure, type CheckResult, failureResult, pass, skip } from './result.js';

/** A documentation address (RFC 5737): the replayed peer is not anywhere. */
const REPLAYED_PEER = { ip: '192.0.2.1', port: 9732 };

/**
 * Replays the local side: our `authenticate` and `Connection`, given the recorded identity and
 * message nonce, are fed the peer's recorded bytes over an in-memory pair, and must write exactly
 * what the recorded local side wrote — connection message, Metadata, Ack (the `handshake` check),
 * then every recorded sent message re-encrypted chunk for chunk (the `resend` check).
 */
export async function checkHandshakeAndResend(ctx: ReplayContext): Promise<[CheckResult, CheckResult]> {
  const sk = ctx.session.local?.secretKey;
  const { SENT: sent, RECEIVED: received } = ctx.connection;
  if (sk === undefined || sent === undefined || received === undefined || ctx.incoming === undefined) {
    const why = 'needs the local secret key, both connection messages and the role';
    return [skip('handshake', why), skip('resend', why)];
  }
  const [ours, theirs] = createMemorySocketPair();
  let conn: Connection<unknown, ShellConnectionMetadata> | undefined;
  try {
    const msg = decodeConnectionMessageFrame(sent);
    const identity = identityFromFields(
      { publicKey: msg.publicKey, secretKey: sk, proofOfWorkStamp: msg.proofOfWorkStamp },
      ctx.backend,
    );
    const metaPlain = ctx.plaintext('SENT', 0);
    const localMeta = metaPlain
      ? decode(shellConnectionMetadataEncoding, metaPlain)
      : { disableMempool: false, privateNode: false };
    const authP = authenticate(ours, {
      identity,
      version: msg.version,
      listeningPort: msg.port,
      messageNonce: msg.messageNonce,
      expectedProofOfWork: 0,
      metadata: shellConnectionMetadataConfig(localMeta),
      incoming: ctx.incoming,
      remote: REPLAYED_PEER,
      timeoutMs: 10_000,
      backend: ctx.backend,
    });
    authP.catch(() => undefined);
    expectSameBytes(await readExactly(theirs, sent.length), sent, 'our connection message');
    let steps = 1;
    theirs.write(received);
    const sentMeta = ctx.chunks.SENT.get(0);
    if (sentMeta === undefined)
      return [
        pass('handshake', steps, 'connection message (our Metadata was not recorded)'),
        skip('resend', 'our Metadata was not recorded'),
      ];
    expectSameBytes(await readExactly(theirs, sentMeta.wire!.length), sentMeta.wire!, 'our Metadata chunk');
    steps++;
    const theirMeta = ctx.chunks.RECEIVED.get(0);
    const sentAck = ctx.chunks.SENT.get(1);
    if (theirMeta === undefined || sentAck === undefined) {
      return [
        pass('handshake', steps, 'connection message and Metadata (the rest of the handshake was not recorded)'),
        skip('resend', 'the handshake was not recorded whole'),
      ];
    }
    theirs.write(theirMeta.wire!);
    const authed = await authP;
    const ackPlain = ctx.plaintext('SENT', 1);
    const ack = ackPlain ? decode(ackEncoding, ackPlain) : { kind: 'Ack' as const };
    if (ack.kind !== 'Ack') {
      const refusal = authed.nack(
        ack.kind === 'Nack' ? ack.motive : { kind: 'No_motive' },
        ack.kind === 'Nack' ? ack.potentialPeersToConnect : [],
      );
      expectSameBytes(await readExactly(theirs, sentAck.wire!.length), sentAck.wire!, `our ${ack.kind} chunk`);
      await refusal;
      return [
        pass('handshake', steps + 1, `connection message, Metadata and ${ack.kind}`),
        skip('resend', 'we refused the connection'),
      ];
    }
    const connP = authed.accept({ messageEncoding: shellP2pMessageEncoding });
    connP.catch(() => undefined);
    expectSameBytes(await readExactly(theirs, sentAck.wire!.length), sentAck.wire!, 'our Ack chunk');
    steps++;
    const theirAck = ctx.chunks.RECEIVED.get(1);
    if (theirAck === undefined)
      return [
        pass('handshake', steps, 'connection message, Metadata and Ack'),
        skip('resend', 'the peer’s Ack was not recorded'),
      ];
    theirs.write(theirAck.wire!);
    const theirAckPlain = ctx.plaintext('RECEIVED', 1);
    const theirVerdict = theirAckPlain ? decode(ackEncoding, theirAckPlain) : undefined;
    if (theirVerdict !== undefined && theirVerdict.kind !== 'Ack') {
      // The peer refused: our replay must be refused the same way.
      const e = await connP.then(
        () => undefined,
        (err: unknown) => err as { code?: string },
      );
      if (e?.code !== 'REJECTED_BY_NACK')
        throw new CheckFailure(
          `the peer's ${theirVerdict.kind} should refuse our replay, got ${e?.code ?? 'a connection'}`,
        );
      return [
        pass('handshake', steps, `connection message, Metadata and Ack, refused by the peer's ${theirVerdict.kind}`),
        skip('resend', 'the peer refused the connection'),
      ];
    }
    conn = (await connP) as Connection<unknown, ShellConnectionMetadata>;
    const handshake = pass('handshake', steps, 'connection message, Metadata and Ack');
    return [handshake, await resend(ctx, conn, theirs)];
  } catch (e) {
    return [failureResult('handshake', e), skip('resend', 'the handshake replay failed')];
  } finally {
    conn?.close();
    ours.destroy();
    theirs.destroy();
  }
}

async function resend(
  ctx: ReplayContext,
  conn: Connection<unknown, ShellConnectionMetadata>,
  theirs: Parameters<typeof readExactly>[0],
): Promise<CheckResult> {
  const chunks = ctx.sorted('SENT').filter((r) => r.chunkIndex! >= 2);
  if (chunks.length === 0) return skip('resend', 'no message sent after the handshake');
  const contiguous = chunks.every((r, i) => r.chunkIndex === i + 2 && ctx.plaintexts.has(r));
  if (!contiguous) return skip('resend', 'the sent side is not recorded (or decrypted) contiguously');
  try {
    const reader = new FrameReader();
    const frames: Uint8Array[] = [];
    for (const r of chunks) {
      reader.push(ctx.plaintexts.get(r)!);
      for (let f = reader.next(); f !== undefined; f = reader.next()) frames.push(f);
    }
    if (reader.buffered !== 0)
      throw new CheckFailure(`the recorded sent side ends inside a message (${reader.buffered} bytes)`);
    const expected = Buffer.concat(chunks.map((r) => r.wire!));
    const written = readExactly(theirs, expected.length, 60_000);
    for (const f of frames) await conn.sendEncoded(f);
    expectSameBytes(await written, expected, `our ${chunks.length} chunks after the handshake`);
    return pass(
      'resend',
      chunks.length,
      `${frames.length} messages re-encrypted into the recorded ${chunks.length} chunks`,
    );
  } catch (e) {
    return failureResult('resend', e);
  }
}
