/**
 * OCaml's `%S` (`String.escaped` in quotes), which Octez's argument parsers use to echo a value:
 * `\"`, `\\`, `\n`, `\t`, `\r`, `\b`, printable ASCII as is, any other byte as `\ddd`.
 */
export function ocamlQuoted(text: string): string {
  let out = '"';
  for (const b of Buffer.from(text, 'utf8')) {
    if (b === 0x22) out += '\\"';
    else if (b === 0x5c) out += '\\\\';
    else if (b === 0x0a) out += '\\n';
    else if (b === 0x09) out += '\\t';
    else if (b === 0x0d) out += '\\r';
    else if (b === 0x08) out += '\\b';
    else if (b >= 0x20 && b <= 0x7e) out += String.fromCharCode(b);
    else out += `\\${b.toString().padStart(3, '0')}`;
  }
  return `${out}"`;
}
