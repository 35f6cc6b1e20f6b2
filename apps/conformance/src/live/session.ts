import type { Socket } from 'node:net';
import { type Connection, type ConnectionError, authenticate, establish } from '@tezos-p2p/connection';
import type { Identity } from '@tezos-p2p/crypto';
import { MemoryTranscriptSink, type Transcript, transcriptRecorder } from '@tezos-p2p/transcript';
import {
  type NetworkVersion,
  type RawAppMessage,
  type ShellConnectionMetadata,
  p2pMessageEncoding,
  rawAppMessages,
  shellConnectionMetadataConfig,
} from '@tezos-p2p/wire';

/** Live sessions carry application messages opaquely: whatever the target sends must not break them; the replay decodes it. */
export const rawP2pEncoding = p2pMessageEncoding<RawAppMessage>({ opaque: rawAppMessages });

export interface LiveSession {
  readonly sink: MemoryTranscriptSink;
  readonly result:
    | { readonly ok: true; readonly conn: Connection<RawAppMessage, ShellConnectionMetadata> }
    | { readonly ok: false; readonly error: ConnectionError };
}

export interface SessionOptions {
  readonly name: string;
  readonly description: string;
  readonly identity: Identity;
  readonly version: NetworkVersion;
  readonly listeningPort: number | undefined;
  readonly incoming: boolean;
  readonly expectedProofOfWork: number;
  readonly timeoutMs: number;
  readonly target: string;
  /**
   * False: Ack whatever the target announces, so that its own verdict (Ack or Nack) is what we see —
   * the refused-handshake case announces a chain the target does not know.
   */
  readonly checkVersion?: boolean;
}

/**
 * One handshake with the target, recorded: our identity is throwaway, so its secret key goes into the
 * transcript and the replay can check our own side byte for byte too.
 */
export async function recordedSession(socket: Socket, o: SessionOptions): Promise<LiveSession> {
  const sink = new MemoryTranscriptSink({
    name: o.name,
    description: o.description,
    provenance: {
      origin: 'RECORDED',
      source: `tzp2p-conformance live --target ${o.target}`,
      recordedAt: new Date().toISOString(),
    },
    remote: { address: o.target },
  });
  const options = {
    identity: o.identity,
    version: o.version,
    listeningPort: o.listeningPort,
    expectedProofOfWork: o.expectedProofOfWork,
    metadata: shellConnectionMetadataConfig(),
    incoming: o.incoming,
    timeoutMs: o.timeoutMs,
    messageEncoding: rawP2pEncoding,
    tap: transcriptRecorder(sink, { localSecretKey: o.identity.secretKey.expose() }),
  };
  try {
    const conn =
      o.checkVersion === false
        ? await (await authenticate(socket, options)).accept(options)
        : // Any version we support: the target's choice is what is being checked.
          await establish(socket, {
            ...options,
            accepted: { chainName: o.version.chainName, distributedDbVersions: [0, 1, 2], p2pVersions: [0, 1] },
          });
    return { sink, result: { ok: true, conn } };
  } catch (e) {
    return { sink, result: { ok: false, error: e as ConnectionError } };
  }
}

export function sessionTranscript(s: LiveSession): Transcript {
  return s.sink.transcript();
}
