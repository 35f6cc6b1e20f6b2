import { readFileSync } from 'node:fs';
import {
  type Resource,
  detectResources,
  envDetector,
  hostDetector,
  processDetector,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';

/** The app's version, read from its package.json (two levels up from both src/telemetry and dist/telemetry). */
function appVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: unknown;
    };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    // A telemetry attribute is not worth failing the node for.
    return 'unknown';
  }
}

/**
 * Who emits: what `OTEL_RESOURCE_ATTRIBUTES` says and the host and process (the detectors NodeSDK uses
 * by default), then `service.name` and `service.version`, which win (merge lets the argument override).
 */
export function telemetryResource(serviceName: string): Resource {
  return detectResources({ detectors: [envDetector, hostDetector, processDetector] }).merge(
    resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName, [ATTR_SERVICE_VERSION]: appVersion() }),
  );
}
