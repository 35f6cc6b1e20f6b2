/** Why a peer refuses a connection: a protocol value carried in a Nack (`P2p_rejection.t`). */
export type NackMotive =
  | { readonly kind: 'No_motive' }
  | { readonly kind: 'Too_many_connections' }
  | { readonly kind: 'Unknown_chain_name' }
  | { readonly kind: 'Deprecated_p2p_version' }
  | { readonly kind: 'Deprecated_distributed_db_version' }
  | { readonly kind: 'Already_connected' }
  | { readonly kind: 'Unknown_motive'; readonly code: number };

export type KnownNackMotiveKind = Exclude<NackMotive['kind'], 'Unknown_motive'>;

const CODES: Record<KnownNackMotiveKind, number> = {
  No_motive: 0,
  Too_many_connections: 1,
  Unknown_chain_name: 2,
  Deprecated_p2p_version: 3,
  Deprecated_distributed_db_version: 4,
  Already_connected: 5,
};
const BY_CODE = new Map<number, KnownNackMotiveKind>(
  Object.entries(CODES).map(([k, v]) => [v, k as KnownNackMotiveKind]),
);

export function nackMotive(kind: KnownNackMotiveKind): NackMotive {
  return { kind };
}

/** The int16 wire code of a motive. */
export function nackMotiveCode(m: NackMotive): number {
  return m.kind === 'Unknown_motive' ? m.code : CODES[m.kind];
}

export function nackMotiveFromCode(code: number): NackMotive {
  const kind = BY_CODE.get(code);
  return kind === undefined ? { kind: 'Unknown_motive', code } : { kind };
}

/** Octez's human text for each motive (`P2p_rejection.pp`). */
export function describeNackMotive(m: NackMotive): string {
  switch (m.kind) {
    case 'No_motive':
      return 'No motive';
    case 'Too_many_connections':
      return 'Too many connections';
    case 'Unknown_chain_name':
      return 'Unknown chain name';
    case 'Deprecated_p2p_version':
      return 'Deprecated P2P version';
    case 'Deprecated_distributed_db_version':
      return 'Deprecated distributed DB version';
    case 'Already_connected':
      return 'Already connected';
    case 'Unknown_motive':
      return `Unknown motive (${m.code})`;
  }
}
