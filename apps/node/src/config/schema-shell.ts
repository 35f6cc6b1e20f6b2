import { anyOf, bool, float, int, int31, int32, obj, oneOfStrings, stringOr, uint16, uint8 } from './schema-kit.js';

const span = float;
const additionalCycles = obj({ additional_cycles: int(0, 1000) }, ['additional_cycles']);

/**
 * `Shell_limits.limits_encoding` (lib_shell_services/shell_limits.ml) with `History_mode.encoding`
 * and `Storage_maintenance.delay_encoding`: the validation subsystem's settings. Checked so that a
 * file Octez refuses is refused here too; none of them concerns the P2P layer.
 */
export const shellSchema = obj({
  peer_validator: obj({
    block_header_request_timeout: span,
    block_operations_request_timeout: span,
    protocol_request_timeout: span,
    new_head_request_timeout: span,
  }),
  block_validator: obj({
    protocol_request_timeout: span,
    operation_metadata_size_limit: stringOr(oneOfStrings(['unlimited']), int31),
  }),
  prevalidator: obj({ operations_request_timeout: span, max_refused_operations: uint16, operations_batch_size: int31 }),
  // The legacy `bootstrap_threshold` form is a second union case, never mixed with the first.
  chain_validator: anyOf(
    obj({ latency: uint16, synchronisation_threshold: uint8 }),
    obj({ bootstrap_threshold: uint8 }),
  ),
  history_mode: stringOr(
    oneOfStrings(['archive', 'full', 'rolling']),
    anyOf(obj({ full: additionalCycles }, ['full']), obj({ rolling: additionalCycles }, ['rolling'])),
  ),
  disable_context_pruning: bool,
  storage_maintenance_delay: stringOr(oneOfStrings(['disabled', 'auto']), obj({ custom: int32 }, ['custom'])),
});
