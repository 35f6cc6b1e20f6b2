/**
 * Splits a chunked stream of JSON lines (`/network/log`): chunks cut anywhere, a line complete only
 * at its newline. What is left after the last newline waits for the next chunk.
 */
export class JsonLineSplitter {
  private partial = '';

  /** The values completed by this chunk, in order. Throws `SyntaxError` on a line that is not JSON. */
  push(chunk: string): unknown[] {
    const text = this.partial + chunk;
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    return lines.filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as unknown);
  }
}
