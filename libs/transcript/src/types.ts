/**
 * The transcript format (conformance/schema/transcript.proto) as TypeScript values: enums by their
 * proto names, byte strings as Uint8Array, absent fields undefined.
 */

export const FORMAT_VERSION = 1;

export type Role = 'ROLE_UNKNOWN' | 'INITIATOR' | 'RESPONDER';
export type Origin = 'ORIGIN_UNKNOWN' | 'REAL_CAPTURE' | 'SYNTHETIC' | 'DERIVED' | 'RECORDED';
export type Direction = 'DIRECTION_UNKNOWN' | 'SENT' | 'RECEIVED';
export type Layer =
  | 'LAYER_UNKNOWN'
  | 'CONNECTION_MESSAGE'
  | 'CHUNK'
  | 'MESSAGE'
  | 'APP_PAYLOAD'
  | 'CONNECTION_MESSAGE_BODY'
  | 'ACK'
  | 'NETWORK_VERSION';

export interface Endpoint {
  readonly peerId?: string;
  readonly publicKey?: Uint8Array;
  /** Only for identities already public (fixtures); recorders never write it. */
  readonly secretKey?: Uint8Array;
  readonly proofOfWorkStamp?: Uint8Array;
  readonly address?: string;
  readonly implementation?: string;
}

export interface SessionKeys {
  /** Absent when only the nonces are known (they derive from the connection messages alone). */
  readonly channelKey?: Uint8Array;
  readonly localNonce: Uint8Array;
  readonly remoteNonce: Uint8Array;
}

export interface Provenance {
  readonly origin: Origin;
  readonly source?: string;
  readonly recordedAt?: string;
  readonly plaintextSource?: string;
  readonly notes?: string;
}

export interface Session {
  readonly name: string;
  readonly description?: string;
  readonly provenance?: Provenance;
  readonly localRole?: Role;
  readonly chainName?: string;
  readonly local?: Endpoint;
  readonly remote?: Endpoint;
  readonly keys?: SessionKeys;
  readonly notes?: readonly string[];
}

export interface TranscriptRecord {
  readonly direction: Direction;
  readonly layer: Layer;
  readonly chunkIndex?: number;
  readonly wire?: Uint8Array;
  readonly nonce?: Uint8Array;
  readonly plaintext?: Uint8Array;
  readonly kind?: string;
  readonly tag?: number;
  readonly timeUs?: number;
}

export interface SessionEnd {
  readonly reason: string;
  readonly code?: string;
  readonly timeUs?: number;
  /** Records a recorder could not write; they are missing from `records`. */
  readonly droppedRecords?: number;
}

export interface Transcript {
  readonly formatVersion: number;
  readonly session: Session;
  readonly records: readonly TranscriptRecord[];
  readonly end?: SessionEnd;
}
