import { type Connection, type IoScheduler, createMemorySocketPair, establish } from '@tezos-p2p/connection';
import { generateIdentity } from '@tezos-p2p/crypto';
import {
  type RawAppMessage,
  type ShellConnectionMetadata,
  p2pMessageEncoding,
  rawAppMessages,
  shellConnectionMetadataConfig,
} from '@tezos-p2p/wire';
import type { Answerer } from '../src/index.js';

type Conn = Connection<RawAppMessage, ShellConnectionMetadata>;

const enc = p2pMessageEncoding<RawAppMessage>({ opaque: rawAppMessages });

/** Two handshaken connections over an in-memory pair: [local, remote]; the local side uses `scheduler` (and so its memory budgets) when given. */
export async function connectionPair(scheduler?: IoScheduler): Promise<[Conn, Conn]> {
  const [x, y] = createMemorySocketPair();
  const [a, b] = await Promise.all([
    generateIdentity({ difficulty: 0, workers: 0 }),
    generateIdentity({ difficulty: 0, workers: 0 }),
  ]);
  const opts = (identity: typeof a, incoming: boolean) => ({
    identity,
    incoming,
    version: { chainName: 'T', distributedDbVersion: 2, p2pVersion: 1 },
    metadata: shellConnectionMetadataConfig(),
    expectedProofOfWork: 0,
    messageEncoding: enc,
  });
  return Promise.all([
    establish(x, { ...opts(a, false), ...(scheduler ? { scheduler } : {}) }),
    establish(y, opts(b, true)),
  ]);
}

/** An answerer that does nothing with what the peer sends. */
export const silentAnswerer: Answerer<RawAppMessage, ShellConnectionMetadata> = {
  bootstrap: async () => undefined,
  advertise: async () => undefined,
  swapRequest: async () => undefined,
  swapAck: async () => undefined,
};
