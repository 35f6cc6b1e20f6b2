import { CodedError } from '@tezos-p2p/encoding';
/**
 * Why an `rpc.acl` entry was refused. The reasons are those of Octez's parsers (`resto/src/acl.ml
 * parse`, `src/lib_base/point_parser.mll`), which make octez-node refuse the whole config.json.
 */
export type AclErrorCode =
  /** A whitelist or blacklist element is not a valid `[METHOD ]/path` pattern. */
  | 'INVALID_ACL_PATTERN'
  /** The `address` is not `<addr>[:<port>][#<peer_id>]`. */
  | 'INVALID_ACL_ADDRESS';

/** Where the offending text sits in `rpc.acl`, so the message can name it as config.json does. */
export interface AclErrorLocation {
  /** Index of the entry in `rpc.acl`. */
  readonly entry: number;
  /** `address`, or `whitelist[i]` / `blacklist[i]`. */
  readonly field: string;
}

export class AclError extends CodedError<AclErrorCode> {
  override readonly name = 'AclError';

  constructor(
    readonly code: AclErrorCode,
    /** The refused text. */
    readonly text: string,
    /** Octez's explanation (its `Invalid_argument` message, without the `Resto.Acl.parse: ` prefix). */
    readonly reason: string,
    readonly location?: AclErrorLocation,
  ) {
    super(`${location ? `rpc.acl[${location.entry}].${location.field}: ` : ''}${JSON.stringify(text)}: ${reason}`);
  }

  /** The same error, located in `rpc.acl`. */
  at(location: AclErrorLocation): AclError {
    return new AclError(this.code, this.text, this.reason, location);
  }
}
