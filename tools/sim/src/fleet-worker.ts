/**
 * One process of a fleet simulation (fleet.ts): holds a slice of the network's nodes, each a P2P
 * layer on its own loopback address, and answers the coordinator's commands (fleet-protocol.ts).
 * It exits when the coordinator goes away, so an interrupted run leaves no node behind.
 */
import { type Identity, generateIdentity } from '@tezos-p2p/crypto';
import { type P2pLimits, createP2p, rawMessageParams } from '@tezos-p2p/p2p';
import type { FleetCommand, FleetPoint, FleetReply } from './fleet-protocol.js';
import { type SimNode, simAddress } from './simulate.js';

const send = (m: FleetReply): void => void process.send!(m);

function heapAndExternal(): number {
  // Several collections: the first ones only queue finalisers that free external memory.
  for (let k = 0; k < 4; k++) globalThis.gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

class Slice {
  private first = 0;
  private net = 0;
  private limits: Partial<P2pLimits> = {};
  private identities: Identity[] = [];
  private readonly nodes = new Map<number, SimNode>();
  private index = new Map<string, number>();
  private idleBytes = 0;

  async handle(c: FleetCommand): Promise<void> {
    switch (c.type) {
      case 'init': {
        this.first = c.first;
        this.net = c.net;
        this.limits = c.limits;
        this.identities = await Promise.all(
          Array.from({ length: c.count }, () => generateIdentity({ difficulty: 0, workers: 0 })),
        );
        this.idleBytes = heapAndExternal();
        return send({ type: 'identities', peerIds: this.identities.map((i) => i.peerId), idleBytes: this.idleBytes });
      }
      case 'directory':
        this.index = new Map(c.peerIds.map((id, i) => [id, i]));
        return send({ type: 'directory-set' });
      case 'start':
        return send({ type: 'started', points: await this.start(c.first, c.count, c.trusted, c.chain) });
      case 'report':
        return send(this.state());
      case 'measure': {
        const bytes = heapAndExternal();
        return send({
          type: 'memory',
          bytes,
          idleBytes: this.idleBytes,
          rss: process.memoryUsage().rss,
          nodes: this.nodes.size,
        });
      }
      case 'stop':
        await Promise.all([...this.nodes.values()].map((n) => n.stop()));
        this.nodes.clear();
        return process.exit(0);
    }
  }

  private async start(
    first: number,
    count: number,
    trusted: readonly FleetPoint[],
    chain: boolean,
  ): Promise<FleetPoint[]> {
    const points: FleetPoint[] = [];
    for (let i = first; i < first + count; i++) {
      const host = simAddress(this.net, i);
      const known = chain ? [...trusted, ...points] : trusted;
      const node = (await createP2p(
        {
          identity: this.identities[i - this.first]!,
          listenAddr: host,
          localAddress: host,
          listeningPort: 0,
          expectedProofOfWork: 0,
          trustedPoints: known.map((point) => ({ point })),
        },
        this.limits,
        rawMessageParams('TEZOS_SIM'),
      )) as SimNode;
      this.nodes.set(i, node);
      points.push({ ip: host, port: node.listeningPort! });
    }
    return points;
  }

  private state(): FleetReply {
    const neighbours: number[][] = [];
    const outgoing: number[] = [];
    for (let k = 0; k < this.identities.length; k++) {
      const node = this.nodes.get(this.first + k);
      const conns = node?.connections() ?? [];
      neighbours.push(conns.map((c) => this.index.get(c.peerId) ?? -1));
      outgoing.push(conns.filter((c) => !c.connection.info.incoming).length);
    }
    return { type: 'state', neighbours, outgoing };
  }
}

const slice = new Slice();
// Commands run one at a time, in order, except reports: the network is watched while its nodes start.
let queue: Promise<void> = Promise.resolve();
process.on('message', (c: FleetCommand) => {
  if (c.type === 'report') return void slice.handle(c);
  queue = queue.then(() =>
    slice
      .handle(c)
      .catch((e: unknown) => send({ type: 'failed', message: e instanceof Error ? e.message : String(e) })),
  );
});
process.on('disconnect', () => process.exit(1));
