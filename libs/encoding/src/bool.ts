import { EncodeError } from './errors.js';
import { type Encoding, fixedSize } from './encoding.js';

/**
 * 0xff for true, 0x00 for false. Octez's reader takes any non-zero byte as true; we reject other
 * bytes (INVALID_BOOL) so that every accepted input re-encodes to the same bytes. No Octez writer
 * ever produces another value (docs/CONFORMANCE.md).
 */
export const bool: Encoding<boolean> = {
  sizeClass: fixedSize(1),
  title: 'bool',
  sizeOf: () => 1,
  write(w, v) {
    if (typeof v !== 'boolean') throw new EncodeError('INVALID_VALUE', `bool: ${String(v)} is not a boolean`);
    w.uint8(v ? 0xff : 0x00);
  },
  read(r) {
    const at = r.pos;
    const b = r.uint8();
    if (b === 0xff) return true;
    if (b === 0x00) return false;
    return r.fail('INVALID_BOOL', `byte 0x${b.toString(16).padStart(2, '0')} is neither 0x00 nor 0xff`, at);
  },
};
