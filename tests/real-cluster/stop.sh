#!/usr/bin/env bash
# Stops a cluster that start.sh started in DIR: every PID in DIR/pids, in reverse order,
# TERM then KILL after 5 s. Idempotent; leaves DIR (logs, data) in place.
set -uo pipefail
dir="${1:?usage: stop.sh DIR}"
[ -f "$dir/pids" ] || exit 0
pids=$(tac "$dir/pids" | cut -d' ' -f1)
for pid in $pids; do kill -TERM "$pid" 2>/dev/null; done
for _ in $(seq 50); do
  alive=""
  for pid in $pids; do kill -0 "$pid" 2>/dev/null && alive="$alive $pid"; done
  [ -z "$alive" ] && break
  sleep 0.1
done
for pid in $pids; do kill -KILL "$pid" 2>/dev/null; done
: > "$dir/pids"
