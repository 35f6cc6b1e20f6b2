import { readdirSync } from 'node:fs';
import { fromHex } from '@tezos-p2p/encoding';
import { fixturePath, readFixtureJson } from '@tezos-p2p/fixtures';
import { describe, expect, it } from 'vitest';
import {
  JsonShapeError,
  formatTimestamp,
  identityFromJson,
  identityJson,
  parsePeerId,
  parseTimestamp,
  peerIdFromBytes,
  peerIdToBytes,
  peersFile,
  shellPeerMetadataConfig,
} from '../src/index.js';
import { incrShellPeerMetadata } from '../src/peer-metadata.js';

function identityFiles(): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const dir of ['tezedge/identities', 'tezedge-debugger/identities']) {
    for (const f of readdirSync(fixturePath(dir))) {
      const j = readFixtureJson<unknown>(`${dir}/${f}`);
      if (Array.isArray(j))
        j.forEach((e, i) => {
          const { origin: _o, ...rest } = e as Record<string, unknown>;
          out.push([`${dir}/${f}[${i}]`, rest]);
        });
      else out.push([`${dir}/${f}`, j]);
    }
  }
  out.push(['tezos-dissector/identity.json', readFixtureJson('tezos-dissector/identity.json')]);
  out.push(['tezedge/benches/identity.json', readFixtureJson('tezedge/benches/identity.json')]);
  return out;
}

describe('peer ids', () => {
  it('b58check with prefix 0x9967 (vectors.md §6)', () => {
    expect(peerIdFromBytes(fromHex('56cde7b29892029dd5835a755384b154'))).toBe('idrdoT9g6YwELhUQyshCcHwAzBS9zA');
    expect(peerIdFromBytes(fromHex('a0bc6b2244e1c4e2048ccc5bcc6c8bbf'))).toBe('idsfYM6UbG2nhNS1dqhsJEchaDhmd9');
    expect(peerIdToBytes(parsePeerId('idrdoT9g6YwELhUQyshCcHwAzBS9zA'))).toEqual(
      fromHex('56cde7b29892029dd5835a755384b154'),
    );
  });

  it('rejects a bad checksum or prefix', () => {
    expect(() => parsePeerId('idrdoT9g6YwELhUQyshCcHwAzBS9zB')).toThrow(RangeError);
    expect(() => parsePeerId('tz1VSUr8wwNhLAzempoch5d6hLRiTh8Cjcjb')).toThrow(RangeError);
  });
});

describe('identity.json schema', () => {
  it.each(identityFiles())('reads %s', (_name, json) => {
    const id = identityFromJson(json);
    expect(id.publicKey.length).toBe(32);
    expect(id.secretKey.length).toBe(32);
    expect(id.proofOfWorkStamp.length).toBe(24);
  });

  it('names each bad key', () => {
    let err: unknown;
    try {
      identityJson.check({ public_key: 'zz', secret_key: '00', extra: 1 }, 'identity.json');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(JsonShapeError);
    const msg = (err as Error).message;
    expect(msg).toContain("missing key 'proof_of_work_stamp'");
    expect(msg).toContain("unexpected key 'extra'");
    expect(msg).toContain('public_key');
  });
});

describe('peers.json schema', () => {
  const meta = shellPeerMetadataConfig.initial();
  const entry = {
    peer_id: 'idrdoT9g6YwELhUQyshCcHwAzBS9zA',
    created: '2026-05-18T10:00:00.123-00:00',
    trusted: true,
    peer_metadata: meta,
    events: [
      { kind: 'incoming_request', timestamp: '2026-05-18T10:00:00.200-00:00', addr: '::ffff:203.0.113.7', port: 9732 },
    ],
    last_established_connection: [{ addr: '::ffff:203.0.113.7', port: 9732 }, '2026-05-18T10:00:00.300-00:00'],
  };

  it('accepts the Octez layout (pool.md §9)', () => {
    expect(peersFile.check([entry], 'peers.json')).toHaveLength(1);
  });

  it('rejects unknown keys and malformed stamps', () => {
    expect(() => peersFile.check([{ ...entry, state: 'running' }], 'peers.json')).toThrow(/unexpected key 'state'/);
    expect(() => peersFile.check([{ ...entry, last_disconnection: [{ addr: '::1' }] }], 'peers.json')).toThrow(
      JsonShapeError,
    );
    expect(() => peersFile.check({}, 'peers.json')).toThrow(JsonShapeError);
  });

  it('shell peer metadata: legacy v0 groups read as zero, counters are decimal strings', () => {
    const legacy = structuredClone(meta) as unknown as Record<string, Record<string, Record<string, string>>>;
    delete legacy['responses']!['sent']!['checkpoint'];
    const m = shellPeerMetadataConfig.fromJson(legacy);
    expect(m.responses.sent.checkpoint).toBe('0');
    incrShellPeerMetadata(m, ['requests', 'received', 'head']);
    incrShellPeerMetadata(m, ['requests', 'received', 'head']);
    expect(m.requests.received.head).toBe('2');
    expect(() => shellPeerMetadataConfig.fromJson({ ...meta, valid_blocks: 3 })).toThrow(JsonShapeError);
  });
});

describe('timestamps', () => {
  it('format as Octez (3 decimals, -00:00) and parse both JSON cases', () => {
    const ms = Date.UTC(2024, 8, 18, 9, 46, 46, 376);
    expect(formatTimestamp(ms)).toBe('2024-09-18T09:46:46.376-00:00');
    expect(parseTimestamp('2024-09-18T09:46:46.376-00:00')).toBe(ms);
    expect(parseTimestamp('1726652806')).toBe(1726652806000);
    expect(() => parseTimestamp('yesterday')).toThrow(RangeError);
  });
});
