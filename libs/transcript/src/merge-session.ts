import type { Session } from './types.js';

/** `partial` over `s`, endpoints and provenance merged field by field (a recorder adds the peer id to an address given earlier). */
export function mergeSession(s: Session, partial: Partial<Session>): Session {
  const merged: Session = { ...s, ...partial };
  return {
    ...merged,
    ...(s.local || partial.local ? { local: { ...s.local, ...partial.local } } : {}),
    ...(s.remote || partial.remote ? { remote: { ...s.remote, ...partial.remote } } : {}),
    ...(s.provenance || partial.provenance
      ? { provenance: { ...s.provenance, ...partial.provenance } as NonNullable<Session['provenance']> }
      : {}),
  };
}
