/**
 * Octez's JSON media type prints minified JSON followed by a newline (`Data_encoding.Json.to_string
 * ~minify:true ~newline:true`, `src/lib_rpc_http/media_type.ml`), for whole answers and for each
 * element of a stream alike; clients split streams on newlines.
 */
export function jsonLine(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}

/** A whole answer's body: bytes, since fastify would add `; charset=utf-8` to a string's content type. */
export function jsonBody(value: unknown): Buffer {
  return Buffer.from(jsonLine(value));
}

export const JSON_CONTENT_TYPE = 'application/json';
