import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateIdentity, saveIdentity } from '@tezos-p2p/crypto';
import { describe, expect, it } from 'vitest';
import { removeStrayIdentityTemps } from '../src/node/identity-file.js';

/** Above Linux's largest pid (2^22): no process can hold it. */
const DEAD_PID = 4_194_305;

describe("identity.json's temporary files (a crash between write and rename)", () => {
  it("removes what saveIdentity leaves when its rename fails: the writer's own naming", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tzp2p-identity-tmp-'));
    const path = join(dir, 'identity.json');
    // A non-empty directory in the file's place: the write succeeds, the rename fails.
    mkdirSync(path);
    writeFileSync(join(path, 'x'), '');
    const identity = await generateIdentity({ difficulty: 0, workers: 0 });
    expect(() => saveIdentity(path, identity)).toThrow();
    const left = readdirSync(dir).filter((n) => n !== 'identity.json');
    expect(left).toHaveLength(1); // the temporary file this test expects to clean
    expect(removeStrayIdentityTemps(path)).toEqual([join(dir, left[0]!)]);
    expect(readdirSync(dir)).toEqual(['identity.json']);
  });

  it("removes a dead process's, keeps a running one's and anything not named like them", () => {
    const dir = mkdtempSync(join(tmpdir(), 'tzp2p-identity-tmp-'));
    const path = join(dir, 'identity.json');
    const names = [
      `identity.json.tmp-${DEAD_PID}`,
      `identity.json.tmp-${process.ppid}`,
      'identity.json.tmp-x',
      'identity.json.tmp-',
      'peers.json.tmp-1',
    ];
    for (const n of names) writeFileSync(join(dir, n), '');
    expect(removeStrayIdentityTemps(path)).toEqual([join(dir, `identity.json.tmp-${DEAD_PID}`)]);
    expect(existsSync(join(dir, `identity.json.tmp-${process.ppid}`))).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(names.slice(1).sort());
    expect(removeStrayIdentityTemps(join(dir, 'missing-dir', 'identity.json'))).toEqual([]);
  });
});
