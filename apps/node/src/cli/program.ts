import { Command, Option } from 'commander';
import { DEFAULT_POW_DIFFICULTY } from '@tezos-p2p/crypto';
import { DEFAULT_DATA_DIR, type RunOptions } from '../config/settings.js';
import { DEVNET_DEFAULTS, type DevnetOptions, devnetCommand } from './devnet-command.js';
import { type IdentityOptions, identityCheck, identityGenerate, identityShow } from './identity-commands.js';
import { LOG_LEVELS } from './logger.js';
import { runCommand } from './run-command.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];
const print = (line: string) => process.stdout.write(line + '\n');

/** The `tzp2p` command line: octez-node's commands and options for the P2P layer, plus `devnet`. */
export function buildProgram(version: string): Command {
  const program = new Command('tzp2p')
    .description('A Tezos P2P node (the Octez P2P layer in TypeScript): identities, a node, a loopback devnet')
    .version(version)
    .showHelpAfterError();

  const identity = program
    .command('identity')
    .description('manage the node identity (identity.json: key pair and proof-of-work stamp)');
  const dataDir = () => new Option('--data-dir <dir>', 'directory holding identity.json').default(DEFAULT_DATA_DIR);
  identity
    .command('generate')
    .description('generate a new identity (shows a progress bar with rate and time left)')
    .addOption(dataDir())
    .option('--difficulty <bits>', 'proof-of-work difficulty in bits', String(DEFAULT_POW_DIFFICULTY))
    .option('--force', 'replace an existing identity.json (its key is lost)')
    .option('--json', 'print the result as JSON')
    .action((o: IdentityOptions) => identityGenerate(o, print));
  identity
    .command('show')
    .description('print the peer id, public key and proof-of-work level (never the secret key)')
    .addOption(dataDir())
    .option('--json', 'print as JSON')
    .action((o: IdentityOptions) => identityShow(o, print));
  identity
    .command('check')
    .description('check the identity meets a proof-of-work difficulty (exit status 1 if not)')
    .addOption(dataDir())
    .option('--difficulty <bits>', 'difficulty to check against', String(DEFAULT_POW_DIFFICULTY))
    .option('--json', 'print the result as JSON')
    .action((o: IdentityOptions) => identityCheck(o, print));

  program
    .command('run')
    .description('run a node until SIGINT or SIGTERM (then peers.json is saved and every connection closed)')
    .option('--data-dir <dir>', `identity.json, peers.json and config.json live here (default ${DEFAULT_DATA_DIR})`)
    .option('--config-file <file>', 'an Octez config.json (default <data-dir>/config.json when present)')
    .option('--net-addr <addr:port>', 'listen for peers here (default [::]:9732)')
    .option('--advertised-net-port <port>', 'port announced to peers (behind NAT)')
    .option(
      '--discovery-addr <addr[:port]>',
      'LAN discovery broadcast address, IPv4 or a name; an empty addr is 255.255.255.255 (default off; port 10732)',
    )
    .option('--peer <addr:port[#peer_id]>', 'a trusted peer to connect to (repeatable)', collect)
    .option('--no-bootstrap-peers', "ignore the network's and config's bootstrap peers")
    .option('--private-mode', 'only trusted peers, and never advertise them')
    .option('--connections <n>', 'expected connections (min n/2, max 3n/2; peer table 8n); 0..100')
    .option('--peer-table-size <n>', 'maximum known points and peers')
    .option('--expected-pow <bits>', "minimum proof of work of peers' identities (and ours), default 26")
    .option(
      '--rpc-addr <addr:port>',
      'serve the /network RPC here, repeatable (empty host: localhost; default port 8732)',
      collect,
    )
    .option(
      '--metrics-addr <addr:port>',
      'serve Prometheus metrics at /metrics here, repeatable (replaces config.json metrics_addr; empty host: localhost; default port 9932)',
      collect,
    )
    .option(
      '--network <name|file|url>',
      'mainnet, ghostnet, shadownet or sandbox (any case), or a network JSON file or http(s) URL (default mainnet)',
    )
    .option('--chain-name <name>', "override the network's chain name")
    .option('--max-download-speed <KiB/s>', 'global download cap')
    .option('--max-upload-speed <KiB/s>', 'global upload cap')
    .option('--binary-chunks-size <KiB>', 'size of the encrypted chunks we send (1..63)')
    .option('--disable-p2p-maintenance', 'never connect or disconnect on our own')
    .option('--disable-p2p-swap', 'neither propose nor accept swaps')
    .option(
      '--max-incoming-per-address <n>',
      'pending incoming handshakes from one IPv4 address or IPv6 /64 (default 4; not an Octez option)',
    )
    .option(
      '--read-budget <MiB>',
      'memory shared by all connections for received messages, beyond 1 MiB each (default 256; not an Octez option)',
    )
    .option(
      '--write-budget <MiB>',
      'memory shared by all connections for messages queued for peers, beyond 1 MiB each (default 128; not an Octez option)',
    )
    .option(
      '--peers-save-interval <seconds>',
      'also write peers.json this often while running, when it changed; 0: only at shutdown, as Octez (default 60)',
    )
    .option('--disable-mempool', 'announce that we do not want mempool messages')
    .option(
      '--disable-config-validation',
      "skip Octez's configuration checks (connection bounds, peer tables, proof of work); allows --connections above 100",
    )
    .option('--echo', 'answer each application message with the same bytes (demos, interop checks)')
    .addOption(
      new Option(
        '--log-level <level>',
        "log level (default: config.json's log.level, Octez's notice being info; else info)",
      ).choices([...LOG_LEVELS]),
    )
    .option('--otel-console', 'print spans and metrics on stdout instead of OTLP')
    .option(
      '--record <dir>',
      'write every session as a conformance transcript here (with its session keys: keep private)',
    )
    .action((o: RunOptions) => runCommand(o));

  program
    .command('devnet')
    .description('run N nodes on loopback that find each other, with a live table of their connections')
    .option('--nodes <n>', 'number of nodes', String(DEVNET_DEFAULTS.nodes))
    .option('--data-dir <dir>', 'node-<i>/ directories and devnet.log', DEVNET_DEFAULTS.dataDir)
    .option('--fresh', 'delete the data directory first (new identities, empty peers.json)')
    .option('--host <addr>', 'loopback address the nodes listen on', DEVNET_DEFAULTS.host)
    .option(
      '--base-port <port>',
      'node i listens on base-port + i (0: any free port)',
      String(DEVNET_DEFAULTS.basePort),
    )
    .option(
      '--rpc-base-port <port>',
      'node i serves its RPC on rpc-base-port + i (0: any free port)',
      String(DEVNET_DEFAULTS.rpcBasePort),
    )
    .option(
      '--metrics-base-port <port>',
      'node i serves Prometheus /metrics on metrics-base-port + i (0: any free port; default: no metrics)',
    )
    .option(
      '--expected-pow <bits>',
      'proof of work of the identities and required from peers',
      String(DEVNET_DEFAULTS.expectedPow),
    )
    .option('--echo', 'every node echoes application messages')
    .option('--json', 'print one JSON line per topology change instead of the table')
    .option('--exit-after <seconds>', 'stop by itself after this long (scripts, CI)')
    .addOption(
      new Option('--log-level <level>', 'level of <data-dir>/devnet.log').choices([...LOG_LEVELS]).default('info'),
    )
    .action((o: DevnetOptions) => devnetCommand(o));

  return program;
}
