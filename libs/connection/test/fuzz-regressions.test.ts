import { concatBytes, encode, fromHex } from '@tezos-p2p/encoding';
import { type Identity, generateNonces, getCryptoBackend } from '@tezos-p2p/crypto';
import { ackEncoding, encodeConnectionMessageFrame, shellConnectionMetadataEncoding } from '@tezos-p2p/wire';
import { beforeAll, describe, expect, it } from 'vitest';
import { ChunkCipher, authenticate, createMemorySocketPair } from '../src/index.js';
import { CHAIN, makeIdentity, options, rawEncoding, readBytes } from './helpers.js';

/** Bugs found by tools/fuzz (connection.handshake target), kept as plain regression tests. */

let alice: Identity;
let bob: Identity;
beforeAll(async () => {
  alice = await makeIdentity();
  bob = await makeIdentity();
});

describe('fuzz regressions', () => {
  it('bad bytes right after the Ack close the connection without leaving listeners on the socket', async () => {
    const backend = getCryptoBackend();
    const [ours, theirs] = createMemorySocketPair();
    const p = authenticate(ours, options(alice, true));
    // Bob, by hand: his connection message, then metadata, Ack and a message with a negative size,
    // all in one write so that the handshake reads the bad message along with the Ack.
    const bobFrame = encodeConnectionMessageFrame({
      port: 1,
      publicKey: bob.publicKey,
      proofOfWorkStamp: bob.proofOfWorkStamp,
      messageNonce: new Uint8Array(24).fill(7),
      version: { chainName: CHAIN, distributedDbVersion: 2, p2pVersion: 1 },
    });
    theirs.write(bobFrame);
    const header = await readBytes(theirs, 2);
    const aliceFrame = concatBytes([header, await readBytes(theirs, (header[0]! << 8) | header[1]!)]);
    const key = backend.precompute(bob.secretKey.expose(), alice.publicKey);
    const nonces = generateNonces(backend, { incoming: false, sentMessage: bobFrame, receivedMessage: aliceFrame });
    const cipher = new ChunkCipher(backend, key, nonces.local);
    theirs.write(
      concatBytes([
        cipher.seal(encode(shellConnectionMetadataEncoding, { disableMempool: false, privateNode: false })).buffer,
        cipher.seal(encode(ackEncoding, { kind: 'Ack' })).buffer,
        cipher.seal(fromHex('ffffffff')).buffer,
      ]),
    );
    const conn = await (await p).accept({ messageEncoding: rawEncoding });
    // The leftover bytes failed to decode while the connection was being built: it is closed already…
    await expect(conn.recv()).rejects.toMatchObject({ code: 'DECODING_ERROR' });
    // …and closing it removed every listener it had put on the socket (they used to be added after).
    expect(ours.destroyed).toBe(true);
    for (const ev of ['data', 'end', 'close', 'drain']) expect(ours.listenerCount(ev), ev).toBe(0);
  });
});
