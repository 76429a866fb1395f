#!/usr/bin/env bash
# Benchmark: how long `npm start` takes until the login page answers, cold and warm.
#
#   bash bench/start-times.sh
#
# cold: first start on an empty COIN_DATA_DIR: initdb of the embedded PostgreSQL, migrations,
#       demo data, web and worker, until GET /login answers 200.
# warm: second start on the same data dir (cluster and data already there).
# Each is measured BENCH_RUNS times (default 2: a fresh data dir per round), with the load average
# just before each run, since a busy machine (other builds, tests) slows a start a lot.
# The web build is made first with `npm run build` and is NOT counted (a stale build would make
# `coin start` rebuild; the script says so if that happens).
#
# Uses a fresh temp data dir (removed at the end) and PORT (default 3900, override with
# BENCH_PORT). Stops each start with SIGINT to its process group, as Ctrl-C in a terminal does.
# Writes bench/results/start-times.json.
set -euo pipefail

cd "$(dirname "$0")/.."
PORT="${BENCH_PORT:-3900}"
READY_TIMEOUT_S=300   # a cold start slower than this counts as a failure
STOP_TIMEOUT_S=60
RESULTS=bench/results/start-times.json

if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:${PORT}/" 2>/dev/null; then
  echo "Port ${PORT} is already in use: set BENCH_PORT to a free port." >&2
  exit 1
fi

RUNS="${BENCH_RUNS:-2}"
DATA_DIR=""
new_data_dir() {
  [ -z "$DATA_DIR" ] || rm -rf "$DATA_DIR"
  DATA_DIR="$(mktemp -d "${TMPDIR:-/tmp}/coin-start-bench-XXXXXX")"
  chmod 755 "$DATA_DIR" # run as root, PostgreSQL runs as the `postgres` user and must reach it
}
LOG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/coin-start-bench-logs-XXXXXX")"
PGID=""

stop_group() {
  # SIGINT to the whole process group (npm, coin, web, worker, postgres), then wait for all of
  # it to end; SIGKILL what is still there after STOP_TIMEOUT_S.
  local pgid="$1" i
  [ -n "$pgid" ] || return 0
  kill -INT -- "-${pgid}" 2>/dev/null || return 0
  for ((i = 0; i < STOP_TIMEOUT_S * 10; i++)); do
    pgrep -g "$pgid" >/dev/null || return 0
    sleep 0.1
  done
  echo "The processes of group ${pgid} did not stop within ${STOP_TIMEOUT_S} s after SIGINT: killing them." >&2
  kill -KILL -- "-${pgid}" 2>/dev/null || true
  return 1
}

cleanup() {
  local status=$?
  if [ -n "$PGID" ]; then stop_group "$PGID" || true; fi
  [ -z "$DATA_DIR" ] || rm -rf "$DATA_DIR"
  if [ "$status" -ne 0 ]; then echo "Logs kept in ${LOG_DIR}" >&2; else rm -rf "$LOG_DIR"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now_ms() { date +%s%3N; }

# Starts `npm start` in its own session (so its process group holds everything it starts),
# polls /login until 200, sets MEASURED_MS to the elapsed milliseconds, then stops it. (Not run in
# a $(…) subshell, so that the EXIT trap knows the group to stop if the script is interrupted.)
MEASURED_MS=""
measure_start() {
  local name="$1" log="${LOG_DIR}/$1.log" began pid code elapsed i
  began="$(now_ms)"
  env -u DATABASE_URL -u NODE_ENV COIN_DATA_DIR="$DATA_DIR" PORT="$PORT" HOST=127.0.0.1 \
    setsid npm start >"$log" 2>&1 </dev/null &
  pid=$!
  # setsid runs npm in place (a background job is not a group leader), so pid is the group id.
  PGID="$(ps -o pgid= -p "$pid" | tr -d ' ')"
  code=000
  for ((i = 0; i < READY_TIMEOUT_S * 10; i++)); do
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:${PORT}/login" || true)"
    [ "$code" = 200 ] && break
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "npm start (${name}) exited before /login answered. Its output:" >&2
      cat "$log" >&2
      return 1
    fi
    sleep 0.1
  done
  elapsed=$(($(now_ms) - began))
  if [ "$code" != 200 ]; then
    echo "GET /login still answered ${code} after ${READY_TIMEOUT_S} s (${name}). Output:" >&2
    cat "$log" >&2
    return 1
  fi
  # The worker starts once the web server listens: give coin a moment to print its own "ready in".
  for ((i = 0; i < 300; i++)); do grep -q 'ready in' "$log" && break; sleep 0.1; done
  if grep -q 'Building the web app' "$log"; then
    echo "Warning: the ${name} start rebuilt the web app (a source changed after npm run build): its time includes a build." >&2
  fi
  stop_group "$PGID"
  wait "$pid" 2>/dev/null || true
  PGID=""
  MEASURED_MS="$elapsed"
}

echo "Machine: $(nproc) CPU ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')), node $(node -v), load average $(cut -d' ' -f1-3 /proc/loadavg)"
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"

echo "Building the web app first (npm run build, not counted)…"
build_began="$(now_ms)"
npm run build >"${LOG_DIR}/build.log" 2>&1 || { cat "${LOG_DIR}/build.log" >&2; exit 1; }
build_ms=$(($(now_ms) - build_began))
echo "  build: $(awk "BEGIN { printf \"%.1f\", ${build_ms} / 1000 }") s"

load1() { cut -d' ' -f1 /proc/loadavg; }
COLD=() WARM=() COLD_LOAD=() WARM_LOAD=() COLD_READY=() WARM_READY=()
for ((round = 1; round <= RUNS; round++)); do
  new_data_dir
  echo "Round ${round}/${RUNS}: cold start (empty data dir ${DATA_DIR}, port ${PORT}), load $(load1)…"
  COLD_LOAD+=("$(load1)")
  measure_start cold
  COLD+=("$MEASURED_MS")
  # What the cold start did, from coin's own output.
  grep -E 'Database:|Applied|Loaded the demo|Building the web' "${LOG_DIR}/cold.log" | sed 's/^/  | /' || true
  COLD_READY+=("$(grep -o 'ready in [0-9.]* s' "${LOG_DIR}/cold.log" || echo '?')")
  echo "Round ${round}/${RUNS}: warm start (same data dir), load $(load1)…"
  WARM_LOAD+=("$(load1)")
  measure_start warm
  WARM+=("$MEASURED_MS")
  WARM_READY+=("$(grep -o 'ready in [0-9.]* s' "${LOG_DIR}/warm.log" || echo '?')")
done
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

sec() { awk "BEGIN { printf \"%.1f\", $1 / 1000 }"; }
echo
echo "npm start until GET /login answers 200 (load average, 1 min, before each run):"
for ((i = 0; i < RUNS; i++)); do
  echo "  cold: $(sec "${COLD[$i]}") s (load ${COLD_LOAD[$i]}; coin said: ${COLD_READY[$i]})   warm: $(sec "${WARM[$i]}") s (load ${WARM_LOAD[$i]}; coin said: ${WARM_READY[$i]})"
done
echo "Load average before: ${LOAD_BEFORE}, after: ${LOAD_AFTER}"
json_list() { local IFS=,; echo "[$*]"; }
json_strings() { local out="" v; for v in "$@"; do out+="${out:+,}\"${v}\""; done; echo "[${out}]"; }

mkdir -p "$(dirname "$RESULTS")"
cat >"$RESULTS" <<JSON
{
  "benchmark": "start-times",
  "date": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "machine": {
    "cpus": $(nproc),
    "cpuModel": "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')",
    "node": "$(node -v)",
    "loadAverageBefore": "${LOAD_BEFORE}",
    "loadAverageAfter": "${LOAD_AFTER}"
  },
  "commit": "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo +changes || true)",
  "measure": "launch of npm start until GET /login answers 200; build made before and not counted; load1 is the 1-minute load average just before each run",
  "buildMs": ${build_ms},
  "runs": ${RUNS},
  "coldMs": $(json_list "${COLD[@]}"),
  "coldLoad1": $(json_strings "${COLD_LOAD[@]}"),
  "warmMs": $(json_list "${WARM[@]}"),
  "warmLoad1": $(json_strings "${WARM_LOAD[@]}")
}
JSON
echo "Wrote ${RESULTS}"
