#!/usr/bin/env node
// Helper of netns.sh (plain JavaScript: runs without a build, inside or outside a namespace).
//
//   probe.mjs snapshot URL FILE   fetch URL/network/{self,connections,points} into FILE (run inside a namespace)
//   probe.mjs check RUN_DIR       print the network's state from the snapshots: ok (every node within its
//                                 thresholds, one connected graph) | connected | some | none
//   probe.mjs report RUN_DIR      print the table and a last line `NETNS_SUMMARY {json}`; exit 1 if a check failed
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const readJson = (file, fallback) => {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return fallback;
  }
};

/** `::ffff:10.0.0.1` (how Octez's JSON writes an IPv4 peer) → `10.0.0.1`. */
const ipv4 = (addr) => (typeof addr === 'string' && addr.startsWith('::ffff:') ? addr.slice(7) : addr);

async function snapshot(base, file) {
  const get = async (path) => {
    const res = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(2000) });
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
    return res.json();
  };
  try {
    const [self, connections, points] = await Promise.all([
      get('/network/self'),
      get('/network/connections'),
      get('/network/points'),
    ]);
    writeFileSync(`${file}.tmp`, JSON.stringify({ at: new Date().toISOString(), self, connections, points }));
    renameSync(`${file}.tmp`, file);
    process.stdout.write(`${connections.length}\n`);
  } catch (e) {
    // Not up yet, or gone: no stale snapshot is left behind.
    rmSync(file, { force: true });
    process.stderr.write(`snapshot ${base}: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  }
}

function loadRun(dir) {
  const run = readJson(join(dir, 'run.json'));
  if (run === undefined) throw new Error(`no run.json in ${dir}`);
  const nodes = run.nodes.map((n) => ({ ...n, snap: readJson(join(n.dir, 'snapshot.json')) }));
  return { run, nodes };
}

/** Undirected graph over the nodes, from the connections each node reports (peer ids of the other nodes only). */
function graph(nodes) {
  const byPeer = new Map(nodes.filter((n) => n.snap).map((n) => [n.snap.self, n.name]));
  const adj = new Map(nodes.map((n) => [n.name, new Set()]));
  for (const n of nodes) {
    for (const c of n.snap?.connections ?? []) {
      const other = byPeer.get(c.peer_id);
      if (other === undefined || other === n.name) continue;
      adj.get(n.name).add(other);
      adj.get(other).add(n.name);
    }
  }
  const seen = new Set();
  const stack = nodes.length > 0 ? [nodes[0].name] : [];
  while (stack.length > 0) {
    const v = stack.pop();
    if (seen.has(v)) continue;
    seen.add(v);
    for (const w of adj.get(v)) stack.push(w);
  }
  const all = nodes.every((n) => n.snap !== undefined);
  const everyoneHasOne = all && nodes.every((n) => n.snap.connections.length > 0);
  return {
    adj,
    connected: all && everyoneHasOne && seen.size === nodes.length,
    mesh:
      all &&
      nodes.every((n) => adj.get(n.name).size === nodes.length - 1 && n.snap.connections.length === nodes.length - 1),
    any: nodes.some((n) => (n.snap?.connections.length ?? 0) > 0),
  };
}

/** Each node's connection count is within the maintenance thresholds it was given. */
const withinThresholds = (run, nodes) =>
  nodes.every(
    (n) =>
      n.snap !== undefined &&
      n.snap.connections.length >= run.thresholds.min &&
      n.snap.connections.length <= run.thresholds.max,
  );

function check(dir) {
  const { run, nodes } = loadRun(dir);
  const g = graph(nodes);
  const ok = g.connected && withinThresholds(run, nodes);
  process.stdout.write(`${ok ? 'ok' : g.connected ? 'connected' : g.any ? 'some' : 'none'}\n`);
}

/** The node's log (pino JSON lines), in order. */
function logLines(dir) {
  const file = join(dir, 'node.log');
  if (!existsSync(file)) return [];
  const out = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      out.push(JSON.parse(line));
    } catch {
      // a line cut by a kill: ignore
    }
  }
  return out;
}

/**
 * How each point was first learnt. The pool publishes `new_point` synchronously inside the
 * registration, so the line just before a point's first `new_point` names the source when it is
 * discovery's `register_new` for that point; any other first sighting came from a peer (a Nack's
 * alternative points, Advertise or Swap) or from an incoming connection.
 */
function pointSources(lines, ownAddress) {
  const firstNew = new Map();
  const firstDiscovered = new Map();
  lines.forEach((l, i) => {
    if (l.msg === 'p2p event' && l.event === 'new_point' && typeof l.point === 'string' && !firstNew.has(l.point))
      firstNew.set(l.point, i);
    if (l.source === 'discovery' && l.msg === 'register_new' && l.point) {
      const key = `${l.point.ip}:${l.point.port}`;
      if (!firstDiscovered.has(key)) firstDiscovered.set(key, i);
    }
  });
  return (key) => {
    const n = firstNew.get(key);
    const d = firstDiscovered.get(key);
    if (d !== undefined && (n === undefined || d <= n)) return 'discovery';
    const own = key.startsWith(`${ownAddress}:`);
    const base = own ? 'own address, from a peer' : 'from a peer';
    return d !== undefined ? `${base} (then also discovered)` : base;
  };
}

/** The discovery worker's debug lines: what it sent, what it received from other hosts, what it registered, what failed. */
function discoveryStats(lines, ownAddress) {
  let sent = 0;
  let receivedFromOthers = 0;
  let registered = 0;
  const errors = [];
  const destinations = new Set();
  const senders = new Set();
  for (const l of lines) {
    if (l.source === 'discovery' && l.msg === 'broadcast_message') {
      sent++;
      if (l.destination?.address !== undefined) destinations.add(l.destination.address);
    } else if (l.source === 'discovery' && l.msg === 'register_new') registered++;
    else if (
      l.source === 'discovery' &&
      (l.msg === 'broadcast_error' || l.msg === 'create_socket_error' || l.msg === 'unexpected_error')
    ) {
      errors.push(`${l.msg}: ${String(l.error)}`);
    } else if (l.msg === 'message_received' && l.source?.address !== undefined && l.source.address !== ownAddress) {
      receivedFromOthers++;
      senders.add(ipv4(l.source.address));
    }
  }
  return {
    broadcasts: sent,
    destinations: [...destinations],
    receivedFromOthers,
    from: [...senders].sort(),
    registered,
    errors,
  };
}

/** From the node's log: when it started, when its last connection was established, and how many of the maintenance's dials lost a simultaneous-open race. */
function logTimes(lines) {
  let startedAt = null;
  let lastEstablishedAt = null;
  let simultaneousOpens = 0;
  for (const l of lines) {
    if (l.msg === 'stopping') break;
    const t = Date.parse(l.time);
    if (l.msg === 'node started') startedAt = t;
    else if (l.msg === 'p2p event' && l.event === 'connection_established') lastEstablishedAt = t;
    else if (l.source === 'maintenance' && l.msg === 'connect_failed' && /Already connected/.test(String(l.error)))
      simultaneousOpens++;
  }
  return { startedAt, lastEstablishedAt, simultaneousOpens };
}

function linkStats(dir) {
  const j = readJson(join(dir, 'link.json'), []);
  const s = j[0]?.stats64 ?? j[0]?.stats;
  return s ? { rxBytes: s.rx.bytes, rxPackets: s.rx.packets, txBytes: s.tx.bytes, txPackets: s.tx.packets } : undefined;
}

const kib = (b) => (b === undefined ? '?' : b < 1024 ? `${b} B` : `${(b / 1024).toFixed(1)} KiB`);
const pad = (s, n) => String(s).padEnd(n);

function report(dir) {
  const { run, nodes } = loadRun(dir);
  const timings = readJson(join(dir, 'timings.json'), {});
  const teardown = readJson(join(dir, 'teardown.json'), { namespacesLeft: ['?'], linksLeft: ['?'] });
  const g = graph(nodes);
  const { min, max } = run.thresholds;
  const nameOfPeer = new Map(nodes.filter((n) => n.snap).map((n) => [n.snap.self, n.name]));
  const nameOfAddr = new Map(nodes.map((n) => [n.address, n.name]));
  const subnet = run.subnet.replace(/\.0\/24$/, '.');
  const failures = [];

  const out = nodes.map((n) => {
    const lines = logLines(n.dir);
    const source = pointSources(lines, n.address);
    const status = existsSync(join(n.dir, 'exit-status'))
      ? readFileSync(join(n.dir, 'exit-status'), 'utf8').trim()
      : '';
    const peers = readJson(join(n.dir, 'peers.json'));
    const connections = (n.snap?.connections ?? []).map((c) => ({
      peerId: c.peer_id,
      node: nameOfPeer.get(c.peer_id) ?? null,
      address: ipv4(c.id_point?.addr),
      port: c.id_point?.port ?? null,
      remoteSocketPort: c.remote_socket_port,
      incoming: c.incoming,
    }));
    const points = (n.snap?.points ?? []).map(([key, info]) => ({
      point: key,
      state: info?.state?.event_kind ?? '?',
      peerId: info?.p2p_peer_id ?? null,
      learnt: source(key),
    }));
    const discovery = discoveryStats(lines, n.address);
    const result = {
      name: n.name,
      namespace: n.namespace,
      address: n.address,
      interface: n.interface,
      discoveryAddr: n.discoveryAddr,
      peerId: n.snap?.self ?? null,
      connections,
      withinThresholds: n.snap !== undefined && connections.length >= min && connections.length <= max,
      points,
      discovery: { ...discovery, from: discovery.from.map((a) => nameOfAddr.get(a) ?? a) },
      log: logTimes(lines),
      link: linkStats(n.dir) ?? null,
      exitStatus: status === '' ? null : status,
      peersFile: peers !== undefined,
      peersFileEntries: Array.isArray(peers) ? peers.length : null,
    };
    if (!n.snap) failures.push(`${n.name}: no RPC snapshot (the node never answered on its RPC)`);
    else if (!result.withinThresholds)
      failures.push(`${n.name}: ${connections.length} connections, outside its maintenance thresholds ${min}..${max}`);
    for (const c of connections) {
      if (typeof c.address !== 'string' || !c.address.startsWith(subnet) || c.address === n.address) {
        failures.push(`${n.name}: connection to ${c.address}:${c.port} is not to another host of ${run.subnet}`);
      } else if (c.node === null || nameOfAddr.get(c.address) !== c.node) {
        failures.push(
          `${n.name}: connection to ${c.address}:${c.port} (peer ${c.peerId}) does not match that host's node`,
        );
      }
      if (c.port !== run.p2pPort)
        failures.push(
          `${n.name}: connection to ${c.address} reports port ${c.port}, not the listening port ${run.p2pPort}`,
        );
    }
    for (const p of points) {
      if (!p.point.startsWith(subnet))
        failures.push(`${n.name}: knows ${p.point}, which is not a host of ${run.subnet}`);
    }
    if (discovery.broadcasts === 0) failures.push(`${n.name}: sent no discovery datagram`);
    if (!discovery.destinations.every((d) => d === n.discoveryAddr)) {
      failures.push(`${n.name}: broadcast to ${discovery.destinations.join(', ')}, expected ${n.discoveryAddr}`);
    }
    if (discovery.receivedFromOthers === 0)
      failures.push(`${n.name}: received no discovery datagram from another host`);
    if (discovery.registered === 0) failures.push(`${n.name}: registered no point from a discovery datagram`);
    if (discovery.errors.length > 0)
      failures.push(`${n.name}: ${discovery.errors.length} discovery error(s), first: ${discovery.errors[0]}`);
    if (result.exitStatus !== '0')
      failures.push(`${n.name}: exit status ${result.exitStatus ?? 'unknown'} after SIGTERM (expected 0)`);
    if (!result.peersFile) failures.push(`${n.name}: peers.json was not written`);
    if (result.link === null || result.link.txBytes === 0 || result.link.rxBytes === 0)
      failures.push(`${n.name}: no traffic counted on ${n.interface}`);
    return result;
  });

  // Every node's announcements crossed the bridge: some other host received them.
  for (const n of out) {
    if (!out.some((m) => m !== n && m.discovery.from.includes(n.name))) {
      failures.push(
        `${n.name}: no other host received its announcements (sent to ${n.discoveryAddr}:${run.discoveryPort})`,
      );
    }
  }
  const discovered = out.reduce((k, n) => k + n.points.filter((p) => p.learnt === 'discovery').length, 0);
  if (nodes.every((n) => n.snap) && !g.connected) failures.push('the nodes do not form one connected graph');
  if (discovered === 0) failures.push('no point was learnt through LAN discovery');
  if (teardown.namespacesLeft.length > 0)
    failures.push(`namespaces left after teardown: ${teardown.namespacesLeft.join(', ')}`);
  if (teardown.linksLeft.length > 0) failures.push(`interfaces left after teardown: ${teardown.linksLeft.join(', ')}`);

  const p = (s = '') => process.stdout.write(`${s}\n`);
  p(
    `tzp2p on ${nodes.length} network namespaces: subnet ${run.subnet}, veths to bridge ${run.ifTag}br in namespace ${run.switch}`,
  );
  p(
    `no --peer, no bootstrap peer: LAN discovery only (UDP port ${run.discoveryPort}); maintenance thresholds ${min}..${max} connections`,
  );
  p();
  p(
    `${pad('node', 5)}${pad('namespace', 21)}${pad('address', 18)}${pad('broadcasts to', 17)}${pad('peer id', 32)}connections (peer, its address, direction)`,
  );
  for (const n of out) {
    const conns = n.connections
      .map((c) => `${c.node ?? '?'} ${c.address}:${c.port} ${c.incoming ? 'in' : 'out'}`)
      .join(', ');
    p(
      `${pad(n.name, 5)}${pad(n.namespace, 21)}${pad(`${n.address}:${run.p2pPort}`, 18)}${pad(n.discoveryAddr, 17)}${pad(n.peerId ?? '?', 32)}` +
        `${n.connections.length}${n.withinThresholds ? '' : ' (OUT OF BOUNDS)'}: ${conns}`,
    );
  }
  p();
  p('known points (/network/points state, how first learnt)');
  for (const n of out) {
    p(`  ${n.name}: ${n.points.map((pt) => `${pt.point} ${pt.state} [${pt.learnt}]`).join('; ') || '(none)'}`);
  }
  p();
  p('discovery datagrams: sent / received from other hosts (from whom) / points registered; veth traffic; shutdown');
  for (const n of out) {
    const d = n.discovery;
    const l = n.link;
    p(
      `  ${pad(n.name, 3)} ${pad(`${d.broadcasts} / ${d.receivedFromOthers} (${d.from.join(' ') || 'nobody'}) / ${d.registered}${d.errors.length ? ` (${d.errors.length} errors)` : ''}`, 28)}` +
        `${pad(`${n.interface} tx ${kib(l?.txBytes)} (${l?.txPackets ?? '?'} pkts) rx ${kib(l?.rxBytes)} (${l?.rxPackets ?? '?'} pkts)`, 56)}` +
        `exit ${n.exitStatus ?? '?'}, peers.json ${n.peersFile ? `${n.peersFileEntries ?? '?'} entries` : 'missing'}` +
        (n.log.simultaneousOpens > 0 ? `; ${n.log.simultaneousOpens} dial(s) refused "Already connected"` : ''),
    );
  }
  // From the nodes' own clocks (one host, one clock): the last node's start to the last connection.
  const starts = out.map((n) => n.log.startedAt);
  const established = out.map((n) => n.log.lastEstablishedAt);
  const formedAfterLastStartMs =
    g.connected && starts.every((t) => t !== null) && established.every((t) => t !== null)
      ? Math.max(...established) - Math.max(...starts)
      : null;
  timings.formedAfterLastStartMs = formedAfterLastStartMs;
  const ms = (v) => (v === null || v === undefined ? '—' : `${(v / 1000).toFixed(1)} s`);
  p();
  p(
    `graph: ${g.connected ? 'connected' : 'NOT connected'}${g.mesh ? ' (full mesh)' : ''}; ` +
      `every node within ${min}..${max}: ${out.every((n) => n.withinThresholds) ? 'yes' : 'NO'}; points first learnt by discovery: ${discovered}`,
  );
  p(
    `timings (polled, from launching the nodes): every node up ${ms(timings.nodesUpMs)}, connected graph ${ms(timings.connectedMs)}, ` +
      `every node within thresholds ${ms(timings.withinThresholdsMs)}; set-up ${ms(timings.setupMs)}, stop ${ms(timings.stopMs)}, total ${ms(timings.totalMs)}`,
  );
  p(
    `node logs: last connection ${ms(formedAfterLastStartMs)} after the last node started` +
      (out.some((n) => n.log.simultaneousOpens > 0)
        ? ' (two nodes dialling each other at once both refuse with "Already connected", as Octez: spec/connect-handler.md §8; the retry waits for the next maintenance round)'
        : ''),
  );
  p(
    `teardown: ${teardown.namespacesLeft.length} namespaces and ${teardown.linksLeft.length} interfaces of ${run.prefix} left`,
  );
  p(failures.length === 0 ? 'RESULT: ok' : `RESULT: FAILED\n${failures.map((f) => `  - ${f}`).join('\n')}`);
  const summary = {
    ok: failures.length === 0,
    prefix: run.prefix,
    ifTag: run.ifTag,
    subnet: run.subnet,
    switchNamespace: run.switch,
    p2pPort: run.p2pPort,
    discoveryPort: run.discoveryPort,
    thresholds: run.thresholds,
    graph: { connected: g.connected, fullMesh: g.mesh },
    discoveredPoints: discovered,
    nodes: out,
    teardown,
    timings,
    failures,
  };
  p(`NETNS_SUMMARY ${JSON.stringify(summary)}`);
  if (failures.length > 0) process.exitCode = 1;
}

const [cmd, ...args] = process.argv.slice(2);
if (cmd === 'snapshot' && args.length === 2) await snapshot(args[0], args[1]);
else if (cmd === 'check' && args.length === 1) check(args[0]);
else if (cmd === 'report' && args.length === 1) report(args[0]);
else {
  process.stderr.write('usage: probe.mjs snapshot URL FILE | check RUN_DIR | report RUN_DIR\n');
  process.exitCode = 2;
}
