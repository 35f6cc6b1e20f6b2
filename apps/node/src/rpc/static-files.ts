import { readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';

/** The only files served, by extension; anything else is 404 even if it is in the directory. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * A file name as served: one path segment, starting with a letter or digit (so never `.`, `..` or a
 * dotfile), of letters, digits, `.`, `_` and `-` only. Anything with a separator, an encoded one
 * included, is refused before the file system is asked.
 */
const SERVABLE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export interface StaticFile {
  readonly body: Buffer;
  readonly contentType: string;
  /** Changes whenever the file is rebuilt (size and modification time). */
  readonly etag: string;
}

/** Whether `name` may name a file of the served directory (a single, plain segment with a known type). */
export function isServableName(name: string): boolean {
  return SERVABLE_NAME.test(name) && CONTENT_TYPES[extname(name)] !== undefined;
}

/** The regular file `name` of `dir`, or undefined when it is not servable or not there. */
export async function readStaticFile(dir: string, name: string): Promise<StaticFile | undefined> {
  if (!isServableName(name)) return undefined;
  const path = join(dir, name);
  try {
    const s = await stat(path);
    if (!s.isFile()) return undefined;
    return {
      body: await readFile(path),
      contentType: CONTENT_TYPES[extname(name)]!,
      etag: `W/"${s.size.toString(16)}-${Math.trunc(s.mtimeMs).toString(16)}"`,
    };
  } catch {
    return undefined;
  }
}
