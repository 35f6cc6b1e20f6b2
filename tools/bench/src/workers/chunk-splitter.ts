/** Bytes of a fixed-size chunk of the idealised pipelines: 2-byte size, 16-byte tag, 65,517 bytes of data. */
export const PIPELINE_CHUNK = 65535;

/**
 * An `onread` callback for the idealised receivers: cuts each read of the reused buffer into whole
 * PIPELINE_CHUNK chunks, handing each to `chunk` in place; a chunk's beginning is kept aside until the
 * next read completes it (the read buffer is overwritten by the next read).
 */
export function chunkSplitter(chunk: (b: Uint8Array, at: number) => void): (n: number, buf: Uint8Array) => boolean {
  const scratch = new Uint8Array(PIPELINE_CHUNK);
  let partial = 0;
  return (n, buf) => {
    const d = buf.subarray(0, n);
    let at = 0;
    if (partial > 0) {
      const k = Math.min(PIPELINE_CHUNK - partial, d.length);
      scratch.set(d.subarray(0, k), partial);
      partial += k;
      at = k;
      if (partial === PIPELINE_CHUNK) {
        chunk(scratch, 0);
        partial = 0;
      }
    }
    for (; d.length - at >= PIPELINE_CHUNK; at += PIPELINE_CHUNK) chunk(d, at);
    if (at < d.length) {
      scratch.set(d.subarray(at), 0);
      partial = d.length - at;
    }
    // Never pause the socket.
    return true;
  };
}
