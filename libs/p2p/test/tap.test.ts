import { ChunkCipher } from '@tezos-p2p/connection';
import { getCryptoBackend, incrementNonce } from '@tezos-p2p/crypto';
import { decode, toHex } from '@tezos-p2p/encoding';
import { type Point, ackEncoding, p2pMessageEncoding, rawAppMessages } from '@tezos-p2p/wire';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionTap } from '../src/index.js';
import { type Node, pointOf, startNode, stopAll } from './harness.js';

const running: Node[] = [];
afterEach(async () => {
  await stopAll(running.splice(0));
});

interface Chunk {
  index: number;
  nonce: string;
  wire: Uint8Array;
  plaintext: Uint8Array | undefined;
}
interface Session {
  ctx: { incoming: boolean; point: Point };
  messages?: { incoming: boolean; sent: string; received: string };
  keys?: { channelKey: Uint8Array; localNonce: Uint8Array; remoteNonce: Uint8Array };
  sent: Chunk[];
  received: Chunk[];
  ends: { reason: string; code?: string }[];
  ended: Promise<void>;
}

/** A `sessionTap` factory recording every session it is asked for. */
function recorder(): { sessions: Session[]; factory: (ctx: { incoming: boolean; point: Point }) => SessionTap } {
  const sessions: Session[] = [];
  return {
    sessions,
    factory: (ctx) => {
      let resolve!: () => void;
      const s: Session = { ctx, sent: [], received: [], ends: [], ended: new Promise<void>((r) => (resolve = r)) };
      sessions.push(s);
      return {
        connectionMessages: (m) =>
          (s.messages = { incoming: m.incoming, sent: toHex(m.sent), received: toHex(m.received) }),
        keys: (k) =>
          (s.keys = {
            channelKey: Uint8Array.from(k.channelKey),
            localNonce: Uint8Array.from(k.localNonce),
            remoteNonce: Uint8Array.from(k.remoteNonce),
          }),
        chunk: (c) => {
          (c.direction === 'sent' ? s.sent : s.received).push({
            index: c.index,
            nonce: toHex(c.nonce),
            wire: Uint8Array.from(c.wire),
            plaintext: c.plaintext && Uint8Array.from(c.plaintext),
          });
        },
        end: (e) => {
          s.ends.push({ ...e });
          resolve();
        },
      };
    },
  };
}

const encoding = p2pMessageEncoding({ opaque: rawAppMessages });

/** A complete session: keys, chunks indexed from 0 per direction, each opening with its keys; returns the app messages read. */
function checkComplete(s: Session): { sent: string[]; received: string[] } {
  expect(s.messages).toBeDefined();
  expect(s.messages!.incoming).toBe(s.ctx.incoming);
  const keys = s.keys!;
  const texts = { sent: [] as string[], received: [] as string[] };
  for (const dir of ['sent', 'received'] as const) {
    const initial = dir === 'sent' ? keys.localNonce : keys.remoteNonce;
    s[dir].forEach((c, i) => {
      expect(c.index).toBe(i);
      expect(c.nonce).toBe(toHex(incrementNonce(initial, i)));
      const plain = new ChunkCipher(getCryptoBackend(), keys.channelKey, incrementNonce(initial, i)).open(
        c.wire.subarray(2),
      );
      expect(toHex(plain)).toBe(toHex(c.plaintext!));
      if (i === 1) expect(decode(ackEncoding, plain)).toEqual({ kind: 'Ack' });
      if (i >= 2) {
        const m = decode(encoding, plain);
        if (m.kind === 'Message') texts[dir].push(new TextDecoder().decode(m.message.payload));
      }
    });
  }
  expect(s.ends).toHaveLength(1);
  return texts;
}

describe('sessionTap on two nodes', () => {
  it('each side sees a complete session whose chunks decrypt with its keys', async () => {
    const ra = recorder();
    const rb = recorder();
    const a = await startNode({ config: { sessionTap: ra.factory } });
    const b = await startNode({ config: { sessionTap: rb.factory } });
    running.push(a, b);
    const ab = await a.connect(pointOf(b));
    await a.send(ab, { tag: 0x10, payload: new TextEncoder().encode('hello') });
    const got = await b.recvAny();
    expect(new TextDecoder().decode(got.msg.payload)).toBe('hello');
    await b.send(got.conn, { tag: 0x11, payload: new TextEncoder().encode('world') });
    expect(new TextDecoder().decode((await a.recvAny()).msg.payload)).toBe('world');
    await a.disconnect(ab, { wait: true });
    expect(ra.sessions).toHaveLength(1);
    expect(rb.sessions).toHaveLength(1);
    const [sa, sb] = [ra.sessions[0]!, rb.sessions[0]!];
    await Promise.all([sa.ended, sb.ended]);

    expect(sa.ctx).toEqual({ incoming: false, point: pointOf(b) });
    expect(sb.ctx.incoming).toBe(true);
    expect(sb.ctx.point.ip).toBe(pointOf(a).ip);
    expect(sa.messages!.sent).toBe(sb.messages!.received);
    expect(sa.messages!.received).toBe(sb.messages!.sent);
    const ta = checkComplete(sa);
    const tb = checkComplete(sb);
    expect(ta).toEqual({ sent: ['hello'], received: ['world'] });
    expect(tb).toEqual({ sent: ['world'], received: ['hello'] });
    expect(sa.sent.map((c) => toHex(c.wire))).toEqual(sb.received.map((c) => toHex(c.wire)));
    expect(sb.sent.map((c) => toHex(c.wire))).toEqual(sa.received.map((c) => toHex(c.wire)));
    expect(sa.ends[0]!.code).toBeUndefined();
    expect(sb.ends[0]!.code).toBe('CONNECTION_CLOSED');
  });

  it('a refused handshake is a session too: the tap ends once, and a throwing factory means no tap', async () => {
    const ra = recorder();
    let calls = 0;
    const a = await startNode({ config: { sessionTap: ra.factory } });
    const b = await startNode({
      chainName: 'ANOTHER_CHAIN',
      config: {
        sessionTap: () => {
          calls++;
          throw new Error('no tap today');
        },
      },
    });
    running.push(a, b);
    await expect(a.connect(pointOf(b))).rejects.toMatchObject({ code: 'REJECTED_NO_COMMON_PROTOCOL' });
    expect(calls).toBe(1);
    const s = ra.sessions[0]!;
    await s.ended;
    expect(s.ends).toEqual([{ reason: expect.stringMatching(/^Nack sent: /) as string }]);
    expect(s.sent).toHaveLength(2); // Metadata, Nack
  });
});
