import { CodedError } from '@tezos-p2p/encoding';
/** A configuration problem: `key` names where (a config.json path or a CLI option), `expected` what was wanted. */
export class ConfigError extends CodedError<'CONFIG_INVALID'> {
  override readonly name = 'ConfigError';
  readonly code = 'CONFIG_INVALID';

  constructor(
    readonly key: string,
    readonly expected: string,
    readonly found?: unknown,
  ) {
    super(`${key}: expected ${expected}${found === undefined ? '' : `, got ${JSON.stringify(found)}`}`);
  }
}
