/** Ask the target, through its RPC, to connect to `point` (`PUT /network/points/<point>`, Octez's API). */
export async function askTargetToConnect(rpc: string, point: string, timeoutS: number): Promise<void> {
  const url = `${rpc.replace(/\/$/, '')}/network/points/${encodeURIComponent(point)}?timeout=${timeoutS}`;
  const res = await fetch(url, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: '{}',
    signal: AbortSignal.timeout((timeoutS + 5) * 1000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`PUT ${url}: ${res.status} ${text.trim()}`);
}

/** Wait until the target no longer lists `peerId` among its connections (it learns of a close asynchronously). */
export async function waitUntilDisconnected(rpc: string, peerId: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${rpc.replace(/\/$/, '')}/network/connections`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    const list = (await res.json()) as { peer_id?: string }[];
    if (!list.some((c) => c.peer_id === peerId)) return;
    if (Date.now() > deadline) throw new Error(`the target still lists ${peerId} as connected after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
