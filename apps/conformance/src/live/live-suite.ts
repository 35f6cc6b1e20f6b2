import { type Server, type Socket, createServer } from 'node:net';
import { type Identity, generateIdentity, loadIdentity } from '@tezos-p2p/crypto';
import { type P2pMessage, type Point, type RawAppMessage, announcedVersion, describeNackMotive } from '@tezos-p2p/wire';
import { type Transcript, writeTranscriptFile } from '@tezos-p2p/transcript';
import { join } from 'node:path';
import { type CheckResult, type TranscriptReport, failureResult, pass, skip } from '../checks/result.js';
import { replayTranscript } from '../replay.js';
import { type HostPort, LiveError, connectTcp, parseTarget, peekConnectionMessage } from './probe.js';
import { askTargetToConnect, waitUntilDisconnected } from './rpc-connect.js';
import { type LiveSession, recordedSession, sessionTranscript } from './session.js';

export interface LiveOptions {
  /** `host:port` of the node under test. */
  readonly target: string;
  /** Its RPC base URL, to ask it to connect to us (the responder case); without it that case is skipped. */
  readonly targetRpc?: string;
  /** Where we listen for the responder case; must be reachable from the target (default 127.0.0.1, any port). */
  readonly listen?: string;
  /** Our identity's proof of work (default 26, Octez's requirement); ignored with `identity`. */
  readonly pow?: number;
  /** An identity.json to use instead of generating one. */
  readonly identity?: string;
  /** Proof of work we require of the target (default 0: its identity is not what is being tested). */
  readonly expectedPow?: number;
  /** Chain name to announce (default: the target's, read from its connection message). */
  readonly chainName?: string;
  readonly timeoutMs?: number;
  /** Write each recorded session here as a transcript. */
  readonly record?: string;
}

const WRONG_CHAIN = 'TZP2P_CONFORMANCE_NO_SUCH_CHAIN';

async function nextMatching(
  conn: LiveSession['result'] & { ok: true },
  pred: (m: P2pMessage<RawAppMessage>) => boolean,
  timeoutMs: number,
): Promise<P2pMessage<RawAppMessage>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) throw new LiveError('LIVE_TIMEOUT', `no matching message within ${timeoutMs} ms`);
    const m = await Promise.race([
      conn.conn.recv(),
      new Promise<undefined>((r) => setTimeout(() => r(undefined), left).unref()),
    ]);
    if (m === undefined) throw new LiveError('LIVE_TIMEOUT', `no matching message within ${timeoutMs} ms`);
    if (pred(m)) return m;
  }
}

interface Listener {
  readonly server: Server;
  readonly point: Point;
  /** The next connection the target opens to us. */
  next(): Promise<Socket>;
  /** Stop listening and drop every connection (the target's maintenance may dial us on its own). */
  close(): Promise<void>;
}

function listenOn(text: string | undefined): Promise<Listener> {
  // `addr:0` (any port) is valid here though not as a target.
  const { host, port } =
    text === undefined
      ? { host: '127.0.0.1', port: 0 }
      : text.endsWith(':0')
        ? { ...parseTarget(text.replace(/:0$/, ':1'), '--listen'), port: 0 }
        : parseTarget(text, '--listen');
  const sockets = new Set<Socket>();
  const waiting: ((s: Socket) => void)[] = [];
  const queued: Socket[] = [];
  const server = createServer((s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
    const w = waiting.shift();
    if (w) w(s);
    else queued.push(s);
  });
  return new Promise((resolve, reject) => {
    server.once('error', (e) =>
      reject(new LiveError('LIVE_BAD_TARGET', `--listen ${host}:${port}: ${e.message}`, { cause: e })),
    );
    server.listen(port, host, () =>
      resolve({
        server,
        point: { ip: host, port: (server.address() as { port: number }).port },
        next: () => (queued.length > 0 ? Promise.resolve(queued.shift()!) : new Promise((r) => waiting.push(r))),
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      }),
    );
  });
}

async function finish(
  name: string,
  live: CheckResult,
  session: LiveSession | undefined,
  record: string | undefined,
): Promise<TranscriptReport> {
  if (session === undefined) return { name, file: '-', origin: 'RECORDED', results: [live] };
  if (session.result.ok) session.result.conn.close();
  await Promise.race([session.sink.whenEnded(), new Promise((r) => setTimeout(r, 2000).unref())]);
  const t: Transcript = sessionTranscript(session);
  let file = '-';
  if (record !== undefined) {
    file = join(record, `${t.session.name}.tzt`);
    writeTranscriptFile(file, t);
  }
  const replay = await replayTranscript(t, file);
  return { ...replay, name, results: [live, ...replay.results] };
}

/**
 * The live part of the suite against a running node: a handshake as initiator, Bootstrap answered
 * by Advertise, a handshake as responder (the target dials us, asked through its RPC), and a refused
 * handshake (an unknown chain name must get a Nack). Each session is recorded and replayed through
 * the transcript checks, so the bytes the target wrote are checked like recorded ones.
 */
export async function runLiveSuite(o: LiveOptions): Promise<TranscriptReport[]> {
  const target: HostPort = parseTarget(o.target);
  const timeoutMs = o.timeoutMs ?? 10_000;
  const identity: Identity = o.identity
    ? loadIdentity(o.identity)
    : await generateIdentity({ difficulty: o.pow ?? 26 });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const name = (c: string) => `live-${c}-${stamp}`;
  const reports: TranscriptReport[] = [];
  const listener = await listenOn(o.listen);
  const ours = listener.point;
  try {
    // 1. We connect; 2. Bootstrap → Advertise on the same connection.
    let session: LiveSession | undefined;
    let version;
    try {
      const socket = await connectTcp(target, timeoutMs);
      const theirs = await peekConnectionMessage(socket, timeoutMs);
      version = announcedVersion(o.chainName ?? theirs.version.chainName);
      session = await recordedSession(socket, {
        name: name('initiator'),
        description: `We connect to ${o.target}.`,
        identity,
        version,
        listeningPort: ours.port,
        incoming: false,
        expectedProofOfWork: o.expectedPow ?? 0,
        timeoutMs,
        target: o.target,
      });
    } catch (e) {
      reports.push(await finish('live: handshake as initiator', failureResult('live', e), session, o.record));
      reports.push({
        name: 'live: Bootstrap → Advertise',
        file: '-',
        origin: 'RECORDED',
        results: [skip('live', 'no connection')],
      });
      return reports;
    }
    const r = session.result;
    const initiator = r.ok
      ? pass('live', 1, `accepted by ${r.conn.info.peerId}, announced ${JSON.stringify(r.conn.info.announcedVersion)}`)
      : failureResult('live', r.error);
    let advertise: CheckResult = skip('live', 'no connection');
    if (r.ok) {
      try {
        await r.conn.send({ kind: 'Advertise', points: [ours] });
        await r.conn.send({ kind: 'Bootstrap' });
        const m = await nextMatching(r, (x) => x.kind === 'Advertise', timeoutMs);
        advertise = pass('live', 1, `Advertise with ${m.kind === 'Advertise' ? m.points.length : 0} points`);
      } catch (e) {
        advertise = failureResult('live', e);
      }
    }
    reports.push(await finish('live: handshake as initiator', initiator, session, o.record));
    reports.push({ name: 'live: Bootstrap → Advertise', file: '-', origin: 'RECORDED', results: [advertise] });

    // 3. The target connects to us.
    if (o.targetRpc === undefined) {
      reports.push({
        name: 'live: handshake as responder',
        file: '-',
        origin: 'RECORDED',
        results: [skip('live', 'needs --target-rpc to ask the target to connect')],
      });
    } else {
      let responder: LiveSession | undefined;
      let result: CheckResult;
      try {
        // Our first connection gave the target our point; it counts as connected until it has seen that connection close.
        await waitUntilDisconnected(o.targetRpc, identity.peerId, timeoutMs);
        const incoming = listener.next();
        // The target may already be dialling us on its own (its maintenance learnt our point): then
        // the RPC answers pending_connection and the connection that arrives is just as good.
        const asked = askTargetToConnect(
          o.targetRpc,
          `${ours.ip.includes(':') ? `[${ours.ip}]` : ours.ip}:${ours.port}`,
          Math.ceil(timeoutMs / 1000),
        ).then(
          () => undefined,
          (e: unknown) => e as Error,
        );
        const socket = await Promise.race([incoming, asked.then((e) => (e ? Promise.reject(e) : incoming))]);
        responder = await recordedSession(socket, {
          name: name('responder'),
          description: `${o.target} connects to us.`,
          identity,
          version: version!,
          listeningPort: ours.port,
          incoming: true,
          expectedProofOfWork: o.expectedPow ?? 0,
          timeoutMs,
          target: o.target,
        });
        await asked;
        result = responder.result.ok
          ? pass('live', 1, `${responder.result.conn.info.peerId} connected to us`)
          : failureResult('live', responder.result.error);
      } catch (e) {
        result = failureResult('live', e);
      }
      reports.push(await finish('live: handshake as responder', result, responder, o.record));
    }

    // 4. A chain name the target does not know: Octez answers Nack(Unknown_chain_name).
    let refused: LiveSession | undefined;
    let result: CheckResult;
    try {
      const socket = await connectTcp(target, timeoutMs);
      refused = await recordedSession(socket, {
        name: name('refused'),
        description: `We announce the chain ${WRONG_CHAIN} to ${o.target}.`,
        identity,
        version: { ...version!, chainName: WRONG_CHAIN },
        listeningPort: ours.port,
        incoming: false,
        expectedProofOfWork: o.expectedPow ?? 0,
        timeoutMs,
        target: o.target,
        checkVersion: false,
      });
      const rr = refused.result;
      if (rr.ok) result = failureResult('live', new Error(`the target accepted the unknown chain ${WRONG_CHAIN}`));
      else if (rr.error.code === 'REJECTED_BY_NACK' && rr.error.motive?.kind === 'Unknown_chain_name')
        result = pass('live', 1, `Nack: ${describeNackMotive(rr.error.motive)}`);
      else
        result = failureResult(
          'live',
          new Error(
            `expected Nack(Unknown_chain_name), got ${rr.error.code}${rr.error.motive ? ` ${describeNackMotive(rr.error.motive)}` : ''}: ${rr.error.message}`,
          ),
        );
    } catch (e) {
      result = failureResult('live', e);
    }
    reports.push(await finish('live: refused handshake (unknown chain)', result, refused, o.record));
    return reports;
  } finally {
    await listener.close();
  }
}
