import { type Connection, type IoScheduler, createMemorySocketPair, establish } from '@tezos-p2p/connection';
import { generateIdentity } from '@tezos-p2p/crypto';
import { FakeClock } from '@tezos-p2p/events';
import {
  type RawAppMessage,
  type ShellConnectionMetadata,
  p2pMessageEncoding,
  rawAppMessages,
  shellConnectionMetadataConfig,
} from '@tezos-p2p/wire';
import { type Answerer, P2pConn } from '../src/index.js';

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

/** A started P2pConn over `connection` with a silent answerer, a queue of 10 and a clock that never moves, unless overridden. */
export function startConn(
  connection: ConstructorParameters<typeof P2pConn<RawAppMessage, ShellConnectionMetadata>>[0]['connection'],
  overrides: Partial<
    Omit<ConstructorParameters<typeof P2pConn<RawAppMessage, ShellConnectionMetadata>>[0], 'connection'>
  > = {},
): P2pConn<RawAppMessage, ShellConnectionMetadata> {
  const conn = new P2pConn<RawAppMessage, ShellConnectionMetadata>({
    connection,
    idPoint: { ip: '127.0.0.1', port: 1 },
    trustedNode: false,
    answerer: silentAnswerer,
    disablePeerDiscovery: false,
    appQueueSize: 10,
    clock: new FakeClock(),
    greylist: () => undefined,
    onClosed: () => undefined,
    ...overrides,
  });
  conn.start();
  return conn;
}
