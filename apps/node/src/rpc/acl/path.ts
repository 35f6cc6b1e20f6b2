/**
 * Paths as resto compares them: split on `/` with empty segments dropped (`Resto.Utils.split_path`),
 * each segment percent-decoded (`Uri.pct_decode`). Decoded segments are byte strings (one char per
 * byte), so a pattern and a request agree whatever way they spell a non-ASCII character.
 */

const HEX = /^[0-9a-fA-F]$/;

/** `Uri.pct_decode`: `%XX` becomes the byte; a `%` not followed by two hex digits stays as it is. */
export function pctDecode(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    const hi = String.fromCharCode(bytes[i + 1] ?? 0);
    const lo = String.fromCharCode(bytes[i + 2] ?? 0);
    if (b === 0x25 && i + 2 < bytes.length && HEX.test(hi) && HEX.test(lo)) {
      out.push(parseInt(hi + lo, 16));
      i += 2;
    } else {
      out.push(b);
    }
  }
  return Buffer.from(out).toString('latin1');
}

/** `Resto.Utils.split_path`: `//a//b/` is `["a", "b"]`. */
export function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

/** The decoded segments of a request target (`Resto.Utils.decode_split_path (Uri.path uri)`). */
export function requestPath(url: string): string[] {
  const end = url.search(/[?#]/);
  return splitPath(end < 0 ? url : url.slice(0, end)).map(pctDecode);
}
