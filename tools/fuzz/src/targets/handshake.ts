import fc from 'fast-check';
import {
  type AuthenticatedSocket,
  type ByteStream,
  ConnectionError,
  authenticate,
  createMemorySocketPair,
  establish,
} from '@tezos-p2p/connection';
import { checkProofOfWork } from '@tezos-p2p/crypto';
import { tryDecode } from '@tezos-p2p/encoding';
import {
  type Ack,
  type ShellConnectionMetadata,
  ackEncoding,
  makePoint,
  nackMotiveFromCode,
  p2pMessageEncoding,
  rawAppMessages,
  selectVersion,
  shellConnectionMetadataConfig,
} from '@tezos-p2p/wire';
import { FakeClock, nextTurn, settlesWithin } from '../timers.js';
import { type FuzzTarget, OracleViolation, errorCode, showJson } from '../target.js';
import {
  type BuiltScript,
  type GeneratedScript,
  type LocalSide,
  type RecordedScript,
  GENERATED_LOCAL,
  OUR_VERSION,
  PEERS,
  backend,
  buildGenerated,
  buildRecorded,
  generatedScript,
  recordedHandshake,
  recordedScript,
} from './handshake-script.js';

/**
 * The handshake state machine (`authenticate`, then `accept` / `nack` / `close`, or `establish`) on
 * our side of an in-memory socket pair, fed a scripted peer: generated connection messages from known,
 * self and low-order identities, correctly or wrongly encrypted metadata and Acks / Nacks, all possibly
 * mutated, or the recorded carthagenet session mutated; delivered in arbitrary pieces, then closed,
 * stalled (the deadline fires on a fake clock), aborted or reset.
 *
 * Checks: only ConnectionErrors; no hang (the promise settles within a bounded number of event-loop
 * turns once the input is exhausted and the deadline has fired); no leak (no timer left armed, the
 * socket destroyed and its listeners removed); and an intact script from a well-behaved peer has the
 * outcome the protocol says (success, MYSELF, INVALID_AUTH, a refused version, the peer's Nack).
 */

export interface HandshakeInput {
  readonly script: GeneratedScript | RecordedScript;
  /** Our side accepted the socket (responder); recorded cases are always the initiator. */
  readonly incoming: boolean;
  /** Cut the stream after this many bytes (modulo its length + 1). */
  readonly truncate: number | undefined;
  /** Where the stream is split into separate writes, one event-loop turn apart. */
  readonly cuts: readonly number[];
  /** After the last byte: FIN, nothing (the deadline must fire), our caller aborts, or a socket reset. */
  readonly ending: 'end' | 'stall' | 'abort' | 'reset';
  readonly action: 'accept' | 'nack' | 'close' | 'establish';
  /** Required proof of work: 0 (any stamp) or more than any scripted stamp has. */
  readonly pow: 0 | 1;
}

const HIGH_POW = 32;
const TIMEOUT_MS = 5000;
/** Event-loop turns a step may take once nothing more arrives; far more than any step needs. */
const SETTLE_TURNS = 16;

const rawEncoding = p2pMessageEncoding({ opaque: rawAppMessages });
const metadataConfig = shellConnectionMetadataConfig({ disableMempool: false, privateNode: false });

const handshakeInput = (withRecorded: boolean): fc.Arbitrary<HandshakeInput> =>
  fc.record({
    script: withRecorded
      ? fc.oneof({ weight: 4, arbitrary: generatedScript }, { weight: 1, arbitrary: recordedScript })
      : generatedScript,
    incoming: fc.boolean(),
    truncate: fc.oneof({ weight: 8, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.nat() }),
    cuts: fc.array(fc.nat(), { maxLength: 5 }),
    ending: fc.oneof(
      { weight: 4, arbitrary: fc.constant('end' as const) },
      { weight: 2, arbitrary: fc.constant('stall' as const) },
      { weight: 1, arbitrary: fc.constant('abort' as const) },
      { weight: 1, arbitrary: fc.constant('reset' as const) },
    ),
    action: fc.oneof(
      { weight: 3, arbitrary: fc.constant('accept' as const) },
      { weight: 3, arbitrary: fc.constant('establish' as const) },
      { weight: 1, arbitrary: fc.constant('nack' as const) },
      { weight: 1, arbitrary: fc.constant('close' as const) },
    ),
    pow: fc.oneof({ weight: 6, arbitrary: fc.constant(0 as const) }, { weight: 1, arbitrary: fc.constant(1 as const) }),
  });

/** What an intact script from a well-behaved peer must end with (`ok` or a ConnectionError code), if predictable. */
function expectedOutcome(input: HandshakeInput, built: BuiltScript): string | undefined {
  if (!built.intact || input.truncate !== undefined || input.ending === 'abort' || input.ending === 'reset')
    return undefined;
  // The recorded remote announced our chain and versions, met PoW 26 and answered Ack.
  if (input.script.source === 'recorded') return 'ok';
  const peer = built.peer!;
  if (input.pow === 1) return 'NOT_ENOUGH_PROOF_OF_WORK';
  if (peer.kind === 'low-order') return 'INVALID_AUTH';
  if (peer.kind === 'self') return 'MYSELF';
  if (input.action === 'nack' || input.action === 'close') return 'ok';
  if (input.action === 'establish') {
    const accepted = {
      chainName: OUR_VERSION.chainName,
      distributedDbVersions: [OUR_VERSION.distributedDbVersion],
      p2pVersions: [OUR_VERSION.p2pVersion],
    };
    if (!selectVersion(accepted, built.version!).ok) return 'REJECTED_NO_COMMON_PROTOCOL';
  }
  const ack = tryDecode(ackEncoding, built.ack!);
  if (!ack.ok) return undefined;
  return (ack.value as Ack).kind === 'Ack' ? 'ok' : 'REJECTED_BY_NACK';
}

/** Read what arrived after the Ack, then close: the connection must come apart cleanly either way. */
function drainAndClose(conn: { tryRecv(): unknown; close(): void }): void {
  for (let n = 0; n < 16 && conn.tryRecv() !== undefined; n++);
  conn.close();
}

async function act(
  ours: ByteStream,
  local: LocalSide,
  input: HandshakeInput,
  pow: number,
  signal: AbortSignal,
): Promise<void> {
  const incoming = input.script.source === 'generated' ? input.incoming : false;
  const opts = {
    identity: local.identity,
    version: local.version,
    listeningPort: local.port,
    messageNonce: local.nonce,
    expectedProofOfWork: pow,
    metadata: metadataConfig,
    incoming,
    timeoutMs: TIMEOUT_MS,
    signal,
    backend,
    messageEncoding: rawEncoding,
  };
  if (input.action === 'establish') {
    drainAndClose(await establish(ours, opts));
    return;
  }
  const authed: AuthenticatedSocket<ShellConnectionMetadata> = await authenticate(ours, opts);
  if (input.action === 'accept') drainAndClose(await authed.accept({ messageEncoding: rawEncoding }));
  else if (input.action === 'nack') await authed.nack(nackMotiveFromCode(3), [makePoint('192.0.2.7', 9732)]);
  else authed.close();
}

function pieces(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const c of [...at, bytes.length]) {
    if (c > from) out.push(bytes.subarray(from, c));
    from = Math.max(from, c);
  }
  return out;
}

const clock = new FakeClock();

async function runHandshake(input: HandshakeInput): Promise<void> {
  let local: LocalSide;
  let built: BuiltScript;
  let pow: number;
  if (input.script.source === 'recorded') {
    const session = recordedHandshake();
    if (session === undefined) return;
    local = session.local;
    built = buildRecorded(input.script, session);
    pow = input.pow === 1 ? session.remotePow : 0;
  } else {
    local = GENERATED_LOCAL;
    built = buildGenerated(input.script, local, input.incoming);
    pow = input.pow === 1 ? HIGH_POW : 0;
  }
  const stream =
    input.truncate === undefined ? built.bytes : built.bytes.subarray(0, input.truncate % (built.bytes.length + 1));
  const expected = expectedOutcome(input, built);

  const uninstall = clock.install();
  const [ours, peer] = createMemorySocketPair();
  // The peer discards what we send: only its script matters, and a full buffer must not stall our writes.
  peer.resume();
  const caller = new AbortController();
  let outcome = 'pending';
  let failure: unknown;
  try {
    const p = act(ours, local, input, pow, caller.signal).then(
      () => {
        outcome = 'ok';
      },
      (e: unknown) => {
        failure = e;
        outcome = e instanceof ConnectionError ? e.code : errorCode(e);
      },
    );
    for (const piece of pieces(stream, input.cuts)) {
      peer.write(piece);
      await nextTurn();
    }
    if (input.ending === 'end') peer.end();
    else if (input.ending === 'abort') caller.abort();
    else if (input.ending === 'reset') ours.destroy(new Error('fuzz: connection reset by peer'));
    if (!(await settlesWithin(p, SETTLE_TURNS))) {
      // Waiting for bytes that will not come: time passes, and the handshake deadline must end it.
      clock.advance(TIMEOUT_MS + 1);
      if (!(await settlesWithin(p, SETTLE_TURNS)))
        throw new OracleViolation(
          'hang',
          `still pending ${SETTLE_TURNS} turns after the ${TIMEOUT_MS} ms deadline passed`,
        );
    }
    if (failure !== undefined) throw failure;
    if (expected !== undefined && outcome !== expected)
      throw new OracleViolation('oracle', `an intact script must end ${expected}, ended ${outcome}`);
    checkCleanedUp(ours);
  } catch (e) {
    if (e instanceof ConnectionError) {
      if (expected !== undefined && outcome !== expected)
        throw new OracleViolation('oracle', `an intact script must end ${expected}, failed ${outcome}: ${e.message}`);
      checkCleanedUp(ours);
    }
    throw e;
  } finally {
    uninstall();
    clock.reset();
    peer.destroy();
    ours.destroy();
  }
}

/** After the case, whatever its outcome: no armed timer, the socket closed, no listener left behind. */
function checkCleanedUp(ours: ByteStream): void {
  if (clock.pending > 0)
    throw new OracleViolation('leak', `${clock.pending} timer(s) still armed after the handshake settled`);
  if (!ours.destroyed) throw new OracleViolation('leak', 'the socket is still open after the handshake ended');
  const left = ['readable', 'data', 'end', 'close'].filter((ev) => ours.listenerCount(ev) > 0);
  if (left.length > 0)
    throw new OracleViolation(
      'leak',
      `listeners left on the closed socket: ${left.map((ev) => `${ev} ×${ours.listenerCount(ev)}`).join(', ')}`,
    );
}

function showInput(x: HandshakeInput): string {
  return showJson(x);
}

/** PoW `HIGH_POW` must be out of reach of every scripted stamp, or the oracle would be wrong. */
function checkFixtures(): void {
  for (const p of PEERS)
    if (checkProofOfWork(backend, p.publicKey, p.stamp, HIGH_POW))
      throw new Error('a scripted identity meets the high proof of work');
}

export function handshakeTargets(): FuzzTarget<unknown>[] {
  checkFixtures();
  const withRecorded = recordedHandshake() !== undefined;
  const target: FuzzTarget<HandshakeInput> = {
    name: 'connection.handshake',
    description: `authenticate + accept/nack/close and establish, responder and initiator, against a scripted peer (generated${withRecorded ? ' and recorded carthagenet' : ''}), mutated, cut, closed/stalled/aborted/reset`,
    async: true,
    arbitrary: handshakeInput(withRecorded),
    run: runHandshake,
    show: showInput,
  };
  return [target] as FuzzTarget<unknown>[];
}
