import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

/**
 * The schema's one home is conformance/schema/transcript.proto at the repository root (the same
 * relative path from src/ and dist/). It is parsed at run time, not compiled to code, so the .proto
 * stays the single source of truth.
 */
export const SCHEMA_PATH = fileURLToPath(new URL('../../../conformance/schema/transcript.proto', import.meta.url));

let types: { transcript: protobuf.Type } | undefined;

export function transcriptType(): protobuf.Type {
  types ??= {
    transcript: protobuf
      .parse(readFileSync(SCHEMA_PATH, 'utf8'))
      .root.lookupType('tezos_p2p.conformance.v1.Transcript'),
  };
  return types.transcript;
}
