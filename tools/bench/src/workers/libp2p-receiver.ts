/**
 * js-libp2p benchmark peer in its own thread, the counterpart of receiver.ts: accepts connections and
 * drains `BENCH_PROTOCOL` streams of length-prefixed messages, reporting what it received. An empty
 * message marks the end of a timed run.
 */
import { parentPort } from 'node:worker_threads';
import { BENCH_PROTOCOL, loadLibp2p } from './libp2p-env.js';

export type Libp2pReceiverEvent =
  { type: 'listening'; multiaddr: string } | { type: 'done'; bytes: number; messages: number; at: number };

const port = parentPort!;
const { createNode, lp } = await loadLibp2p();
const node = await createNode(true);
await node.handle(
  BENCH_PROTOCOL,
  ({ stream }) => {
    void (async () => {
      let bytes = 0;
      let messages = 0;
      try {
        for await (const m of lp.decode(stream.source, { maxDataLength: 8 << 20 })) {
          if (m.byteLength === 0) {
            port.postMessage({
              type: 'done',
              bytes,
              messages,
              at: performance.timeOrigin + performance.now(),
            } satisfies Libp2pReceiverEvent);
            bytes = 0;
            messages = 0;
            continue;
          }
          bytes += m.byteLength;
          messages++;
        }
      } catch {
        // the sender aborts its connection when the suite ends
      }
    })();
  },
  { maxInboundStreams: 64 },
);
port.postMessage({ type: 'listening', multiaddr: node.getMultiaddrs()[0]!.toString() } satisfies Libp2pReceiverEvent);
port.on('message', (m: string) => {
  if (m === 'stop') void Promise.resolve(node.stop()).finally(() => process.exit(0));
});
