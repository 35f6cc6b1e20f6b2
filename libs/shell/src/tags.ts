import type { ShellMessageKind } from './types.js';

/** Octez's uint16 tag of every case (`Distributed_db_message.encoding`), in wire order. */
export const SHELL_MESSAGE_TAGS: Readonly<Record<ShellMessageKind, number>> = Object.freeze({
  Get_current_branch: 0x10,
  Current_branch: 0x11,
  Deactivate: 0x12,
  Get_current_head: 0x13,
  Current_head: 0x14,
  Get_block_headers: 0x20,
  Block_header: 0x21,
  Get_operations: 0x30,
  Operation: 0x31,
  Get_protocols: 0x40,
  Protocol: 0x41,
  Get_operations_for_blocks: 0x60,
  Operations_for_blocks: 0x61,
  Get_checkpoint: 0x70,
  Checkpoint: 0x71,
  Get_protocol_branch: 0x80,
  Protocol_branch: 0x81,
  Get_predecessor_header: 0x90,
  Predecessor_header: 0x91,
});

/** Every kind, in tag order. */
export const SHELL_MESSAGE_KINDS: readonly ShellMessageKind[] = Object.freeze(
  Object.keys(SHELL_MESSAGE_TAGS) as ShellMessageKind[],
);

const kindByTag = new Map<number, ShellMessageKind>(SHELL_MESSAGE_KINDS.map((k) => [SHELL_MESSAGE_TAGS[k], k]));

/** The kind Octez gives to `tag`, or `undefined` for a tag the shell does not define. */
export function shellMessageKindOfTag(tag: number): ShellMessageKind | undefined {
  return kindByTag.get(tag);
}
