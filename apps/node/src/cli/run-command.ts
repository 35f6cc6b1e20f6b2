import { config as rxjsConfig } from 'rxjs';
import { type RunOptions, resolveSettingsAsync } from '../config/settings.js';
import { startNode } from '../node/start-node.js';
import { startTelemetry, telemetryOptionsFromEnv } from '../telemetry/index.js';
import { createLogger } from './logger.js';
import { aborted, stopOnSignals } from './stop-signals.js';

/** `tzp2p run`: until SIGINT / SIGTERM, then save peers.json, close every connection and flush telemetry. */
export async function runCommand(o: RunOptions): Promise<void> {
  const settings = await resolveSettingsAsync(o);
  const log = createLogger(settings.logLevel, settings.logOutput);
  // A throwing event subscriber must not take the node down; rxjs reports it here instead.
  rxjsConfig.onUnhandledError = (err) => log.error({ err }, 'unhandled error in an event subscriber');
  const telemetry = startTelemetry(telemetryOptionsFromEnv(process.env, { console: settings.otelConsole }));
  const stop = stopOnSignals();
  try {
    const node = await startNode(settings, { log, signal: stop.signal });
    await aborted(stop.signal);
    log.info({ reason: String((stop.signal.reason as Error | undefined)?.message ?? 'stop') }, 'stopping');
    await node.stop();
  } finally {
    await telemetry.shutdown();
    stop.dispose();
  }
}
