#!/usr/bin/env bash
# tzp2p on real network interfaces: N Linux network namespaces ("hosts") joined by veth pairs to a
# bridge that lives in its own "switch" namespace, one `tzp2p run` per host, no --peer and no
# bootstrap peer. The nodes find each other by LAN discovery (UDP broadcast on port 10732) and the
# maintenance dials what discovery registered. See tools/netns/README.md.
#
#   netns.sh run N [SECONDS]   set up N hosts (3..5), run a node on each, wait at most SECONDS (60)
#                              for the network to form, check it, stop the nodes, tear down
#   netns.sh up N              set up N hosts and leave them (names and addresses are printed)
#   netns.sh down [PREFIX]     remove what `up` (or a run killed with SIGKILL) left: PREFIX, or every
#                              recorded set whose owner is gone
#
# Exit status: 0 success, 1 failure, 2 usage, 77 skipped: this environment cannot create network
# namespaces; one line `skipped: REASON` is printed on stdout and nothing else. Only the environment
# checks, before anything is created, exit 77: any later error is 1. Nothing outside the namespaces
# it creates is touched: the host's interfaces, routes and firewall are left alone (the bridge and
# both ends of every veth live in the run's namespaces, never in the host's).
set -euo pipefail

readonly SKIP_STATUS=77
readonly P2P_PORT=9732
readonly RPC_PORT=8732
readonly DISCOVERY_PORT=10732
readonly MIN_NODES=3
readonly MAX_NODES=5
readonly STOP_WAIT_DS=150 # tenths of a second a node gets to stop after SIGTERM
readonly KILL_WAIT_DS=50  # same, for processes found in a namespace at teardown

SCRIPT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")
readonly SCRIPT
SCRIPT_DIR=$(dirname "$SCRIPT")
readonly SCRIPT_DIR
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
readonly REPO_ROOT
readonly PROBE="$SCRIPT_DIR/probe.mjs"
readonly TZP2P="${TZP2P_BIN:-$REPO_ROOT/apps/node/bin/tzp2p.js}"
readonly NODE="${NODE_BIN:-node}"
# One file per set of namespaces: the owner's pid, then the namespaces, each written before it is
# created, so that `down` (or the guard of a killed run) removes exactly those.
readonly STATE_DIR="${TZP2P_NETNS_STATE_DIR:-${TMPDIR:-/tmp}/tzp2p-netns-state}"

PREFIX=''     # namespace names: $PREFIX-sw, $PREFIX-n1 …
IF_TAG=''     # interface names: ${IF_TAG}br, ${IF_TAG}s1 (switch side), ${IF_TAG}n1 (host side)
SUBNET=''     # 10.231.X: hosts are $SUBNET.11 … $SUBNET.15
STATE_FILE=''
RUN_DIR=''
ENV_OK=0      # the environment checks passed: from here on, no exit is a skip
TORN_DOWN=1
GUARD_FD=''
declare -a NODE_PIDS=()

log() { printf '[netns] %s\n' "$*" >&2; }
die() {
  printf 'netns: error: %s\n' "$*" >&2
  exit 1
}
skip() {
  ((ENV_OK == 0)) || die "internal error: skip after the environment checks ($*)"
  printf 'skipped: %s\n' "$*"
  exit "$SKIP_STATUS"
}
now_ms() { date +%s%3N; }
oneline() { tr '\n' ' ' <<<"$1" | sed 's/ *$//'; }

usage() {
  cat >&2 <<EOF
usage: $(basename "$0") run N [SECONDS] | up N | down [PREFIX]
  run N [SECONDS]  N hosts ($MIN_NODES..$MAX_NODES), one tzp2p node each; wait at most SECONDS (default 60)
  up N             create N hosts and leave them (ip netns exec <ns> … to use them)
  down [PREFIX]    remove the hosts left by 'up' or by a killed 'run' (default: every set whose owner is gone)
exit status: 0 ok, 1 failed, 2 usage, 77 skipped (one line 'skipped: REASON' on stdout)
EOF
  exit 2
}

# ---- environment checks --------------------------------------------------------------------------

# What makes the demonstration impossible here (rather than broken) is a skip, decided before
# anything is created.
require_netns() {
  command -v ip >/dev/null 2>&1 || skip "ip not found"
  ((EUID == 0)) || skip "not root (uid $EUID; network namespaces need CAP_SYS_ADMIN and CAP_NET_ADMIN)"
  local probe err why=''
  probe="tzp2p-probe-$$-$RANDOM"
  if ! err=$(ip netns add "$probe" 2>&1); then
    skip "ip netns not permitted ($(oneline "$err"))"
  fi
  if ! err=$(ip netns exec "$probe" true 2>&1); then
    why="ip netns not permitted (ip netns exec: $(oneline "$err"))"
  elif ! err=$(ip -n "$probe" link add tzp2pprobebr type bridge 2>&1); then
    why="veth or bridge not supported (bridge: $(oneline "$err"))"
  elif ! err=$(ip -n "$probe" link add tzp2pprobea type veth peer name tzp2pprobeb 2>&1); then
    why="veth or bridge not supported (veth: $(oneline "$err"))"
  fi
  ip netns del "$probe" 2>/dev/null || true
  [[ -z $why ]] || skip "$why"
  ENV_OK=1
}

require_node() {
  command -v "$NODE" >/dev/null 2>&1 || die "node is not on PATH"
  [[ -f $TZP2P ]] || die "no tzp2p CLI at $TZP2P"
  [[ -n ${TZP2P_BIN:-} || -f $REPO_ROOT/apps/node/dist/main.js ]] ||
    die "apps/node is not built: run 'NX_DAEMON=false NX_NO_CLOUD=true npx nx run node:build' in $REPO_ROOT first"
}

# ---- naming and addresses ------------------------------------------------------------------------

# Names only (`ip netns list` may add "(id: N)"). Captured before grepping: with pipefail, a
# `grep -q` that stops reading early could fail the pipeline through SIGPIPE.
ns_names() { ip netns list 2>/dev/null | awk '{print $1}'; }
ns_exists() {
  local names
  names=$(ns_names)
  grep -qxF -- "$1" <<<"$names"
}
prefix_in_use() {
  local names
  names=$(ns_names)
  grep -qF -- "$1-" <<<"$names" || [[ -e $STATE_DIR/$1 ]]
}

# A process still running (an exited child not yet reaped is a zombie: not running).
alive() {
  local state
  kill -0 "$1" 2>/dev/null || return 1
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [[ $state != Z ]]
}

# A tag unique to this run among concurrent ones: the pid and 16 random bits, in hex (≤ 10 digits, so
# that "tz" + tag + "br" fits the 15 characters of an interface name).
choose_names() {
  local tag
  while :; do
    tag=$(printf '%x%04x' "$$" "$RANDOM")
    PREFIX="tzp2p-$tag"
    prefix_in_use "$PREFIX" || break
  done
  IF_TAG="tz$tag"
  STATE_FILE="$STATE_DIR/$PREFIX"
}

ip_to_int() {
  local a b c d
  IFS=. read -r a b c d <<<"$1"
  echo $(((a << 24) | (b << 16) | (c << 8) | d))
}

# cidr_overlaps A/LEN B/LEN: the two prefixes share an address.
cidr_overlaps() {
  local l1=32 l2=32 a b
  if [[ $1 == */* ]]; then l1=${1#*/}; fi
  if [[ $2 == */* ]]; then l2=${2#*/}; fi
  a=$(ip_to_int "${1%/*}")
  b=$(ip_to_int "${2%/*}")
  local l=$((l1 < l2 ? l1 : l2))
  local mask=$((l == 0 ? 0 : (0xFFFFFFFF << (32 - l)) & 0xFFFFFFFF))
  (((a & mask) == (b & mask)))
}

# Every IPv4 prefix the host has an address or a route for (the default route aside).
host_prefixes() {
  ip -4 -o addr show 2>/dev/null | awk '{print $4}'
  ip -4 route show table all 2>/dev/null |
    awk '{ for (i = 1; i <= 2; i++) if ($i ~ /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+(\/[0-9]+)?$/) { print $i; break } }'
}

# The subnet exists only inside the run's namespaces, so it cannot disturb the host (nor another run)
# even if it overlapped; one the host knows is still avoided so that the addresses printed are
# unambiguous.
choose_subnet() {
  local used x p clash
  used=$(host_prefixes | sort -u)
  for x in $(seq 1 254); do
    clash=0
    for p in $used; do
      if cidr_overlaps "10.231.$x.0/24" "$p"; then
        clash=1
        break
      fi
    done
    if ((clash == 0)); then
      SUBNET="10.231.$x"
      return 0
    fi
  done
  die "every 10.231.X.0/24 overlaps an address or route of this host"
}

ns_switch() { echo "$PREFIX-sw"; }
ns_host() { echo "$PREFIX-n$1"; }
host_addr() { echo "$SUBNET.$((10 + $1))"; }
# Odd hosts broadcast to the subnet's broadcast address, even ones give only the port and so use
# Octez's default, the limited broadcast 255.255.255.255 (sent out of the default route's interface).
discovery_arg() {
  if (($1 % 2 == 1)); then echo "$SUBNET.255:$DISCOVERY_PORT"; else echo ":$DISCOVERY_PORT"; fi
}
discovery_dest() {
  if (($1 % 2 == 1)); then echo "$SUBNET.255"; else echo "255.255.255.255"; fi
}

# ---- set up and tear down ------------------------------------------------------------------------

# Record a namespace before creating it, so that an interruption half-way still removes it; a name
# that could not be created (somebody else's) is unrecorded at once, so that it is never removed.
add_ns() {
  local err
  printf '%s\n' "$1" >>"$STATE_FILE"
  if ! err=$(ip netns add "$1" 2>&1); then
    sed -i "\\|^$1\$|d" "$STATE_FILE"
    die "ip netns add $1: $(oneline "$err")"
  fi
  ip -n "$1" link set lo up
}

setup() {
  local n=$1 sw i ns port nic
  sw=$(ns_switch)
  TORN_DOWN=0
  mkdir -p "$STATE_DIR"
  printf 'owner %d\n' "$$" >"$STATE_FILE"
  log "prefix $PREFIX, subnet $SUBNET.0/24, $n hosts"
  add_ns "$sw"
  ip -n "$sw" link add "${IF_TAG}br" type bridge
  ip -n "$sw" link set "${IF_TAG}br" up
  for ((i = 1; i <= n; i++)); do
    ns=$(ns_host "$i")
    port="${IF_TAG}s$i"
    nic="${IF_TAG}n$i"
    add_ns "$ns"
    # Created inside the switch namespace with its peer end placed directly in the host namespace:
    # neither end ever exists in the root namespace.
    ip -n "$sw" link add "$port" type veth peer name "$nic" netns "$ns"
    ip -n "$sw" link set "$port" master "${IF_TAG}br"
    ip -n "$sw" link set "$port" up
    # `brd +`: the subnet's broadcast address, without which $SUBNET.255 is not a broadcast destination.
    ip -n "$ns" addr add "$(host_addr "$i")/24" brd + dev "$nic"
    ip -n "$ns" link set "$nic" up
    # A default route out of the veth, as a LAN host has: 255.255.255.255 leaves by that interface
    # (without any default route, sending to it fails with ENETUNREACH).
    ip -n "$ns" route add default dev "$nic"
  done
}

# Stop every process still inside one of the given namespaces (the nodes, or whatever a user started
# in a namespace made by `up`): TERM, then KILL after 5 s.
kill_ns_processes() {
  local ns pids='' p t running
  for ns in "$@"; do
    ns_exists "$ns" || continue
    pids+=" $(ip netns pids "$ns" 2>/dev/null | tr '\n' ' ')"
  done
  [[ -n ${pids// /} ]] || return 0
  for p in $pids; do kill -TERM "$p" 2>/dev/null || true; done
  for ((t = 0; t < KILL_WAIT_DS; t++)); do
    running=0
    for p in $pids; do if kill -0 "$p" 2>/dev/null; then running=1; fi; done
    ((running == 0)) && return 0
    sleep 0.1
  done
  for p in $pids; do kill -KILL "$p" 2>/dev/null || true; done
}

# Remove the namespaces listed in a state file (their veths and the bridge go with them). Best effort:
# it goes on past any error.
teardown_state() {
  local file=$1 ns
  [[ -f $file ]] || return 0
  local -a names=()
  mapfile -t names < <(grep -v '^owner ' "$file" || true)
  if ((${#names[@]} > 0)); then
    kill_ns_processes "${names[@]}" || true
    for ns in "${names[@]}"; do
      if ns_exists "$ns"; then ip netns del "$ns" 2>/dev/null || log "could not delete namespace $ns"; fi
    done
  fi
  rm -f "$file"
}

teardown() {
  ((TORN_DOWN == 1)) && return 0
  TORN_DOWN=1
  local p
  teardown_state "$STATE_FILE"
  for p in "${NODE_PIDS[@]}"; do
    if [[ -n $p ]]; then kill -KILL "$p" 2>/dev/null || true; fi
  done
}

# The guard: a process in its own session that holds the read end of a pipe whose only writer is this
# shell (the nodes are started without it). When this shell ends in a way no trap sees (SIGKILL), the
# pipe closes and the guard removes what the state file still lists. After a normal exit the file is
# gone and the guard just ends. It ignores the signals a Ctrl-C or a kill of the process group sends.
start_guard() {
  local -a session=(setsid)
  command -v setsid >/dev/null 2>&1 || session=() # then a kill of the whole process group takes it too
  exec {GUARD_FD}> >(exec "${session[@]}" "$BASH" "$SCRIPT" __guard "$STATE_FILE" >/dev/null 2>&1)
}

cmd_guard() {
  trap '' INT TERM HUP QUIT
  local file=$1 _
  while read -r _; do :; done
  teardown_state "$file"
}

# What is left of this run: namespaces with its prefix, links with its interface tag, looked for in
# the host namespace and in every namespace still there (read only).
leftovers_json() {
  local names nss links ns
  names=$(ns_names)
  nss=$(grep -F -- "$PREFIX-" <<<"$names" | sed 's/.*/"&"/' | paste -sd, -) || true
  links=$(
    {
      ip -o link show
      for ns in $names; do ip -n "$ns" -o link show 2>/dev/null || true; done
    } | awk -F': ' '{print $2}' | sed 's/@.*//' | grep -E -- "^${IF_TAG}(br|[sn][0-9])$" | sed 's/.*/"&"/' | paste -sd, -
  ) || true
  printf '{"namespacesLeft":[%s],"linksLeft":[%s]}\n' "$nss" "$links"
}

on_exit() {
  local rc=$?
  set +e
  trap - EXIT INT TERM HUP
  if ((TORN_DOWN == 0)); then
    log "tearing down $PREFIX"
    teardown
  fi
  # Past the environment checks, no failure may look like a skip.
  if ((ENV_OK == 1 && rc == SKIP_STATUS)); then rc=1; fi
  if [[ -n $RUN_DIR && -d $RUN_DIR ]]; then
    if ((rc == 0)) && [[ -z ${TZP2P_NETNS_KEEP:-} ]]; then
      rm -rf "$RUN_DIR"
    else
      log "logs kept in $RUN_DIR"
    fi
  fi
  exit "$rc"
}

on_signal() {
  log "interrupted ($1)"
  exit "$2"
}

install_traps() {
  trap on_exit EXIT
  trap 'on_signal INT 130' INT
  trap 'on_signal TERM 143' TERM
  trap 'on_signal HUP 129' HUP
}

# ---- the nodes -----------------------------------------------------------------------------------

# The maintenance thresholds of every node: min = expected = N-1 (each node wants every other one),
# max = 2(N-1). With --connections N instead (TZP2P_NETNS_CONNECTIONS), Octez's N/2 .. 3N/2.
MIN_CONN=0
MAX_CONN=0
choose_limits() {
  local n=$1 c=${TZP2P_NETNS_CONNECTIONS:-}
  if [[ -n $c ]]; then
    [[ $c =~ ^[0-9]+$ ]] && ((c >= 2 && c <= 100)) || die "TZP2P_NETNS_CONNECTIONS must be an integer in [2, 100], got '$c'"
    MIN_CONN=$((c / 2))
    MAX_CONN=$((3 * c / 2))
  else
    MIN_CONN=$((n - 1))
    MAX_CONN=$((2 * (n - 1)))
  fi
}

# maintenance-idle-time only matters once within the thresholds (below the minimum the maintenance
# dials as soon as discovery registers a point); 2 s keeps any lost connection short-lived.
write_config() {
  cat >"$1" <<EOF
{
  "p2p": {
    "limits": {
      "min-connections": $MIN_CONN,
      "expected-connections": $MIN_CONN,
      "max-connections": $MAX_CONN,
      "maintenance-idle-time": 2
    }
  }
}
EOF
}

start_node() {
  local i=$1 dir ns
  dir="$RUN_DIR/n$i"
  ns=$(ns_host "$i")
  mkdir -p "$dir"
  local -a limits=(--config-file "$dir/config.json")
  if [[ -n ${TZP2P_NETNS_CONNECTIONS:-} ]]; then
    limits=(--connections "$TZP2P_NETNS_CONNECTIONS")
  else
    write_config "$dir/config.json"
  fi
  # Debug level: discovery's events (datagrams sent, received, points registered) are debug lines.
  # No swap: with every node wanting every other one, a swap can only trade one of a node's
  # connections for another, and the pair it drops may not reconnect before the disconnection delay
  # (60 s). The guard's pipe is closed for the node: only this shell may hold it.
  ip netns exec "$ns" "$NODE" "$TZP2P" run \
    --data-dir "$dir" "${limits[@]}" \
    --network sandbox --expected-pow 0 \
    --net-addr "$(host_addr "$i"):$P2P_PORT" \
    --rpc-addr "127.0.0.1:$RPC_PORT" \
    --discovery-addr "$(discovery_arg "$i")" \
    --no-bootstrap-peers --disable-p2p-swap --log-level debug \
    </dev/null >"$dir/node.log" 2>&1 {GUARD_FD}>&- &
  NODE_PIDS[i]=$!
}

# One RPC snapshot per node (self, connections, points), each taken from inside its namespace, the
# N of them at once.
snapshot_all() {
  local n=$1 i
  local -a pids=()
  for ((i = 1; i <= n; i++)); do
    ip netns exec "$(ns_host "$i")" "$NODE" "$PROBE" snapshot "http://127.0.0.1:$RPC_PORT" "$RUN_DIR/n$i/snapshot.json" >/dev/null 2>&1 {GUARD_FD}>&- &
    pids+=($!)
  done
  for i in "${pids[@]}"; do wait "$i" || true; done
}

# Every node has logged its start (its RPC is then up).
all_started() {
  local n=$1 i
  for ((i = 1; i <= n; i++)); do
    grep -q '"msg":"node started"' "$RUN_DIR/n$i/node.log" 2>/dev/null || return 1
  done
}

check_alive() {
  local n=$1 i rc
  for ((i = 1; i <= n; i++)); do
    if ! alive "${NODE_PIDS[i]}"; then
      rc=0
      wait "${NODE_PIDS[i]}" || rc=$?
      NODE_PIDS[i]=''
      log "node n$i exited early (status $rc); the end of its log:"
      tail -n 20 "$RUN_DIR/n$i/node.log" >&2 || true
      return 1
    fi
  done
}

# Stop every node: SIGTERM, up to 15 s to exit, then SIGKILL. Each exit status goes to
# n$i/exit-status (`timeout` when it had to be killed). Done in this shell: only it can `wait`.
stop_nodes() {
  local n=$1 i t running rc
  for ((i = 1; i <= n; i++)); do
    if [[ -n ${NODE_PIDS[i]} ]]; then kill -TERM "${NODE_PIDS[i]}" 2>/dev/null || true; fi
  done
  for ((t = 0; t < STOP_WAIT_DS; t++)); do
    running=0
    for ((i = 1; i <= n; i++)); do
      if [[ -n ${NODE_PIDS[i]} ]] && alive "${NODE_PIDS[i]}"; then running=1; fi
    done
    ((running == 0)) && break
    sleep 0.1
  done
  for ((i = 1; i <= n; i++)); do
    [[ -n ${NODE_PIDS[i]} ]] || continue
    rc=0
    if alive "${NODE_PIDS[i]}"; then
      log "node n$i did not stop within $((STOP_WAIT_DS / 10)) s of SIGTERM: killed"
      kill -KILL "${NODE_PIDS[i]}" 2>/dev/null || true
      wait "${NODE_PIDS[i]}" 2>/dev/null || true
      rc=timeout
    else
      wait "${NODE_PIDS[i]}" || rc=$?
    fi
    NODE_PIDS[i]=''
    echo "$rc" >"$RUN_DIR/n$i/exit-status"
  done
}

write_run_json() {
  local n=$1 i sep=''
  {
    printf '{"prefix":"%s","ifTag":"%s","subnet":"%s.0/24","p2pPort":%d,"rpcPort":%d,"discoveryPort":%d,"switch":"%s",' \
      "$PREFIX" "$IF_TAG" "$SUBNET" "$P2P_PORT" "$RPC_PORT" "$DISCOVERY_PORT" "$(ns_switch)"
    printf '"thresholds":{"min":%d,"max":%d},"nodes":[' "$MIN_CONN" "$MAX_CONN"
    for ((i = 1; i <= n; i++)); do
      printf '%s{"name":"n%d","namespace":"%s","address":"%s","interface":"%s","discoveryAddr":"%s","dir":"%s"}' \
        "$sep" "$i" "$(ns_host "$i")" "$(host_addr "$i")" "${IF_TAG}n$i" "$(discovery_dest "$i")" "$RUN_DIR/n$i"
      sep=','
    done
    printf ']}\n'
  } >"$RUN_DIR/run.json"
}

cmd_run() {
  local n=$1 wait_s=$2 i
  require_netns
  require_node
  choose_names
  choose_subnet
  choose_limits "$n"
  RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/tzp2p-netns-run.XXXXXX")
  install_traps
  mkdir -p "$STATE_DIR"
  start_guard

  local t0 t_setup t_up='' t_connected='' t_ok='' t_stop t_end status
  t0=$(now_ms)
  setup "$n"
  t_setup=$(now_ms)
  write_run_json "$n"
  for ((i = 1; i <= n; i++)); do start_node "$i"; done
  log "started $n nodes (no --peer, no bootstrap peer; thresholds $MIN_CONN..$MAX_CONN connections); waiting at most ${wait_s}s"

  # Poll until every node is within its thresholds in one connected graph; stop at the deadline
  # otherwise (the report then says what is missing).
  local deadline=$((t_setup + wait_s * 1000)) started=0
  status=none
  while :; do
    check_alive "$n" || die "a node exited before the network formed (logs in $RUN_DIR)"
    # No RPC polling (N+1 node processes a round) before every node is up: they share the CPU.
    if ((started == 0)) && all_started "$n"; then
      started=1
      t_up=$(now_ms)
      log "every node is up after $(((t_up - t_setup) / 1000)) s"
    fi
    if ((started == 0)); then
      if (($(now_ms) >= deadline)); then
        log "deadline: not every node started within ${wait_s}s"
        break
      fi
      sleep 0.5
      continue
    fi
    snapshot_all "$n"
    status=$("$NODE" "$PROBE" check "$RUN_DIR")
    case $status in
      ok | connected) [[ -n $t_connected ]] || t_connected=$(now_ms) ;;
    esac
    if [[ $status == ok ]]; then
      t_ok=$(now_ms)
      break
    fi
    if (($(now_ms) >= deadline)); then
      log "deadline: the network did not form within ${wait_s}s"
      break
    fi
    sleep 0.5
  done
  log "network state: $status"

  # Evidence that the traffic crossed the veths: each host interface's counters.
  for ((i = 1; i <= n; i++)); do
    ip -n "$(ns_host "$i")" -s -j link show dev "${IF_TAG}n$i" >"$RUN_DIR/n$i/link.json" 2>/dev/null || echo '[]' >"$RUN_DIR/n$i/link.json"
  done

  t_stop=$(now_ms)
  stop_nodes "$n"
  t_end=$(now_ms)
  teardown
  leftovers_json >"$RUN_DIR/teardown.json"
  printf '{"setupMs":%d,"nodesUpMs":%s,"connectedMs":%s,"withinThresholdsMs":%s,"stopMs":%d,"totalMs":%d}\n' \
    $((t_setup - t0)) "${t_up:+$((t_up - t_setup))}" "${t_connected:+$((t_connected - t_setup))}" \
    "${t_ok:+$((t_ok - t_setup))}" $((t_end - t_stop)) $(($(now_ms) - t0)) |
    sed 's/:,/:null,/g' >"$RUN_DIR/timings.json"
  "$NODE" "$PROBE" report "$RUN_DIR"
}

cmd_up() {
  local n=$1 i
  require_netns
  choose_names
  choose_subnet
  install_traps
  setup "$n"
  TORN_DOWN=1 # keep them
  sed -i '1s/.*/owner 0/' "$STATE_FILE" # nobody owns them any more: `down` may remove them
  printf 'prefix %s (remove with: %s down %s)\n' "$PREFIX" "$0" "$PREFIX"
  printf 'switch namespace %s, bridge %s\n' "$(ns_switch)" "${IF_TAG}br"
  for ((i = 1; i <= n; i++)); do
    printf 'host n%d: namespace %s, interface %s, address %s/24 (broadcast %s.255)\n' \
      "$i" "$(ns_host "$i")" "${IF_TAG}n$i" "$(host_addr "$i")" "$SUBNET"
  done
}

cmd_down() {
  require_netns
  local f owner found=0
  if (($# == 1)); then
    [[ $1 =~ ^tzp2p-[0-9a-f]+$ ]] || die "not a prefix made by this script: $1"
    [[ -f $STATE_DIR/$1 ]] || die "no record of $1 in $STATE_DIR"
    teardown_state "$STATE_DIR/$1"
    log "removed $1"
    return 0
  fi
  shopt -s nullglob
  for f in "$STATE_DIR"/tzp2p-*; do
    owner=$(awk '$1 == "owner" {print $2; exit}' "$f")
    if [[ -n $owner && $owner != 0 ]] && alive "$owner"; then
      log "$(basename "$f") belongs to a run in progress (pid $owner): left alone"
      continue
    fi
    teardown_state "$f"
    log "removed $(basename "$f")"
    found=1
  done
  ((found == 1)) || log "nothing to remove (no record in $STATE_DIR)"
}

node_count() {
  if ! [[ ${1:-} =~ ^[0-9]+$ ]] || (($1 < MIN_NODES || $1 > MAX_NODES)); then
    printf 'netns: N must be an integer in [%d, %d], got "%s"\n' "$MIN_NODES" "$MAX_NODES" "${1:-}" >&2
    exit 2
  fi
}

main() {
  (($# >= 1)) || usage
  local cmd=$1
  shift
  case $cmd in
    run)
      (($# >= 1 && $# <= 2)) || usage
      node_count "$1"
      local wait_s=${2:-60}
      if ! [[ $wait_s =~ ^[0-9]+$ ]] || ((wait_s < 1 || wait_s > 600)); then
        printf 'netns: SECONDS must be an integer in [1, 600], got "%s"\n' "$wait_s" >&2
        exit 2
      fi
      cmd_run "$1" "$wait_s"
      ;;
    up)
      (($# == 1)) || usage
      node_count "$1"
      cmd_up "$1"
      ;;
    down)
      (($# <= 1)) || usage
      cmd_down "$@"
      ;;
    __guard)
      (($# == 1)) || usage
      cmd_guard "$1"
      ;;
    *) usage ;;
  esac
}

main "$@"
