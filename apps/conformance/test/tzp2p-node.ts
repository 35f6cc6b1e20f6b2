import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The tzp2p binary of apps/node (apps are run, not imported; it is built before this project's tests). */
const BIN = fileURLToPath(new URL('../../node/bin/tzp2p.js', import.meta.url));

export interface NodeProcess {
  readonly peerId: string;
  /** host:port of its P2P listener. */
  readonly listen: string;
  /** http://host:port of its RPC, when started with one. */
  readonly rpc: string | undefined;
  stop(): Promise<number | null>;
}

/** `tzp2p run` on a loopback address, ports chosen by the system; resolves once it logs "node started". */
export async function startTzp2p(args: readonly string[]): Promise<NodeProcess> {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [BIN, 'run', ...args], { stdio: 'pipe' });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  let stderr = '';
  const started = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tzp2p did not start within 20 s:\n${stderr}`)), 20_000);
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      for (const line of stderr.split('\n')) {
        if (!line.includes('"node started"')) continue;
        clearTimeout(timer);
        resolve(JSON.parse(line) as Record<string, unknown>);
        return;
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`tzp2p exited (${code}) before starting:\n${stderr}`));
    });
  });
  return {
    peerId: started['peer_id'] as string,
    listen: started['listen'] as string,
    rpc: started['rpc'] ? `http://${started['rpc'] as string}` : undefined,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
