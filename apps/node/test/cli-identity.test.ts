import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-process.js';

const dir = mkdtempSync(join(tmpdir(), 'tzp2p-cli-id-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tzp2p identity (subprocess)', () => {
  it('generates, shows and checks an identity; refuses to overwrite it', async () => {
    const gen = await runCli(['identity', 'generate', '--data-dir', dir, '--difficulty', '6', '--json']);
    expect(gen.code, gen.stderr).toBe(0);
    const { peer_id } = JSON.parse(gen.stdout) as { peer_id: string };
    expect(peer_id).toMatch(/^id[1-9A-HJ-NP-Za-km-z]{28}$/);
    expect(statSync(join(dir, 'identity.json')).mode & 0o777).toBe(0o600);

    const show = await runCli(['identity', 'show', '--data-dir', dir, '--json']);
    expect(show.code).toBe(0);
    const shown = JSON.parse(show.stdout) as Record<string, unknown>;
    expect(shown['peer_id']).toBe(peer_id);
    expect(shown['proof_of_work_level']).toBeGreaterThanOrEqual(6);
    expect(show.stdout).not.toContain('secret');

    expect((await runCli(['identity', 'check', '--data-dir', dir, '--difficulty', '6'])).code).toBe(0);
    const tooHard = await runCli(['identity', 'check', '--data-dir', dir, '--difficulty', '200']);
    expect(tooHard.code).toBe(1);
    expect(tooHard.stderr).toContain('[INSUFFICIENT_PROOF_OF_WORK]');

    const again = await runCli(['identity', 'generate', '--data-dir', dir, '--difficulty', '0']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('[IDENTITY_FILE_EXISTS]');
    expect(JSON.parse((await runCli(['identity', 'show', '--data-dir', dir, '--json'])).stdout)['peer_id']).toBe(
      peer_id,
    );
  });

  it('names the bad option and what it expected', async () => {
    const bad = await runCli(['identity', 'generate', '--data-dir', join(dir, 'x'), '--difficulty', 'lots']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--difficulty: expected .*"lots".*\[CONFIG_INVALID\]/);
    const missing = await runCli(['identity', 'show', '--data-dir', join(dir, 'nowhere')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('[IDENTITY_FILE_NOT_FOUND]');
  });
});
