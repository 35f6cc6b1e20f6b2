import { encode } from '@tezos-p2p/encoding';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { runDrain } from '../src/node/drain.js';
import { loopbackNode, testHost } from './loopback-nodes.js';
import { encoding, peerOf, waitFor } from './peer-client.js';

describe('without --echo', () => {
  it('application messages are read and dropped as they come, counted: a talkative peer is never held up by the budget', async () => {
    const host = testHost(3);
    const node = await loopbackNode(host);
    const stop = new AbortController();
    const drain = runDrain(node, stop.signal, pino({ enabled: false }));
    const peer = await peerOf(node, host, testHost(50));
    // 64 × 256 KiB = 16 MiB: twice what one connection may hold unread (readQueueSize, 8 MiB).
    const frame = encode(encoding, { kind: 'Message', message: { tag: 0x10, payload: new Uint8Array(256 * 1024) } });
    for (let i = 0; i < 64; i++) await peer.sendEncoded(frame);
    await peer.flush();
    await waitFor(
      () => drain.dropped().messages === 64,
      () => `64 messages dropped, not ${drain.dropped().messages}`,
    );
    expect(drain.dropped()).toEqual({ messages: 64, bytes: 64 * 256 * 1024 });
    expect(node.memory().read.used).toBe(0);
    peer.close();
    stop.abort();
    await node.stop();
    await drain.done;
  });
});
