import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { NETNS_SCRIPT, type NetnsResult, type NetnsSummary, SKIP_STATUS, classify, runNetns } from '../src/index.js';

const NODES = 4;
/** The script's deadline for the network to form; it usually takes 10 to 15 s. */
const WAIT_S = 45;

const isRoot = process.getuid?.() === 0;
const has = (cmd: string) => spawnSync('bash', ['-c', `command -v ${cmd}`]).status === 0;
const ipLines = (...args: string[]) => execFileSync('ip', args, { encoding: 'utf8' }).split('\n');
const tmpDirs: string[] = [];
afterAll(() => {
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
});

/** `bash netns.sh run 3` as it is, synchronously: for the skips, which happen before anything is created. */
function runScript(argv0: string[], env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(argv0[0]!, [...argv0.slice(1), NETNS_SCRIPT, 'run', '3'], {
    env,
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('classify: a failure is never taken for a skip', () => {
  it('is a skip only for exit status 77 with one known `skipped:` line and nothing else', () => {
    expect(classify(77, null, 'skipped: ip not found\n')).toEqual({ status: 'skipped', reason: 'ip not found' });
    expect(
      classify(77, null, 'skipped: not root (uid 1000; network namespaces need CAP_SYS_ADMIN and CAP_NET_ADMIN)\n')
        .status,
    ).toBe('skipped');
    expect(
      classify(
        77,
        null,
        'skipped: ip netns not permitted (mount --make-shared /run/netns failed: Operation not permitted)\n',
      ).status,
    ).toBe('skipped');
    // Status 77 from anything but the environment checks.
    expect(classify(77, null, '').status).toBe('failed');
    expect(classify(77, null, 'skipped: the disk is full\n').status).toBe('failed');
    expect(classify(77, null, 'skipped: not root\nskipped: not root\n').status).toBe('failed');
    expect(
      classify(77, null, 'tzp2p on 4 network namespaces\nRESULT: FAILED\nNETNS_SUMMARY {"ok":false,"failures":["x"]}\n')
        .status,
    ).toBe('failed');
    // A skip line with another status, a report that failed, no report, a signal.
    expect(classify(1, null, 'skipped: not root\n').status).toBe('failed');
    expect(classify(0, null, 'NETNS_SUMMARY {"ok":false,"failures":["n1: no connection"]}\n')).toMatchObject({
      status: 'failed',
      why: 'exit status 0: n1: no connection',
    });
    expect(classify(0, null, 'RESULT: ok\n').status).toBe('failed');
    expect(classify(null, 'SIGKILL', '').status).toBe('failed');
    expect(classify(0, null, 'NETNS_SUMMARY {"ok":true,"failures":[]}\n').status).toBe('ok');
  });
});

describe('netns.sh skips with exit status 77 and a one-line reason where it cannot run', () => {
  it('without `ip` on PATH: "skipped: ip not found"', () => {
    const bin = mkdtempSync(join(tmpdir(), 'tzp2p-netns-path-'));
    tmpDirs.push(bin);
    for (const cmd of ['bash', 'dirname', 'basename']) {
      symlinkSync(execFileSync('bash', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).trim(), join(bin, cmd));
    }
    const r = runScript([join(bin, 'bash')], { ...process.env, PATH: bin });
    expect(r).toMatchObject({ status: SKIP_STATUS, stdout: 'skipped: ip not found\n' });
  });

  /** setpriv failing (not allowed to change ids or capabilities here), or the script unreadable to that user, says nothing about the script. */
  const unlessSetprivFailed = (ctx: TestContext, r: { status: number | null; stderr: string }) => {
    if (r.stderr.startsWith('setpriv:')) ctx.skip(`setpriv cannot do it here: ${r.stderr.trim()}`);
    if ((r.status === 126 || r.status === 127) && r.stderr.includes('Permission denied'))
      ctx.skip(`the script cannot be read by that user: ${r.stderr.trim()}`);
  };

  it.skipIf(!isRoot || !has('setpriv') || !has('ip'))('as an unprivileged user: "skipped: not root"', (ctx) => {
    const r = runScript(['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', 'bash']);
    unlessSetprivFailed(ctx, r);
    expect(r.status).toBe(SKIP_STATUS);
    expect(r.stdout).toMatch(/^skipped: not root \(uid 65534[^\n]*\)\n$/);
  });

  it.skipIf(!isRoot || !has('setpriv') || !has('ip'))(
    'as root without CAP_SYS_ADMIN: "skipped: ip netns not permitted"',
    (ctx) => {
      const r = runScript([
        'setpriv',
        '--bounding-set=-sys_admin,-net_admin',
        '--inh-caps=-sys_admin,-net_admin',
        'bash',
      ]);
      unlessSetprivFailed(ctx, r);
      expect(r.status).toBe(SKIP_STATUS);
      expect(r.stdout).toMatch(/^skipped: ip netns not permitted \([^\n]*\)\n$/);
    },
  );
});

describe(`netns.sh run ${NODES}: tzp2p nodes in network namespaces find each other by LAN discovery`, () => {
  let result: NetnsResult;

  beforeAll(
    async () => {
      result = await runNetns(NODES, { seconds: WAIT_S, timeoutMs: (WAIT_S + 40) * 1000 });
      if (result.status === 'skipped') {
        console.warn(`netns: skipped: ${result.reason}`);
        return;
      }
      // The report, for whoever reads the test output.
      console.log(
        result.stdout
          .split('\n')
          .filter((l) => !l.startsWith('NETNS_SUMMARY '))
          .join('\n'),
      );
      if (result.status === 'failed') console.error(`netns: FAILED: ${result.why}\n${result.stderr.slice(-4000)}`);
    },
    (WAIT_S + 60) * 1000,
  );

  /**
   * Skips (with the script's reason) where namespaces are unavailable, after checking that the
   * reason agrees with what this process sees; otherwise the report, which a failed run may lack.
   */
  function summaryOf(ctx: TestContext): NetnsSummary {
    if (result.status === 'skipped') {
      if (result.reason.startsWith('not root'))
        expect(isRoot, 'the script says "not root" but this process is root').toBe(false);
      if (result.reason === 'ip not found')
        expect(has('ip'), 'the script says "ip not found" but ip is on PATH').toBe(false);
      ctx.skip(`skipped: ${result.reason}`);
    }
    if (result.summary === undefined) {
      throw new Error(
        `netns.sh failed (${result.status === 'failed' ? result.why : '?'}) without a report\n${result.stdout}\n${result.stderr.slice(-4000)}`,
      );
    }
    return result.summary;
  }

  it('exits 0 with every check of its report passed', (ctx) => {
    const s = summaryOf(ctx);
    expect(s.failures).toEqual([]);
    expect(result.status === 'failed' ? result.why : result.status).toBe('ok');
    expect(result.exitCode).toBe(0);
  });

  it('brings every node within its maintenance thresholds, in one connected graph', (ctx) => {
    const s = summaryOf(ctx);
    expect(s.nodes).toHaveLength(NODES);
    for (const n of s.nodes) {
      expect(n.connections.length, `${n.name}'s connections`).toBeGreaterThanOrEqual(s.thresholds.min);
      expect(n.connections.length, `${n.name}'s connections`).toBeLessThanOrEqual(s.thresholds.max);
      expect(n.withinThresholds).toBe(true);
    }
    expect(s.graph.connected).toBe(true);
  });

  it('connects over the veths: every connection is between two hosts of the subnet, never loopback', (ctx) => {
    const s = summaryOf(ctx);
    const prefix = s.subnet.replace(/0\/24$/, '');
    const byAddress = new Map(s.nodes.map((n) => [n.address, n]));
    for (const n of s.nodes) {
      expect(n.address.startsWith(prefix)).toBe(true);
      for (const c of n.connections) {
        expect(c.address.startsWith(prefix), `${n.name} → ${c.address}`).toBe(true);
        expect(c.address).not.toBe(n.address);
        expect(c.address).not.toMatch(/^127\.|^::1$/);
        // The address is the host of the node whose peer id answered there, on the listening port.
        expect(byAddress.get(c.address)?.peerId).toBe(c.peerId);
        expect(c.port).toBe(s.p2pPort);
      }
      // The interface carried the traffic both ways.
      expect(n.link?.txBytes ?? 0).toBeGreaterThan(0);
      expect(n.link?.rxBytes ?? 0).toBeGreaterThan(0);
    }
  });

  it('finds the peers by discovery alone: announces to the subnet broadcast and to 255.255.255.255 cross the bridge', (ctx) => {
    const s = summaryOf(ctx);
    const prefix = s.subnet.replace(/0\/24$/, '');
    expect(new Set(s.nodes.map((n) => n.discoveryAddr))).toEqual(new Set([`${prefix}255`, '255.255.255.255']));
    for (const n of s.nodes) {
      expect(n.discovery.destinations).toEqual([n.discoveryAddr]);
      expect(n.discovery.errors).toEqual([]);
      expect(n.discovery.receivedFromOthers, `${n.name} received`).toBeGreaterThan(0);
      expect(n.discovery.registered, `${n.name} registered`).toBeGreaterThan(0);
      // Somebody else heard this node's announces, whichever broadcast address it used.
      expect(
        s.nodes.some((m) => m !== n && m.discovery.from.includes(n.name)),
        `${n.name} heard`,
      ).toBe(true);
      // With no --peer and no bootstrap peer, every point a node knows is another host of the subnet.
      for (const p of n.points) expect(p.point.startsWith(prefix), `${n.name} knows ${p.point}`).toBe(true);
    }
    expect(s.discoveredPoints).toBeGreaterThanOrEqual(1);
  });

  it('stops every node cleanly on SIGTERM: exit status 0 and peers.json written', (ctx) => {
    const s = summaryOf(ctx);
    for (const n of s.nodes) {
      expect(n.exitStatus, n.name).toBe('0');
      expect(n.peersFile, n.name).toBe(true);
    }
  });

  it('tears everything down: no namespace and no interface of the run is left', (ctx) => {
    const s = summaryOf(ctx);
    expect(s.teardown).toEqual({ namespacesLeft: [], linksLeft: [] });
    expect(ipLines('netns', 'list').filter((l) => l.startsWith(`${s.prefix}-`))).toEqual([]);
    expect(ipLines('-o', 'link', 'show').filter((l) => l.includes(s.ifTag))).toEqual([]);
  });

  it('fails (exit status 1, not a skip) when a node fails, even with status 77, and still tears down', async (ctx) => {
    summaryOf(ctx);
    const fixture = fileURLToPath(new URL('./fixtures/exit-77.mjs', import.meta.url));
    const r = await runNetns(3, { seconds: 10, timeoutMs: 60_000, env: { ...process.env, TZP2P_BIN: fixture } });
    if (r.logsKept !== undefined) tmpDirs.push(r.logsKept);
    expect(r.status).toBe('failed');
    expect(r.exitCode).toBe(1);
    expect(r.stdout).not.toMatch(/skipped/);
    expect(r.stderr).toMatch(/node n\d exited early \(status 77\)/);
    expect(r.prefix).toMatch(/^tzp2p-[0-9a-f]+$/);
    expect(ipLines('netns', 'list').filter((l) => l.startsWith(`${r.prefix!}-`))).toEqual([]);
  }, 70_000);
});
