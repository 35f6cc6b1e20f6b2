import { inspect } from 'node:util';

const REDACTED = '[secret key redacted]';

/**
 * A secret key that cannot leak by accident: it prints, stringifies, serialises to JSON and inspects
 * as a redaction marker. The bytes are reachable only through `expose()`, which call sites use
 * explicitly (key agreement, saving identity.json).
 */
export class SecretKey {
  readonly #bytes: Uint8Array;

  constructor(bytes: Uint8Array) {
    this.#bytes = Uint8Array.from(bytes);
  }

  expose(): Uint8Array {
    return this.#bytes;
  }

  get length(): number {
    return this.#bytes.length;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
