import type { LogConfigJson } from './config-json.js';
import { ConfigError } from './errors.js';

/** Where log lines go: Octez's `Logs_simple_config.Output`. */
export type LogOutput =
  | { readonly kind: 'stderr' | 'stdout' | 'null' }
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'syslog'; readonly facility: string };

/** pino's levels, which `--log-level` takes. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;

/**
 * Octez's levels (`Internal_event.Level.encoding`) onto pino's. pino has no `notice`: Octez's
 * default level, and the one its operator-facing events use, becomes `info`.
 */
const FROM_OCTEZ: Readonly<Record<string, (typeof LOG_LEVELS)[number]>> = {
  debug: 'debug',
  info: 'info',
  notice: 'info',
  warning: 'warn',
  error: 'error',
  fatal: 'fatal',
};
const OCTEZ_LEVELS = Object.keys(FROM_OCTEZ);

const SYSLOG_FACILITIES = new Set([
  'auth',
  'authpriv',
  'cron',
  'daemon',
  'ftp',
  'kernel',
  'local0',
  'local1',
  'local2',
  'local3',
  'local4',
  'local5',
  'local6',
  'local7',
  'lpr',
  'mail',
  'news',
  'syslog',
  'user',
  'uucp',
  'ntp',
  'security',
  'console',
]);

/** `Output.of_string`: anything that is not a known name is a file path (even `syslog:bogus`). */
export function logOutputOf(text: string): LogOutput {
  if (text === 'stdout' || text === 'stderr') return { kind: text };
  if (text === 'null' || text === '/dev/null') return { kind: 'null' };
  const facility = text.startsWith('syslog:') ? text.slice('syslog:'.length) : undefined;
  if (facility !== undefined && SYSLOG_FACILITIES.has(facility)) return { kind: 'syslog', facility };
  return { kind: 'file', path: text };
}

/**
 * `Level_config_rules.parse_rules`: `[pattern ->] level` separated by `;`, levels in any case or
 * `none`. Octez refuses the node's start-up on a malformed rule; so do we, though rules select Octez
 * event sections, which this node does not have.
 */
export function checkLogRules(rules: string, key = 'log.rules'): void {
  for (const rule of rules.split(';')) {
    if (rule.trim() === '') continue;
    const parts = rule.split('->').map((p) => p.trim());
    const level = parts.length === 1 ? parts[0]! : parts.length === 2 && parts[0] !== '' ? parts[1]! : undefined;
    if (level === undefined || level === '')
      throw new ConfigError(key, 'rules like "p2p -> debug; notice" ([pattern ->] level, separated by ;)', rule);
    if (![...OCTEZ_LEVELS, 'none'].includes(level.toLowerCase()))
      throw new ConfigError(key, `levels among ${OCTEZ_LEVELS.join(', ')}, none`, level);
  }
}

export interface LogSettings {
  /** A pino level. */
  readonly level: string;
  readonly output: LogOutput;
}

/**
 * `log` as Octez reads it for its default sinks, `--log-level` (pino names) taking precedence.
 * With `internal-events`, Octez ignores `log` for its sinks; its rules are then never parsed.
 */
export function logSettings(
  log: LogConfigJson | undefined,
  cliLevel: string | undefined,
  withInternalEvents: boolean,
): LogSettings {
  if (log?.level !== undefined && !(log.level in FROM_OCTEZ))
    throw new ConfigError('log.level', `one of ${OCTEZ_LEVELS.join(', ')}`, log.level);
  if (cliLevel !== undefined && !(LOG_LEVELS as readonly string[]).includes(cliLevel))
    throw new ConfigError('--log-level', `one of ${LOG_LEVELS.join(', ')}`, cliLevel);
  if (log?.rules !== undefined && !withInternalEvents) checkLogRules(log.rules);
  return {
    level: cliLevel ?? FROM_OCTEZ[log?.level ?? 'notice']!,
    output: log?.output !== undefined ? logOutputOf(log.output) : { kind: 'stderr' },
  };
}
