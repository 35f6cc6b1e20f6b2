import { trace } from '@opentelemetry/api';

/** The library's one tracer; the proxy behind `@opentelemetry/api` binds it to whatever SDK the application registers later. */
export const tracer = trace.getTracer('@tezos-p2p/workers', '0.1.0');
