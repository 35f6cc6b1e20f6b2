import { JsonLineSplitter } from './json-lines.js';

/** An RPC answered with another status than 200. */
export class RpcHttpError extends Error {
  override readonly name = 'RpcHttpError';
  readonly code = 'RPC_HTTP_STATUS';
  constructor(
    readonly path: string,
    readonly status: number,
  ) {
    super(`${path}: HTTP ${status}${status === 401 ? ' (refused by the RPC access list)' : ''}`);
  }
}

/** GET a JSON answer from the server that served the page. */
export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(path, { headers: { accept: 'application/json' }, ...(signal ? { signal } : {}) });
  if (!res.ok) throw new RpcHttpError(path, res.status);
  return (await res.json()) as T;
}

/**
 * Reads a chunked JSON-lines stream (`/network/log`) as it arrives, handing each value to `onValue`.
 * Resolves when the server ends it; rejects on a refusal or a broken stream.
 */
export async function readJsonLines(path: string, onValue: (v: unknown) => void, signal: AbortSignal): Promise<void> {
  const res = await fetch(path, { signal });
  if (!res.ok || res.body === null) throw new RpcHttpError(path, res.status);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  const lines = new JsonLineSplitter();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    for (const v of lines.push(value)) onValue(v);
  }
}

/**
 * Keeps a stream open: re-opens it after it ends or breaks (the node restarting, a stream cut for
 * falling behind), waiting a little longer each time, until `signal` aborts.
 */
export function followJsonLines(
  path: string,
  onValue: (v: unknown) => void,
  onState: (error: string | undefined) => void,
  signal: AbortSignal,
): void {
  let delay = 500;
  const loop = async () => {
    while (!signal.aborted) {
      try {
        onState(undefined);
        await readJsonLines(path, onValue, signal);
        delay = 500;
      } catch (e) {
        if (signal.aborted) return;
        onState(e instanceof Error ? e.message : String(e));
      }
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 10_000);
    }
  };
  void loop();
}
