import { DEFAULT_LIMITS, type P2pLimits, connectionsFromExpected } from '@tezos-p2p/p2p';
import { int } from './cli-numbers.js';
import { ConfigError } from './errors.js';

export interface CliLimitOptions {
  connections?: string;
  peerTableSize?: string;
  maxDownloadSpeed?: string;
  maxUploadSpeed?: string;
  binaryChunksSize?: string;
  disableP2pMaintenance?: boolean;
  disableP2pSwap?: boolean;
  disableConfigValidation?: boolean;
  /** `--max-incoming-per-address N` (ours): pending incoming handshakes from one address or IPv6 /64. */
  maxIncomingPerAddress?: string;
  /** `--peers-save-interval SECONDS` (ours): 0 writes peers.json only at shutdown, as Octez. */
  peersSaveInterval?: string;
  /** `--read-budget MIB` (ours): the shared pool of the memory budget for received messages. */
  readBudget?: string;
  /** `--write-budget MIB` (ours): the shared pool of the memory budget for messages queued for peers. */
  writeBudget?: string;
}

const MIB = 1 << 20;

type MutableLimits = { -readonly [K in keyof P2pLimits]?: P2pLimits[K] };

/** Octez's cap on `--connections` (`Shared_arg.patch_config`). */
export const MAX_CONNECTIONS_OPTION = 100;

/**
 * `--connections N`, 0 included (Octez's own GC test runs with 0: no connections, an empty peer
 * table). Above 100 only with `--disable-config-validation`, as Octez: the config.json key of that
 * name does not lift this cap, the flag does.
 */
function connections(o: CliLimitOptions): number | undefined {
  const above =
    o.connections !== undefined && /^\d+$/.test(o.connections) && Number(o.connections) > MAX_CONNECTIONS_OPTION;
  if (above && !o.disableConfigValidation) {
    throw new ConfigError(
      '--connections',
      `at most ${MAX_CONNECTIONS_OPTION} (Octez's cap; --disable-config-validation lifts it)`,
      Number(o.connections),
    );
  }
  return int(o.connections, '--connections', 0, o.disableConfigValidation ? 2 ** 30 - 1 : MAX_CONNECTIONS_OPTION);
}

const table = (size: number) => ({ max: size, target: Math.floor(size / 4) * 3 });

/** The command line's limits over config.json's, as `Config_file.update` applies them. */
export function applyCliLimits(fromConfig: Partial<P2pLimits>, o: CliLimitOptions): Partial<P2pLimits> {
  const limits: MutableLimits = { ...fromConfig };
  const n = connections(o);
  if (n !== undefined) {
    Object.assign(limits, connectionsFromExpected(n));
    if (o.peerTableSize === undefined) limits.maxKnownPoints = limits.maxKnownPeerIds = table(8 * n);
  }
  const size = int(o.peerTableSize, '--peer-table-size', 1, 65535);
  if (size !== undefined) limits.maxKnownPoints = limits.maxKnownPeerIds = table(size);
  const down = int(o.maxDownloadSpeed, '--max-download-speed', 1, 2 ** 30);
  if (down !== undefined) limits.maxDownloadSpeed = down * 1024;
  const up = int(o.maxUploadSpeed, '--max-upload-speed', 1, 2 ** 30);
  if (up !== undefined) limits.maxUploadSpeed = up * 1024;
  const chunks = int(o.binaryChunksSize, '--binary-chunks-size', 1, 63);
  if (chunks !== undefined) limits.binaryChunksSize = chunks << 10;
  if (o.disableP2pMaintenance) limits.maintenanceIdleTimeMs = null;
  if (o.disableP2pSwap) limits.swapLingerMs = null;
  const perAddress = int(o.maxIncomingPerAddress, '--max-incoming-per-address', 1, 65535);
  if (perAddress !== undefined) limits.maxIncomingConnectionsPerAddress = perAddress;
  const saveEvery = int(o.peersSaveInterval, '--peers-save-interval', 0, 86_400);
  if (saveEvery !== undefined) limits.peersFileSaveIntervalMs = saveEvery === 0 ? null : saveEvery * 1000;
  // The shared pools only: each connection's guaranteed 1 MiB slice is what keeps small traffic flowing.
  const read = int(o.readBudget, '--read-budget', 0, 1 << 20);
  if (read !== undefined)
    limits.readBudget = { ...(limits.readBudget ?? DEFAULT_LIMITS.readBudget), shared: read * MIB };
  const write = int(o.writeBudget, '--write-budget', 0, 1 << 20);
  if (write !== undefined)
    limits.writeBudget = { ...(limits.writeBudget ?? DEFAULT_LIMITS.writeBudget), shared: write * MIB };
  return limits;
}
