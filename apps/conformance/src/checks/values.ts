import { decode, encode } from '@tezos-p2p/encoding';
import { ackEncoding, connectionMessageEncoding, networkVersionEncoding } from '@tezos-p2p/wire';
import { expectSameBytes } from './bytes.js';
import { decodeOrFail, reencodeAppPayload, reencodeMessage } from './codecs.js';
import type { ReplayContext } from './context.js';
import { normaliseKind } from './messages.js';
import { CheckFailure, type CheckResult, pass, skip } from './result.js';

/** Standalone values: each decodes and re-encodes byte for byte, and is of its recorded kind. */
export function checkValues(ctx: ReplayContext): CheckResult {
  if (ctx.values.length === 0) return skip('values', 'no standalone value recorded');
  const kinds: string[] = [];
  ctx.values.forEach((r, i) => {
    const where = `value ${i} (${r.layer.toLowerCase()}${r.kind ? ` ${r.kind}` : ''})`;
    const plain = r.plaintext!;
    let kind: string;
    switch (r.layer) {
      case 'APP_PAYLOAD': {
        const out = reencodeAppPayload(r.tag!, plain, where);
        expectSameBytes(out.bytes, plain, where);
        kind = out.kind;
        break;
      }
      case 'MESSAGE': {
        const out = reencodeMessage(plain, where);
        expectSameBytes(out.bytes, plain, where);
        kind = out.kind;
        break;
      }
      case 'CONNECTION_MESSAGE_BODY':
        expectSameBytes(
          encode(
            connectionMessageEncoding,
            decodeOrFail(() => decode(connectionMessageEncoding, plain), where),
          ),
          plain,
          where,
        );
        kind = 'connection_message';
        break;
      case 'ACK': {
        const ack = decodeOrFail(() => decode(ackEncoding, plain), where);
        expectSameBytes(encode(ackEncoding, ack), plain, where);
        kind = ack.kind;
        break;
      }
      case 'NETWORK_VERSION':
        expectSameBytes(
          encode(
            networkVersionEncoding,
            decodeOrFail(() => decode(networkVersionEncoding, plain), where),
          ),
          plain,
          where,
        );
        kind = 'network_version';
        break;
      default:
        throw new CheckFailure(`${where}: a ${r.layer} record is not a standalone value`);
    }
    if (r.kind && normaliseKind(r.kind) !== normaliseKind(kind))
      throw new CheckFailure(`${where}: decodes as ${kind}`, where);
    kinds.push(kind);
  });
  return pass('values', kinds.length, kinds.join(', '));
}
