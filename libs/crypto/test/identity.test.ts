import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { fromHex, toHex } from '@tezos-p2p/encoding';
import { fixturePath, readFixtureJson } from '@tezos-p2p/fixtures';
import { identityFromJson } from '@tezos-p2p/wire';
import { describe, expect, it } from 'vitest';
import {
  IdentityError,
  checkIdentity,
  generateIdentity,
  identityFileJson,
  identityFromFields,
  identityPowLevel,
  loadIdentity,
  parseIdentityFile,
  saveIdentity,
} from '../src/index.js';
import { backends } from './backends.js';

function fixtureIdentities(): [string, Record<string, string>][] {
  const out: [string, Record<string, string>][] = [];
  for (const dir of ['tezedge/identities', 'tezedge-debugger/identities']) {
    for (const f of readdirSync(fixturePath(dir))) {
      const j = readFixtureJson<Record<string, string> | Record<string, string>[]>(`${dir}/${f}`);
      for (const [i, e] of (Array.isArray(j) ? j : [j]).entries()) {
        const { origin: _origin, ...rest } = e;
        out.push([Array.isArray(j) ? `${dir}/${f}[${i}]` : `${dir}/${f}`, rest]);
      }
    }
  }
  out.push(['tezos-dissector/identity.json', readFixtureJson('tezos-dissector/identity.json')]);
  out.push(['tezedge/benches/identity.json', readFixtureJson('tezedge/benches/identity.json')]);
  return out;
}

const LOW_POW = 'tezedge/identities/embedded_in_sources.json[0]';

describe.each(backends)('%s backend: identity files', (_name, b) => {
  it.each(fixtureIdentities())('%s: keys, peer id and proof of work', (name, json) => {
    const id = identityFromFields(identityFromJson(json), b);
    expect(id.peerId).toBe(json['peer_id']);
    if (name === LOW_POW) {
      expect(identityPowLevel(id, b)).toBe(2);
      const err = (() => {
        try {
          checkIdentity(id, 26, b);
        } catch (e) {
          return e as IdentityError;
        }
      })();
      expect(err).toBeInstanceOf(IdentityError);
      expect(err?.code).toBe('INSUFFICIENT_PROOF_OF_WORK');
      expect(err?.message).toContain('proof of work 2, 26 is required');
    } else {
      expect(() => checkIdentity(id, 24, b)).not.toThrow();
    }
  });
});

describe('identity checks and files', () => {
  const A = {
    peer_id: 'idrdoT9g6YwELhUQyshCcHwAzBS9zA',
    public_key: '94498d9416140fbc458495333daac1b4c87e419f5726717a54f9b6c67476ae1c',
    secret_key: 'ac7acf3afed7637be10f8fc76a2eb6b3359c78adb1d813b41cbab3fae954f4b1',
    proof_of_work_stamp: 'bbc2300149249e1ccc84a54362236c3cbbc2cc2ffbd3b6ea',
  };

  it('rejects a secret key that does not derive the public key', () => {
    const bad = { ...A, secret_key: '0271fac86d020aebe6a1c9768381e7245e48e77524cca2a1652d0a621fac289f' };
    expect(() => identityFromFields(identityFromJson(bad))).toThrow(
      expect.objectContaining({ code: 'IDENTITY_KEYS_MISMATCH' }),
    );
  });

  it('rejects a peer id that is not the hash of the key, and recomputes an absent one', () => {
    const bad = { ...A, peer_id: 'idsfYM6UbG2nhNS1dqhsJEchaDhmd9' };
    expect(() => identityFromFields(identityFromJson(bad))).toThrow(
      expect.objectContaining({ code: 'IDENTITY_MISMATCH' }),
    );
    const { peer_id: _p, ...noId } = A;
    expect(identityFromFields(identityFromJson(noId)).peerId).toBe(A.peer_id);
  });

  it('never shows the secret key: JSON, inspect, String and error messages', () => {
    const id = identityFromFields(identityFromJson(A));
    const secret = A.secret_key;
    expect(JSON.stringify(id)).not.toContain(secret);
    expect(inspect(id, { depth: 10, showHidden: true })).not.toContain(secret);
    expect(inspect(id.secretKey)).toBe('[secret key redacted]');
    expect(String(id.secretKey)).toBe('[secret key redacted]');
    expect(JSON.stringify({ k: id.secretKey })).not.toContain(secret);
    const bad = { ...A, secret_key: 'ff'.repeat(32) };
    try {
      identityFromFields(identityFromJson(bad));
    } catch (e) {
      expect(String((e as Error).message)).not.toContain('ff'.repeat(32));
    }
    expect(toHex(identityFileJson(id).secret_key === secret ? fromHex(secret) : new Uint8Array())).toBe(secret);
  });

  it('saves atomically with mode 0600 and loads back; bad files are typed errors naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tzp2p-id-'));
    const path = join(dir, 'identity.json');
    const id = identityFromFields(identityFromJson(A));
    saveIdentity(path, id);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(A);
    expect(loadIdentity(path).peerId).toBe(A.peer_id);
    expect(readdirSync(dir)).toEqual(['identity.json']);
    writeFileSync(path, '{ not json');
    expect(() => loadIdentity(path)).toThrow(
      expect.objectContaining({ code: 'IDENTITY_FILE_INVALID', message: expect.stringContaining(path) }),
    );
    expect(() => parseIdentityFile('{"public_key": "00"}', 'x.json')).toThrow(
      expect.objectContaining({
        code: 'IDENTITY_FILE_INVALID',
        message: expect.stringContaining("missing key 'secret_key'"),
      }),
    );
    expect(() => loadIdentity(join(dir, 'missing.json'))).toThrow(
      expect.objectContaining({ code: 'IDENTITY_FILE_NOT_FOUND' }),
    );
  });
});

describe('identity generation', () => {
  it('generates an identity meeting the difficulty, on each backend', async () => {
    for (const [name] of backends) {
      const id = await generateIdentity({ difficulty: 8, workers: 2, backend: name as 'native' | 'js' });
      expect(identityPowLevel(id)).toBeGreaterThanOrEqual(8);
      expect(() => checkIdentity(id, 8)).not.toThrow();
    }
  });
});
