import { anyOf, bool, int31, obj, string, strings } from './schema-kit.js';

/**
 * `Logs_simple_config.cfg_encoding`. `level` is a string here and checked against Octez's level
 * names by log-config.ts, whose error lists them.
 */
export const logSchema = obj({ output: string, level: string, colors: bool, rules: string, advertises_level: bool });

/** `Internal_event_config.encoding`: `active_sinks`, or its deprecated spelling `activate`, never both. */
export const internalEventsSchema = anyOf(obj({ active_sinks: strings }), obj({ activate: strings }));

/** `Profiler.profiling_config_encoding`. */
export const profilingSchema = obj({ 'days-kept': int31, verbosity: string, backends: strings, 'output-dir': string });
