#!/usr/bin/env bash
# Benchmark: `scale` against what users otherwise run, side by side, on three API servers:
#   memory   the test API server, no added latency
#   latency  the test API server with --latency-ms 10 (a nearby API server's round trip)
#   real     the real kube-apiserver of tests/real-cluster (kwok left out: see start.sh)
# For each, from an empty cluster, N nodes (default 5000) of the example's group `general`:
#   up:   kubectl-kwokprovider scale general --replicas N
#         kubectl create -f nodes.json          (the same N nodes, one `kind: List`)
#         nodes.sh loop: one `kubectl create` per node (LOOP=200 timed, extrapolated to N)
#   down: kubectl-kwokprovider scale general --replicas 0
#         kubectl delete nodes -l kwok-nodegroup=general
# and prints nodes/s, the ratios and the plugin's peak RSS. Targets (exit 1 when missed):
# at 10 ms latency scale is >= 10x faster than `kubectl create -f`; in memory it is not
# slower; peak RSS < 100 MB.
#
# usage: tests/bench/scale.sh [memory|latency|real ...]   (env: N=5000 LOOP=200 KUBECTL=kubectl)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
n="${N:-5000}"
loop="${LOOP:-200}"
kubectl="${KUBECTL:-$(command -v kubectl || echo "$root/target/real-cluster/bin/kubectl")}"
settings=("$@")
[ ${#settings[@]} -gt 0 ] || settings=(memory latency real)

cd "$root"
echo "building release binaries..." >&2
cargo build --release --quiet --bin kubectl-kwokprovider -p kubectl-kwokprovider
cargo build --release --quiet -p fake-apiserver
plugin="$root/target/release/kubectl-kwokprovider"
fake="$root/target/release/fake-apiserver"
work="$(mktemp -d "${TMPDIR:-/tmp}/kwok-bench-scale.XXXXXX")"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
  [ -f "$work/cluster/pids" ] && "$root/tests/real-cluster/stop.sh" "$work/cluster"
  rm -rf "$work"
}
trap cleanup EXIT
trap "exit 130" INT TERM

example="$root/tests/fixtures/examples/kwok-provider.yaml"
sed 's/namespace: kube-system/namespace: default/' "$example" > "$work/configmaps.yaml"

# For kubectl: N nodes shaped like the ones scale makes (same labels, annotations, taint
# and status as the example's `general` template), in one `kind: List`. Without
# `status.nodeInfo`: kubectl's client-side validation against the real API server's
# OpenAPI requires all of NodeSystemInfo's fields once it is there.
python3 - "$work" "$n" <<'PY'
import json, sys
work, n = sys.argv[1], int(sys.argv[2])
def node(i):
    name = f"general-k{i:06d}"
    return {"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": name,
                         "annotations": {"kwok.x-k8s.io/node": "fake",
                                         "cluster-autoscaler.kwok.nodegroup/name": "general",
                                         "metrics.k8s.io/resource-metrics-path": f"/metrics/nodes/{name}/metrics/resource"},
                         "labels": {"kwok-nodegroup": "general", "kubernetes.io/arch": "amd64",
                                    "kubernetes.io/os": "linux", "node.kubernetes.io/instance-type": "m5.xlarge"}},
            "spec": {"providerID": f"kwok:{name}",
                     "taints": [{"key": "kwok-provider", "value": "true", "effect": "NoSchedule"}]},
            "status": {"allocatable": {"cpu": "4", "memory": "15Gi", "pods": "110"},
                       "capacity": {"cpu": "4", "memory": "16Gi", "pods": "110"}}}
json.dump({"apiVersion": "v1", "kind": "List", "items": [node(i) for i in range(n)]}, open(f"{work}/nodes.json", "w"))
PY

now() { date +%s.%N; }
elapsed() { python3 -c "print(f'{$2 - $1:.2f}')"; }
rate() { python3 -c "print(f'{$1 / max($2, 1e-9):.0f}')"; }

start_fake() {
  local latency="$1"
  "$fake" --listen 127.0.0.1:0 --kubeconfig "$work/kubeconfig" --latency-ms "$latency" \
    --seed "$work/configmaps.yaml" > "$work/fake.out" 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do [ -s "$work/kubeconfig" ] && grep -q listening "$work/fake.out" && return; sleep 0.05; done
  echo "the test API server did not start" >&2; exit 2
}

start_real() {
  KIT_NO_KWOK=1 "$root/tests/real-cluster/start.sh" "$work/cluster" >&2
  cp "$work/cluster/kubeconfig" "$work/kubeconfig"
  "$root/target/real-cluster/bin/kubectl" --kubeconfig "$work/kubeconfig" apply -f "$work/configmaps.yaml" >/dev/null
}

stop_server() {
  if [ -n "$server_pid" ]; then kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""; fi
  if [ -f "$work/cluster/pids" ]; then "$root/tests/real-cluster/stop.sh" "$work/cluster"; rm -rf "$work/cluster"; fi
  rm -f "$work/kubeconfig"
}

count_nodes() { "$kubectl" --kubeconfig "$work/kubeconfig" get nodes --no-headers 2>/dev/null | wc -l; }

failed=0
results=()
for setting in "${settings[@]}"; do
  case "$setting" in
    memory) start_fake 0 ;;
    latency) start_fake 10 ;;
    real) start_real ;;
    *) echo "unknown setting $setting" >&2; exit 2 ;;
  esac
  k=("$kubectl" --kubeconfig "$work/kubeconfig")

  t0=$(now)
  /usr/bin/time -f "%M" -o "$work/rss" "$plugin" scale --kubeconfig "$work/kubeconfig" general \
    --replicas "$n" --ignore-limits > "$work/scale-up.out" 2> "$work/scale-up.err"
  t1=$(now); scale_up=$(elapsed "$t0" "$t1"); rss_up=$(cat "$work/rss")
  [ "$(count_nodes)" -eq "$n" ] || { echo "$setting: scale made $(count_nodes) nodes, not $n" >&2; exit 2; }

  t0=$(now)
  /usr/bin/time -f "%M" -o "$work/rss" "$plugin" scale --kubeconfig "$work/kubeconfig" general \
    --replicas 0 --ignore-limits > "$work/scale-down.out" 2> "$work/scale-down.err"
  t1=$(now); scale_down=$(elapsed "$t0" "$t1"); rss_down=$(cat "$work/rss")
  [ "$(count_nodes)" -eq 0 ] || { echo "$setting: $(count_nodes) nodes left after scale to 0" >&2; exit 2; }

  t0=$(now)
  "${k[@]}" create -f "$work/nodes.json" > /dev/null
  t1=$(now); create_f=$(elapsed "$t0" "$t1")

  t0=$(now)
  "${k[@]}" delete nodes -l kwok-nodegroup=general --wait=false > /dev/null
  t1=$(now); delete_l=$(elapsed "$t0" "$t1")
  [ "$(count_nodes)" -eq 0 ] || "${k[@]}" delete nodes --all --wait=false > /dev/null

  # nodes.sh: one kubectl per node.
  python3 - "$work" "$loop" <<'PY'
import json, sys, os
work, loop = sys.argv[1], int(sys.argv[2])
items = json.load(open(f"{work}/nodes.json"))["items"][:loop]
os.makedirs(f"{work}/loop", exist_ok=True)
for i, item in enumerate(items):
    json.dump(item, open(f"{work}/loop/{i}.json", "w"))
PY
  t0=$(now)
  for f in "$work"/loop/*.json; do "${k[@]}" create -f "$f" > /dev/null; done
  t1=$(now); loop_time=$(elapsed "$t0" "$t1")
  loop_n=$(python3 -c "print(f'{$loop_time * $n / $loop:.1f}')")
  "${k[@]}" delete nodes --all --wait=false > /dev/null

  rss_mb=$(python3 -c "print(f'{max($rss_up, $rss_down) / 1024:.1f}')")
  line=$(printf '%-8s up: scale %6ss (%5s/s) | kubectl create -f %6ss (%5s/s) | nodes.sh %7ss (%4s/s, %s timed) | ratio %5sx / %6sx || down: scale %6ss (%5s/s) | kubectl delete -l %6ss | ratio %5sx || peak RSS %s MB' \
    "$setting" "$scale_up" "$(rate "$n" "$scale_up")" "$create_f" "$(rate "$n" "$create_f")" \
    "$loop_n" "$(rate "$loop" "$loop_time")" "$loop" \
    "$(python3 -c "print(f'{$create_f / $scale_up:.1f}')")" "$(python3 -c "print(f'{$loop_n / $scale_up:.0f}')")" \
    "$scale_down" "$(rate "$n" "$scale_down")" "$delete_l" "$(python3 -c "print(f'{$delete_l / $scale_down:.1f}')")" "$rss_mb")
  echo "$line"
  results+=("$line")

  case "$setting" in
    latency) python3 -c "import sys; sys.exit(0 if $create_f / $scale_up >= 10 else 1)" \
               || { echo "MISSED: at 10 ms latency scale must be >= 10x faster than kubectl create -f" >&2; failed=1; } ;;
    memory) python3 -c "import sys; sys.exit(0 if $scale_up <= $create_f * 1.05 else 1)" \
               || { echo "MISSED: in memory scale must not be slower than kubectl create -f" >&2; failed=1; } ;;
  esac
  python3 -c "import sys; sys.exit(0 if $rss_mb < 100 else 1)" || { echo "MISSED: peak RSS >= 100 MB" >&2; failed=1; }
  stop_server
done
echo
printf '%s\n' "${results[@]}"
exit "$failed"
