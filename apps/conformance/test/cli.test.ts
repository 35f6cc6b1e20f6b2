import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readTranscriptFile, writeTranscriptFile } from '@tezos-p2p/transcript';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_TRANSCRIPTS_DIR } from '../src/index.js';

const BIN = fileURLToPath(new URL('../bin/tzp2p-conformance.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tzp2p-conformance-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });

describe('tzp2p-conformance (subprocess)', () => {
  it('replays the checked-in suite: table, JSON, exit status 0', () => {
    const json = join(dir, 'results.json');
    const r = run('run', '--json', json);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('carthagenet-tezedge-2020');
    expect(r.stdout).toMatch(/\d+ transcripts: \d+ checks passed, 0 failed/);
    const out = JSON.parse(readFileSync(json, 'utf8')) as { summary: { failed: number; transcripts: number } };
    expect(out.summary).toMatchObject({ failed: 0 });
    expect(out.summary.transcripts).toBeGreaterThanOrEqual(11);
  });

  it('exits 1 and names the first differing byte when a transcript is wrong', () => {
    const bad = join(dir, 'bad');
    mkdirSync(bad);
    const t = readTranscriptFile(join(DEFAULT_TRANSCRIPTS_DIR, 'carthagenet-debugger-handshake-1.tzt'));
    const records = t.records.map((r) => (r.layer === 'CHUNK' ? { ...r, plaintext: Uint8Array.of(0x00, 0xff) } : r));
    writeTranscriptFile(join(bad, 'tampered.tzt'), { ...t, session: { ...t.session, name: 'tampered' }, records });
    copyFileSync(
      join(DEFAULT_TRANSCRIPTS_DIR, 'octez-codec-network-version.tzt'),
      join(bad, 'octez-codec-network-version.tzt'),
    );
    writeFileSync(join(bad, 'garbage.tzt'), 'not a transcript');
    const r = run('run', '--transcripts', bad);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/FAIL @1/);
    expect(r.stdout).toMatch(/FAIL tampered decrypt: sent chunk 0 plaintext: byte 1/);
    expect(r.stdout).toMatch(/FAIL garbage\.tzt .*TRANSCRIPT_INVALID/);
    expect(r.stdout).toMatch(/octez-codec-network-version .*pass 1/);
  });

  it('refuses a bad --target before doing anything', () => {
    const r = run('run', '--target', 'nowhere', '--pow', '0');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('--target: expected host:port');
  });
});
