/**
 * Runs `netns.sh run N` (tzp2p nodes in Linux network namespaces, found by LAN discovery) and
 * classifies its outcome: skipped (the environment cannot create namespaces: exit status 77 and one
 * `skipped: REASON` line, nothing else), ok (exit status 0 and a report whose checks all passed), or
 * failed (anything else, including a malformed skip).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The script's exit status when the environment cannot run it (no `ip`, not root, no namespaces). */
export const SKIP_STATUS = 77;

/** The reasons the script gives for a skip, at the start of its `skipped: ` line. */
export const SKIP_REASON = /^(ip not found|not root|ip netns not permitted|veth or bridge not supported)( \(.*\))?$/;

/** `netns.sh`, beside `src/` and `dist/`. */
export const NETNS_SCRIPT = fileURLToPath(new URL('../netns.sh', import.meta.url));

export interface NetnsConnection {
  readonly peerId: string;
  /** The node (`n1`…) whose peer id this is, or null for a peer outside the run. */
  readonly node: string | null;
  /** The peer's address as the connection reports it (`id_point`, IPv4-mapped form undone). */
  readonly address: string;
  /** Its listening port (announced in the handshake). */
  readonly port: number | null;
  readonly remoteSocketPort: number;
  readonly incoming: boolean;
}

export interface NetnsPoint {
  readonly point: string;
  /** `/network/points` state: running, accepted, requested, disconnected. */
  readonly state: string;
  readonly peerId: string | null;
  /** `discovery`, or how else it was first learnt (`from a peer`, `own address, from a peer`…). */
  readonly learnt: string;
}

export interface NetnsDiscovery {
  /** Datagrams sent, and where to (the node's discovery address). */
  readonly broadcasts: number;
  readonly destinations: readonly string[];
  /** Datagrams received from other hosts, and which nodes sent them. */
  readonly receivedFromOthers: number;
  readonly from: readonly string[];
  /** Points registered from datagrams (`register_new`). */
  readonly registered: number;
  readonly errors: readonly string[];
}

export interface NetnsNode {
  readonly name: string;
  readonly namespace: string;
  readonly address: string;
  readonly interface: string;
  /** Where its discovery broadcasts go: the subnet's broadcast address or 255.255.255.255. */
  readonly discoveryAddr: string;
  readonly peerId: string | null;
  readonly connections: readonly NetnsConnection[];
  readonly withinThresholds: boolean;
  readonly points: readonly NetnsPoint[];
  /** From the node's log. */
  readonly discovery: NetnsDiscovery;
  readonly log: {
    readonly startedAt: number | null;
    readonly lastEstablishedAt: number | null;
    readonly simultaneousOpens: number;
  };
  /** The host-side veth's counters (`ip -s link`). */
  readonly link: {
    readonly rxBytes: number;
    readonly rxPackets: number;
    readonly txBytes: number;
    readonly txPackets: number;
  } | null;
  /** Exit status after SIGTERM (`"0"`), `"timeout"` if it had to be killed, null if unknown. */
  readonly exitStatus: string | null;
  readonly peersFile: boolean;
  readonly peersFileEntries: number | null;
}

export interface NetnsSummary {
  readonly ok: boolean;
  readonly prefix: string;
  readonly ifTag: string;
  readonly subnet: string;
  readonly switchNamespace: string;
  readonly p2pPort: number;
  readonly discoveryPort: number;
  /** Every node's maintenance thresholds (min-connections, max-connections). */
  readonly thresholds: { readonly min: number; readonly max: number };
  readonly graph: { readonly connected: boolean; readonly fullMesh: boolean };
  readonly discoveredPoints: number;
  readonly nodes: readonly NetnsNode[];
  /** What was left of the run once torn down (namespace names, interface names). */
  readonly teardown: { readonly namespacesLeft: readonly string[]; readonly linksLeft: readonly string[] };
  readonly timings: Readonly<Record<string, number | null>>;
  readonly failures: readonly string[];
}

export type NetnsOutcome =
  | { readonly status: 'skipped'; readonly reason: string }
  | { readonly status: 'ok'; readonly summary: NetnsSummary }
  | { readonly status: 'failed'; readonly why: string; readonly summary: NetnsSummary | undefined };

export type NetnsResult = NetnsOutcome & {
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The run's prefix (`tzp2p-…`), once it got as far as choosing one. */
  readonly prefix: string | undefined;
  /** The directory the script kept the logs in (after a failure), if it says so. */
  readonly logsKept: string | undefined;
};

export interface RunNetnsOptions {
  /** At most this long for the network to form (the script's SECONDS, default 60). */
  readonly seconds?: number;
  /** The whole run is killed (SIGTERM, which tears down) past this, default seconds + 60 s. */
  readonly timeoutMs?: number;
  readonly script?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Each chunk of the script's stderr (its progress lines), as it comes. */
  readonly onStderr?: (text: string) => void;
}

const SUMMARY_PREFIX = 'NETNS_SUMMARY ';

/** The last `NETNS_SUMMARY` line's JSON, if any parses. */
export function parseSummary(stdout: string): NetnsSummary | undefined {
  const line = stdout
    .split('\n')
    .reverse()
    .find((l) => l.startsWith(SUMMARY_PREFIX));
  if (line === undefined) return undefined;
  try {
    return JSON.parse(line.slice(SUMMARY_PREFIX.length)) as NetnsSummary;
  } catch {
    return undefined;
  }
}

/**
 * What an exit of the script means. A skip is exit status 77 with exactly one line on stdout,
 * `skipped: REASON` with a known reason; exit status 77 with anything else (a report, no line, an
 * unknown reason) is a failure, and so is a skip line with any other status.
 */
export function classify(exitCode: number | null, signal: string | null, stdout: string): NetnsOutcome {
  const summary = parseSummary(stdout);
  if (exitCode === SKIP_STATUS) {
    const lines = stdout.replace(/\n$/, '').split('\n');
    const m = lines.length === 1 ? /^skipped: (.*)$/.exec(lines[0]!) : null;
    if (m && SKIP_REASON.test(m[1]!)) return { status: 'skipped', reason: m[1]! };
    return {
      status: 'failed',
      why: `exit status ${SKIP_STATUS} without exactly one well-formed 'skipped: REASON' line on stdout`,
      summary,
    };
  }
  if (exitCode === 0 && summary?.ok === true && summary.failures.length === 0) return { status: 'ok', summary };
  const how = exitCode === null ? `killed by ${signal ?? 'a signal'}` : `exit status ${exitCode}`;
  if (summary === undefined) return { status: 'failed', why: `${how}, no report`, summary };
  return {
    status: 'failed',
    why: `${how}: ${summary.failures.join('; ') || 'the report says ok but the exit status does not'}`,
    summary,
  };
}

/** `bash netns.sh run n [seconds]`; resolves when it has exited (and so torn everything down). */
export function runNetns(n: number, opts: RunNetnsOptions = {}): Promise<NetnsResult> {
  const seconds = opts.seconds ?? 60;
  const child = spawn('bash', [opts.script ?? NETNS_SCRIPT, 'run', String(n), String(seconds)], {
    env: opts.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => {
    stderr += s;
    opts.onStderr?.(s);
  });
  // SIGTERM runs the script's trap, which stops the nodes and removes the namespaces.
  const timer = setTimeout(() => child.kill('SIGTERM'), opts.timeoutMs ?? (seconds + 60) * 1000);
  return new Promise<NetnsResult>((resolve, reject) => {
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        ...classify(code, signal, stdout),
        exitCode: code,
        signal,
        stdout,
        stderr,
        prefix: /^\[netns\] prefix (tzp2p-[0-9a-f]+),/m.exec(stderr)?.[1],
        logsKept: /^\[netns\] logs kept in (.+)$/m.exec(stderr)?.[1],
      });
    });
  });
}
