import { type AclAddress, parseAclAddress } from './address.js';
import { AclError } from './errors.js';
import type { RpcAclJson } from './json.js';
import { type Matcher, parseMatcher } from './matcher.js';
import type { AclPolicy } from './policy.js';

/** One checked `rpc.acl` entry, its address not yet resolved. */
export interface AclEntry {
  /** The entry as config.json has it, for logs. */
  readonly source: RpcAclJson;
  readonly address: AclAddress;
  readonly policy: AclPolicy;
}

function parseList(list: readonly string[], entry: number, name: string): Matcher[] {
  return list.map((text, i) => {
    try {
      return parseMatcher(text);
    } catch (e) {
      throw e instanceof AclError ? e.at({ entry, field: `${name}[${i}]` }) : e;
    }
  });
}

/**
 * `RPC_server.Acl.policy_encoding`, after the config reader checked the shape: a `whitelist` denies
 * all but its patterns, a `blacklist` allows all but them. Throws the first `AclError`, located.
 */
export function parseAclEntries(json: readonly RpcAclJson[]): AclEntry[] {
  return json.map((e, entry) => {
    let address: AclAddress;
    try {
      address = parseAclAddress(e.address);
    } catch (err) {
      throw err instanceof AclError ? err.at({ entry, field: 'address' }) : err;
    }
    const policy: AclPolicy =
      'whitelist' in e
        ? { kind: 'deny_all', except: parseList(e.whitelist, entry, 'whitelist') }
        : { kind: 'allow_all', except: parseList(e.blacklist, entry, 'blacklist') };
    return { source: e, address, policy };
  });
}
