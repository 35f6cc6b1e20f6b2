import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Cli } from './cli-process.js';

// What Octez's tezt `Node` and `Cluster` modules do for tezt/tests/p2p.ml (second half), with
// `tzp2p run` processes: a data dir per node, an Octez config.json when the test edits one, the
// run options tezt passes (`--network sandbox --expected-pow 0 --net-addr 127.0.0.1:PORT`, an RPC
// address), debug logs (tezt's `~event_level:`Debug`) read as its event waiters read events.

/** Every node listens on this address, as tezt's `Constant.default_host`. */
export const HOST = '127.0.0.1';

/** A log line of `tzp2p run`: one P2P event as `/network/log` prints it, under `msg: 'p2p event'`. */
export type P2pEventLine = Record<string, unknown> & { event: string };

async function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen({ host: HOST, port, exclusive: true }, () => s.close(() => resolve(true)));
  });
}

const taken = new Set<number>();

/**
 * tezt's `Port.fresh`: a port free now on 127.0.0.1, below Linux's ephemeral range (32768+) so that
 * no outgoing connection takes it before the node binds it, never handed out twice by this process.
 */
export async function freshPort(): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (taken.has(port)) continue;
    taken.add(port);
    if (await bindable(port)) return port;
  }
  throw new Error('no free port found in 200 tries');
}

export interface NodeOptions {
  /** tezt's `~net_port` (a fresh port when absent). */
  readonly netPort?: number;
  /** Options of `tzp2p run` beyond the defaults below (tezt's node arguments). */
  readonly args?: readonly string[];
  /** An Octez config.json written to the data dir before the start (`Node.Config_file.update`). */
  readonly config?: Record<string, unknown>;
}

/** One `octez-node run` of a tezt test, as a `tzp2p run` process. */
export class TzNode {
  cli: Cli | undefined;
  peerId = '';
  rpc = '';
  readonly dataDir: string;

  private constructor(
    readonly name: string,
    root: string,
    readonly netPort: number,
    private readonly opts: NodeOptions,
  ) {
    this.dataDir = join(root, name);
  }

  /** tezt's `Node.create`: nothing runs yet, the node has a data dir and a P2P port. */
  static async create(root: string, name: string, opts: NodeOptions = {}): Promise<TzNode> {
    return new TzNode(name, root, opts.netPort ?? (await freshPort()), opts);
  }

  /** tezt's `Node.point_str`. */
  get point(): string {
    return `${HOST}:${this.netPort}`;
  }

  /** tezt's `Node.run` then `Node.wait_for_ready`: resolves once the P2P layer and the RPC server are up. */
  async run(extra: readonly string[] = []): Promise<void> {
    mkdirSync(this.dataDir, { recursive: true });
    if (this.opts.config) writeFileSync(join(this.dataDir, 'config.json'), JSON.stringify(this.opts.config, null, 2));
    const cli = new Cli([
      // tezt's default `--network sandbox` goes to config.json with `config init`, where a test may replace it.
      'run',
      '--data-dir',
      this.dataDir,
      ...(this.opts.config?.['network'] === undefined ? ['--network', 'sandbox'] : []),
      '--expected-pow',
      '0',
      '--net-addr',
      this.point,
      '--rpc-addr',
      `${HOST}:0`,
      '--log-level',
      'debug',
      // Every node dials from one address, as in tezt; our per-address cap on pending handshakes (4, a
      // defence Octez does not have) would refuse a clique's simultaneous dials. Lifted as the devnet does.
      '--max-incoming-per-address',
      '20',
      ...(this.opts.args ?? []),
      ...extra,
    ]);
    this.cli = cli;
    const started = await cli.until(() => cli.log('node started'), `${this.name} started`, 40_000);
    this.peerId = started['peer_id'] as string;
    this.rpc = `http://${started['rpc'] as string}`;
  }

  /** The P2P events logged so far, in order. */
  events(): P2pEventLine[] {
    return (this.cli?.logs ?? []).filter(
      (l): l is P2pEventLine => l['msg'] === 'p2p event' && typeof l['event'] === 'string',
    );
  }

  /**
   * The node's own log events (Octez's `Internal_event`s, e.g. `advertise_received` with its points):
   * log lines whose message is `name`, P2P events excepted.
   */
  nodeEvents(name: string): Record<string, unknown>[] {
    return (this.cli?.logs ?? []).filter((l) => l['msg'] === name);
  }

  /** tezt's `Node.wait_for`: the first event (past or future) `probe` maps to a value. */
  async waitFor<T>(what: string, probe: (events: P2pEventLine[]) => T | undefined, ms = 40_000): Promise<T> {
    const cli = this.cli!;
    return cli.until(() => probe(this.events()), `${this.name}: ${what}`, ms);
  }

  /** tezt's `Node.wait_for_connections node n`: `n` connection events. */
  async waitForConnections(n: number, ms = 40_000): Promise<void> {
    await this.waitFor(
      `${n} connections`,
      (es) => (es.filter((e) => e.event === 'connection_established').length >= n ? true : undefined),
      ms,
    );
  }

  async call<T = unknown>(method: 'GET' | 'PUT' | 'PATCH', path: string, body?: unknown): Promise<T> {
    const r = await fetch(`${this.rpc}${path}`, {
      method,
      ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
    });
    const text = await r.text();
    if (r.status !== 200) throw new Error(`${this.name}: ${method} ${path}: ${r.status} ${text}`);
    return JSON.parse(text) as T;
  }

  get<T = unknown>(path: string): Promise<T> {
    return this.call<T>('GET', path);
  }

  /** `octez-admin-client trust address <point>`: `PATCH /network/points/<point>` `{"acl": "trust"}`. */
  trustAddress(point: string): Promise<unknown> {
    return this.call('PATCH', `/network/points/${point}`, { acl: 'trust' });
  }

  /** `octez-admin-client untrust address <point>`: `PATCH /network/points/<point>` `{"acl": "open"}`. */
  untrustAddress(point: string): Promise<unknown> {
    return this.call('PATCH', `/network/points/${point}`, { acl: 'open' });
  }

  /** tezt's `known_points`: the ids of `GET /network/points`. */
  async knownPoints(): Promise<string[]> {
    return (await this.get<[string, unknown][]>('/network/points')).map(([p]) => p);
  }

  async stop(): Promise<void> {
    const cli = this.cli;
    if (!cli) return;
    cli.kill('SIGTERM');
    const t = setTimeout(() => cli.kill('SIGKILL'), 10_000);
    await cli.exited;
    clearTimeout(t);
  }
}

/**
 * tezt's `Cluster.create n [] |> Cluster.clique |> Cluster.start ~wait_connections:true`: every node
 * has every other as `--peer`, runs in private mode, and the start waits for as many connection
 * events per node as it has peers.
 */
export async function startClique(root: string, prefix: string, n: number): Promise<TzNode[]> {
  const nodes: TzNode[] = [];
  for (let i = 1; i <= n; i++) nodes.push(await TzNode.create(root, `${prefix}.${i}`));
  await Promise.all(
    nodes.map(async (node) => {
      const peers = nodes.filter((o) => o !== node).flatMap((o) => ['--peer', o.point]);
      await node.run([...peers, '--private-mode']);
      await node.waitForConnections(n - 1);
    }),
  );
  return nodes;
}

// ---------------------------------------------------------------------------------------------
// `octez-admin-client p2p stat`: `P2p_services.Full_stat.to_string` (lib_p2p_services), printed
// from the RPCs GET /network/stat, /network/connections, /network/peers and /network/points.

interface StatJson {
  total_sent: string;
  total_recv: string;
  current_inflow: number;
  current_outflow: number;
}
interface ConnJson {
  incoming: boolean;
  peer_id: string;
  id_point: { addr: string; port?: number };
  remote_socket_port: number;
  announced_version: { chain_name: string; distributed_db_version: number; p2p_version: number };
  private: boolean;
}
interface PeerJson {
  score: number;
  trusted: boolean;
  state: string;
  stat: StatJson;
}
interface PointJson {
  trusted: boolean;
  state: { event_kind: string; p2p_peer_id?: string };
  last_seen?: [string, string];
  p2p_peer_id?: string;
}

/** `P2p_stat.print_size64` / `print_size`. */
function size(n: number): string {
  const ratio = (k: number) => (n / 2 ** k).toFixed(2);
  if (n < 2 ** 10) return `${n} B`;
  if (n < 2 ** 20) return `${ratio(10)} kiB`;
  if (n < 2 ** 30) return `${ratio(20)} MiB`;
  if (n < 2 ** 40) return `${ratio(30)} GiB`;
  return `${ratio(40)} TiB`;
}

/** `P2p_stat.pp`. */
function statText(s: StatJson): string {
  const flow = (total: string, current: number) => `${size(Number(total))} (${size(current)}/s)`;
  return `↗ ${flow(s.total_sent, s.current_outflow).padStart(27)} ↘ ${flow(s.total_recv, s.current_inflow).padStart(27)} `;
}

/** `P2p_point.Id.pp`. */
function pointText(addr: string, port: number): string {
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(addr)?.[1] ?? (addr.includes(':') ? undefined : addr);
  return v4 !== undefined ? `${v4}:${port}` : `[${addr}]:${port}`;
}

/** `P2p_connection.Info.pp` (the remote metadata printer of `p2p stat` prints nothing). */
function connectionText(c: ConnJson): string {
  const v = c.announced_version;
  return `${c.incoming ? '↘' : '↗'} ${c.peer_id} ${pointText(c.id_point.addr, c.id_point.port ?? c.remote_socket_port)} (${v.chain_name}.${v.distributed_db_version} (p2p: ${v.p2p_version})) ${c.private ? ' private' : ''}`;
}

const PEER_DIGRAM: Record<string, string> = { accepted: '⚎', running: '⚌', disconnected: '⚏' };
const POINT_DIGRAM: Record<string, string> = { requested: '⚎', accepted: '⚍', running: '⚌', disconnected: '⚏' };

/** `octez-admin-client p2p stat`'s output, as `Full_stat.to_string ~colorize:false` lays it out. */
export async function p2pStat(node: TzNode): Promise<string> {
  const [stat, conns, peers, points] = await Promise.all([
    node.get<StatJson>('/network/stat'),
    node.get<ConnJson[]>('/network/connections'),
    node.get<[string, PeerJson][]>('/network/peers'),
    node.get<[string, PointJson][]>('/network/points'),
  ]);
  const star = (t: boolean) => (t ? '★' : ' ');
  const peerLine = ([id, p]: [string, PeerJson]) =>
    `${PEER_DIGRAM[p.state]}   ${p.score.toFixed(0)}  ${id} ${statText(p.stat)} ${star(p.trusted)}`;
  const pointLine = ([id, p]: [string, PointJson]) => {
    const d = POINT_DIGRAM[p.state.event_kind];
    if (p.state.event_kind === 'running') return `${d}  ${id} ${p.state.p2p_peer_id} ${star(p.trusted)}`;
    if (p.last_seen) return `${d}  ${id} (last seen: ${p.last_seen[0]} ${p.last_seen[1]}) ${star(p.trusted)}`;
    return `${d}  ${id} ${star(p.trusted)}`;
  };
  const header = `St Sc ${'Peer Id'.padStart(18).padEnd(30)}${'Upload'.padStart(18).padEnd(30)}${'Download'.padStart(19).padEnd(30)} Tr`;
  return (
    [
      'GLOBAL STATS',
      `  ${statText(stat)}`,
      'CONNECTIONS',
      ' INCOMING',
      ...conns.filter((c) => c.incoming).map((c) => `  ${connectionText(c)}`),
      ' OUTGOING',
      ...conns.filter((c) => !c.incoming).map((c) => `  ${connectionText(c)}`),
      'KNOWN PEERS',
      `  ${header}`,
      ...peers.map((p) => `  ${peerLine(p)}`),
      'KNOWN POINTS',
      ...points.map((p) => `  ${pointLine(p)}`),
    ].join('\n') + '\n'
  );
}

export interface KnownPeer {
  id: string;
  connected: boolean;
}
export interface KnownPoint {
  id: string;
  peer: KnownPeer;
}
export interface ParsedP2pStat {
  connections: string[];
  knownPeers: KnownPeer[];
  knownPoints: KnownPoint[];
}

/** Splits before the first line equal to `line` (tezt's `span ((<>) line)`). */
function span(lines: string[], line: string): [string[], string[]] {
  const i = lines.indexOf(line);
  return i < 0 ? [lines, []] : [lines.slice(0, i), lines.slice(i)];
}

/** The test's `parse_p2p_stat`, its regular expressions unchanged. */
export function parseP2pStat(output: string): ParsedP2pStat {
  const fail = (section: string, line: string): never => {
    throw new Error(
      `[parse_p2p_stat] Could not parse ${section} from line:\n${line}\n when parsing client output:\n${output}`,
    );
  };
  const [, afterPrefix] = span(output.trim().split('\n'), 'GLOBAL STATS');
  const [, afterGlobal] = span(afterPrefix, 'CONNECTIONS');
  const [connections, afterConnections] = span(afterGlobal, 'KNOWN PEERS');
  const [incoming, outgoing] = span(connections, ' OUTGOING');
  const [knownPeers, knownPoints] = span(afterConnections, 'KNOWN POINTS');
  const peerOf = (section: string) => (line: string) => /(id\w+)/.exec(line)?.[1] ?? fail(section, line);
  return {
    connections: [
      ...incoming.slice(2).map(peerOf('incoming connections')),
      ...outgoing.slice(1).map(peerOf('outgoing connections')),
    ],
    knownPeers: knownPeers.slice(2).map((line) => {
      const m = /  (⚏|⚌).* (id\w+)/.exec(line) ?? fail('peers', line);
      return { id: m[2]!, connected: m[1] === '⚌' };
    }),
    knownPoints: knownPoints.slice(1).map((line) => {
      const m = /  (⚏|⚌)\s+(\S+:\S+).* (id\w+)/.exec(line) ?? fail('points', line);
      return { id: m[2]!, peer: { id: m[3]!, connected: m[1] === '⚌' } };
    }),
  };
}
