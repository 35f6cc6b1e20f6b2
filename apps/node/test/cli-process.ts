import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../bin/tzp2p.js', import.meta.url));

/** The CLI as a subprocess: collected output, JSON log lines parsed as they come, and its exit. */
export class Cli {
  readonly child: ChildProcessWithoutNullStreams;
  stdout = '';
  stderr = '';
  readonly logs: Record<string, unknown>[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private waiters: (() => void)[] = [];

  /**
   * `launcher` runs the CLI some other way than `node bin/tzp2p.js` (e.g. `npx tzp2p`): its command and
   * arguments come before `args`; `detached` puts it in a process group of its own.
   */
  constructor(
    args: readonly string[],
    env: NodeJS.ProcessEnv = {},
    launcher?: { readonly command: readonly [string, ...string[]]; readonly cwd?: string; readonly detached?: boolean },
  ) {
    const [command, ...before] = launcher?.command ?? [process.execPath, BIN];
    this.child = spawn(command, [...before, ...args], {
      env: { ...process.env, ...env },
      stdio: 'pipe',
      ...(launcher?.cwd !== undefined ? { cwd: launcher.cwd } : {}),
      detached: launcher?.detached ?? false,
    });
    let partial = '';
    this.child.stdout.on('data', (d: Buffer) => {
      this.stdout += d.toString();
      this.wake();
    });
    this.child.stderr.on('data', (d: Buffer) => {
      const text = d.toString();
      this.stderr += text;
      partial += text;
      const lines = partial.split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        try {
          this.logs.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          // progress lines and error messages are not JSON
        }
      }
      this.wake();
    });
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve({ code, signal })));
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves with the first value `probe` returns other than undefined, re-checked on every output; rejects after `ms` or if the process exits first. */
  async until<T>(probe: () => T | undefined, what: string, ms = 20_000): Promise<T> {
    const deadline = Date.now() + ms;
    let exited = false;
    void this.exited.then(() => {
      exited = true;
      this.wake();
    });
    for (;;) {
      const v = probe();
      if (v !== undefined) return v;
      if (exited) throw new Error(`process exited while waiting for ${what}\nstderr:\n${this.stderr}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}\nstderr:\n${this.stderr}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  log(msg: string): Record<string, unknown> | undefined {
    return this.logs.find((l) => l['msg'] === msg);
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }
}

/** Run to completion. */
export async function runCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cli = new Cli(args, env);
  const { code } = await cli.exited;
  return { code, stdout: cli.stdout, stderr: cli.stderr };
}
