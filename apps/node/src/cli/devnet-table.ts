import Table from 'cli-table3';
import type { NodeP2p } from '../rpc/index.js';

export interface DevnetNodeView {
  readonly index: number;
  readonly p2p: NodeP2p;
  readonly p2pAddr: string;
  readonly rpcAddr: string | undefined;
}

/** One node's row, as plain data (the `--json` output and the table are both built from it). */
export interface DevnetRow {
  readonly node: number;
  readonly peer_id: string;
  readonly p2p: string;
  readonly rpc: string | null;
  readonly incoming: number;
  readonly outgoing: number;
  /** Indices of the devnet nodes this one is connected to; peers outside the devnet appear by peer id. */
  readonly connected_to: (number | string)[];
  readonly bytes_sent: number;
  readonly bytes_received: number;
}

export function devnetRows(nodes: readonly DevnetNodeView[]): DevnetRow[] {
  const indexOf = new Map(nodes.map((n) => [n.p2p.peerId as string, n.index]));
  return nodes.map((n) => {
    const conns = n.p2p.connections();
    const stat = n.p2p.stat();
    return {
      node: n.index,
      peer_id: n.p2p.peerId,
      p2p: n.p2pAddr,
      rpc: n.rpcAddr ?? null,
      incoming: conns.filter((c) => c.connection.info.incoming).length,
      outgoing: conns.filter((c) => !c.connection.info.incoming).length,
      connected_to: conns
        .map((c) => indexOf.get(c.peerId) ?? c.peerId)
        .sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b)))),
      bytes_sent: stat.totalSent,
      bytes_received: stat.totalRecv,
    };
  });
}

function bytes(n: number): string {
  return n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`;
}

/** `color`: grey borders for terminals; plain text for logs and pipes. */
export function renderDevnetTable(rows: readonly DevnetRow[], color = false): string {
  const table = new Table({
    head: ['node', 'peer id', 'p2p', 'rpc', 'in', 'out', 'connected to', 'sent', 'received'],
    style: { head: [], ...(color ? {} : { border: [] }) },
  });
  for (const r of rows) {
    table.push([
      r.node,
      r.peer_id,
      r.p2p,
      r.rpc ?? '-',
      r.incoming,
      r.outgoing,
      r.connected_to.join(' ') || '-',
      bytes(r.bytes_sent),
      bytes(r.bytes_received),
    ]);
  }
  return table.toString();
}
