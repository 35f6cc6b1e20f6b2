/**
 * The node under test of the memory benchmark, alone in its process so that its rss is its own: the
 * default limits (maintenance off), optionally tzp2p's `--echo` (one loop per connection, each message
 * leased until its echo is queued). Answers status requests (cheap) and measurements (after full
 * collections: run it with --expose-gc).
 */
import { generateIdentity } from '@tezos-p2p/crypto';
import type { MemoryBudgetStat } from '@tezos-p2p/connection';
import { type P2p, type P2pConnection, createP2p, rawMessageParams } from '@tezos-p2p/p2p';
import type { RawAppMessage, ShellConnectionMetadata, ShellPeerMetadata } from '@tezos-p2p/wire';

export type MemoryNodeCommand =
  | { readonly type: 'start'; readonly host: string; readonly chainName: string; readonly echo: boolean }
  | { readonly type: 'status' }
  | { readonly type: 'measure' }
  | { readonly type: 'stop' };

export interface MemoryNodeStatus {
  readonly connections: number;
  readonly received: number;
  readonly read: MemoryBudgetStat;
  readonly write: MemoryBudgetStat;
}

export type MemoryNodeMessage =
  | { readonly type: 'listening'; readonly port: number }
  | ({ readonly type: 'status' } & MemoryNodeStatus)
  /** `heapExternal`: heapUsed + external (Buffers and ArrayBuffers are part of external). */
  | ({ readonly type: 'measured'; readonly rss: number; readonly heapExternal: number } & MemoryNodeStatus);

type Node = P2p<RawAppMessage, ShellPeerMetadata, ShellConnectionMetadata>;
let node: Node | undefined;

function reply(m: MemoryNodeMessage): void {
  process.send!(m);
}

function status(n: Node): MemoryNodeStatus {
  return { connections: n.connections().length, received: n.stat().totalRecv, ...n.memory() };
}

function echo(n: Node): void {
  const loop = async (conn: P2pConnection<RawAppMessage, ShellConnectionMetadata>) => {
    for (;;) {
      let leased;
      try {
        leased = await conn.readLeased();
      } catch {
        return;
      }
      await n.send(conn, leased.value).catch(() => undefined);
      leased.release();
    }
  };
  n.onConnection((c) => void loop(c));
}

async function start(m: Extract<MemoryNodeCommand, { type: 'start' }>): Promise<void> {
  node = (await createP2p(
    {
      identity: await generateIdentity({ difficulty: 0, workers: 0 }),
      listenAddr: m.host,
      listeningPort: 0,
      expectedProofOfWork: 0,
    },
    { maintenanceIdleTimeMs: null, maxKnownPoints: null, maxKnownPeerIds: null },
    rawMessageParams(m.chainName),
  )) as Node;
  if (m.echo) echo(node);
  reply({ type: 'listening', port: node.listeningPort! });
}

async function measure(n: Node): Promise<void> {
  for (let i = 0; i < 4; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    await new Promise((r) => setImmediate(r));
  }
  const m = process.memoryUsage();
  reply({ type: 'measured', rss: m.rss, heapExternal: m.heapUsed + m.external, ...status(n) });
}

process.on('message', (m: MemoryNodeCommand) => {
  if (m.type === 'start') void start(m);
  else if (m.type === 'status') reply({ type: 'status', ...status(node!) });
  else if (m.type === 'measure') void measure(node!);
  else void node!.stop().finally(() => process.exit(0));
});
