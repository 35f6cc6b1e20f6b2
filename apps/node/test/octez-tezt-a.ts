import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cli } from './cli-process.js';

// What tezt's `Node` module does for tezt/tests/p2p.ml, with `tzp2p run` processes: a data directory
// per node, a fixed P2P port on 127.0.0.1 chosen before start (so peers can name it and a restart
// keeps it), an optional config.json, and the `/network` RPC where tezt calls octez-client.

/** A free TCP port on 127.0.0.1 (tezt's `Port.fresh`). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** A directory for one test's nodes; `cleanup` kills what is still running and removes it. */
export class Tezt {
  readonly root = mkdtempSync(join(tmpdir(), 'tzp2p-octez-tezt-'));
  readonly nodes: TzNode[] = [];

  async node(name: string, opts: { args?: readonly string[]; config?: unknown; port?: number } = {}): Promise<TzNode> {
    const n = new TzNode(name, join(this.root, name), opts.port ?? (await freePort()), opts.args ?? []);
    if (opts.config !== undefined) n.writeConfig(opts.config);
    this.nodes.push(n);
    return n;
  }

  cleanup(): void {
    for (const n of this.nodes) n.cli?.kill('SIGKILL');
    rmSync(this.root, { recursive: true, force: true });
  }
}

export interface Connection {
  readonly peer_id: string;
  readonly incoming: boolean;
  readonly id_point: { addr: string; port?: number };
}

export class TzNode {
  cli: Cli | undefined;
  rpcUrl = '';
  peerId = '';

  constructor(
    readonly name: string,
    readonly dataDir: string,
    readonly port: number,
    readonly args: readonly string[],
  ) {
    mkdirSync(dataDir, { recursive: true });
  }

  /** `host:port` as peers name it (tezt's `Node.point_str`). */
  get point(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** tezt's `Node.Config_file.update`: the data directory's config.json. */
  writeConfig(config: unknown): void {
    writeFileSync(join(this.dataDir, 'config.json'), JSON.stringify(config, null, 2));
  }

  /** `Node.run` + `Node.wait_for_ready`: start and wait for the "node started" line. */
  async run(extra: readonly string[] = []): Promise<this> {
    const cli = new Cli([
      'run',
      '--data-dir',
      this.dataDir,
      '--net-addr',
      this.point,
      '--rpc-addr',
      '127.0.0.1:0',
      '--network',
      'sandbox',
      '--expected-pow',
      '0',
      '--no-bootstrap-peers',
      '--log-level',
      'debug',
      // Every node dials from 127.0.0.1, as in tezt; our per-address cap on pending handshakes (4, a
      // defence Octez does not have) would refuse a clique's simultaneous dials. Lifted as the devnet does.
      '--max-incoming-per-address',
      '20',
      ...this.args,
      ...extra,
    ]);
    this.cli = cli;
    const l = await cli.until(() => cli.log('node started'), `${this.name} started`, 30_000);
    this.rpcUrl = `http://${l['rpc'] as string}`;
    this.peerId = l['peer_id'] as string;
    return this;
  }

  /** `Node.terminate`: SIGTERM, then the exit. */
  async terminate(): Promise<void> {
    const cli = this.cli!;
    cli.kill('SIGTERM');
    await cli.exited;
  }

  get logs(): Record<string, unknown>[] {
    return this.cli?.logs ?? [];
  }

  /** The index of the first log line from `from` on matching `pred`, once there is one (tezt's `Node.wait_for`). */
  async waitLog(pred: (l: Record<string, unknown>) => boolean, what: string, from = 0, ms = 30_000): Promise<number> {
    const cli = this.cli!;
    return cli.until(
      () => {
        const i = cli.logs.findIndex((l, j) => j >= from && pred(l));
        return i >= 0 ? i : undefined;
      },
      `${this.name}: ${what}`,
      ms,
    );
  }

  /** A worker report (`maintenance_started`, …), logged at debug with the kind as message. */
  static report(kind: string): (l: Record<string, unknown>) => boolean {
    return (l) => l['msg'] === kind;
  }

  /** A P2P event as `/network/log` prints it (`swap_success`, …). */
  static event(event: string, source?: string): (l: Record<string, unknown>) => boolean {
    return (l) => l['msg'] === 'p2p event' && l['event'] === event && (source === undefined || l['source'] === source);
  }

  async rpc<T>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: T | undefined; text: string }> {
    const r = await fetch(`${this.rpcUrl}${path}`, {
      method,
      ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
    });
    const text = await r.text();
    let json: T | undefined;
    try {
      json = JSON.parse(text) as T;
    } catch {
      json = undefined;
    }
    return { status: r.status, json, text };
  }

  async get<T>(path: string): Promise<T> {
    const r = await this.rpc<T>('GET', path);
    if (r.status !== 200) throw new Error(`${this.name}: GET ${path}: ${r.status} ${r.text}`);
    return r.json as T;
  }

  async connections(): Promise<Connection[]> {
    return this.get<Connection[]>('/network/connections');
  }

  /** Resolves once `pred` holds of the connections, polling every 200 ms for at most `ms`. */
  async waitConnections(pred: (c: Connection[]) => boolean, what: string, ms = 30_000): Promise<Connection[]> {
    const deadline = Date.now() + ms;
    for (;;) {
      const c = await this.connections();
      if (pred(c)) return c;
      if (Date.now() > deadline)
        throw new Error(
          `${this.name}: timed out waiting for ${what}; connections: ${JSON.stringify(c.map((x) => x.peer_id))}`,
        );
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
