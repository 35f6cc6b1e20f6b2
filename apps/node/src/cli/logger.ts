import { type Logger, destination, pino, stdTimeFunctions } from 'pino';
import type { LogOutput } from '../config/log-config.js';

export { LOG_LEVELS } from '../config/log-config.js';

/** A string is a file path (the devnet's log). */
function destinationOf(output: LogOutput | string) {
  const o: LogOutput = typeof output === 'string' ? { kind: 'file', path: output } : output;
  switch (o.kind) {
    case 'file':
      return destination({ dest: o.path, sync: true, mkdir: true, append: true });
    case 'stdout':
      return destination({ fd: 1, sync: true });
    // syslog is not supported: the settings tell the operator, and logs stay on stderr.
    default:
      return destination({ fd: 2, sync: true });
  }
}

/**
 * Structured JSON logs (one object per line) on stderr, stdout or appended to a file, or nowhere
 * (Octez's `null` output). Synchronous writes: a node stopped by a signal still flushes its last
 * lines, and log volume here is far below what would make that costly.
 */
export function createLogger(level: string, output: LogOutput | string = { kind: 'stderr' }): Logger {
  if (typeof output !== 'string' && output.kind === 'null') return pino({ enabled: false });
  return pino({ level, base: { pid: process.pid }, timestamp: stdTimeFunctions.isoTime }, destinationOf(output));
}
