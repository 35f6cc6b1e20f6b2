import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's utime and stime (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

/**
 * The calling thread's CPU time in ms (user + system) from /proc/thread-self/stat; NaN where there is
 * no such file. On a shared machine a wall-clock rate depends on the neighbours, CPU time per message
 * much less: the figure to compare when rates are noisy.
 */
export function threadCpuMs(): number {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / USER_HZ;
  } catch {
    return NaN;
  }
}
