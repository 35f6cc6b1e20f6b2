import { readFileSync } from 'node:fs';

/**
 * Noticing that the process which started us went away.
 *
 * `npx tzp2p run` is `npm exec` → `sh -c` → node. A service manager or a script that sends SIGTERM to
 * the process it started signals npm, which exits without passing the signal on: the node would be
 * left running as an orphan that never saves peers.json. When npm started us, we therefore watch the
 * chain of processes between us and npm, and treat its disappearance as a stop request.
 * A node started directly (`tzp2p`, `node …/bin/tzp2p.js`, a systemd unit) is signalled directly and
 * does not watch: `nohup tzp2p run &` must outlive its shell.
 */

/** How often the ancestors are checked (an unref'd timer: it never keeps the process alive). */
export const PARENT_POLL_MS = 500;
/** How far up the chain we look for npm (npm → sh → us is two steps; a wrapper script may add one). */
const MAX_DEPTH = 4;

export type ParentWatchMode = 'auto' | 'on' | 'off';

/**
 * `TZP2P_STOP_WITH_PARENT=1` watches whatever started us, `=0` never watches; unset or `auto` watches
 * when npm started us (npm sets `npm_command` in its children's environment).
 */
export function parentWatchMode(env: NodeJS.ProcessEnv): ParentWatchMode {
  const v = env['TZP2P_STOP_WITH_PARENT'];
  if (v === '1' || v === 'on' || v === 'true') return 'on';
  if (v === '0' || v === 'off' || v === 'false') return 'off';
  return 'auto';
}

interface ProcInfo {
  readonly ppid: number;
  readonly comm: string;
}

/** `/proc/PID/stat`: the command name is in parentheses (and may hold spaces), the parent id follows the state. */
function procInfo(pid: number): ProcInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const ppid = Number(stat.slice(close + 2).split(' ')[1]);
    return Number.isInteger(ppid) ? { ppid, comm } : undefined;
  } catch {
    return undefined;
  }
}

/** The pids to watch: our parent, and up to npm when `untilNpm` (the whole chain must stay alive). */
export function ancestorsToWatch(
  untilNpm: boolean,
  ppid = process.ppid,
  info: (pid: number) => ProcInfo | undefined = procInfo,
): number[] {
  const chain = [ppid];
  if (!untilNpm) return chain;
  for (let pid = ppid, depth = 0; depth < MAX_DEPTH && pid > 1; depth++) {
    const p = info(pid);
    if (p === undefined) break;
    if (p.comm.startsWith('npm')) return chain.slice(0, depth + 1);
    if (p.ppid <= 1) break;
    chain.push(p.ppid);
    pid = p.ppid;
  }
  // npm not found above us (no /proc, or an unusual launcher): our direct parent is what we can watch.
  return [ppid];
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but is not ours to signal.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Calls `onGone` once when our parent changes (we were re-parented) or a watched ancestor exits.
 * Returns the function that stops watching; a no-op when the mode says not to watch.
 */
export function watchParent(
  onGone: (reason: string) => void,
  env: NodeJS.ProcessEnv = process.env,
  pollMs = PARENT_POLL_MS,
): () => void {
  const mode = parentWatchMode(env);
  const startedByNpm = env['npm_command'] !== undefined;
  if (mode === 'off' || (mode === 'auto' && !startedByNpm)) return () => {};
  const ppid = process.ppid;
  const watched = ancestorsToWatch(startedByNpm, ppid);
  const timer = setInterval(() => {
    const gone = process.ppid !== ppid ? ppid : watched.find((pid) => !alive(pid));
    if (gone === undefined) return;
    clearInterval(timer);
    onGone(
      `the process that started this node (pid ${gone}${startedByNpm ? `, npm ${env['npm_command']}` : ''}) exited`,
    );
  }, pollMs);
  timer.unref();
  return () => clearInterval(timer);
}
