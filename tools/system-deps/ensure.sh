#!/usr/bin/env bash
# The Debian packages the tests use as independent judges: Chromium (the web view is tested in a real
# headless browser) and Prometheus's promtool (the /metrics exposition is checked by Prometheus's own
# parser). Run by `npm test` (pretest) and by .ci/run; installs what is missing when it can (root and
# apt-get), otherwise says which command to run and fails. TZP2P_SKIP_SYSTEM_DEPS=1 skips the check.
set -euo pipefail
[[ "${TZP2P_SKIP_SYSTEM_DEPS:-}" == 1 ]] && exit 0

declare -A need=([chromium]=chromium [promtool]=prometheus)
missing=()
for cmd in "${!need[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${need[$cmd]}")
done
((${#missing[@]} == 0)) && exit 0

if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: installing ${missing[*]} (Debian packages)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exit 0
fi
echo "system-deps: missing ${missing[*]}; install with: sudo apt-get install --no-install-recommends ${missing[*]}" >&2
exit 1
