#!/usr/bin/env bash
# Benchmark: `why -A` against what a user does today, `kubectl describe pod` per pending pod, on
# the real kube-apiserver, scheduler and controllers of tests/real-cluster (no CA).
#   50 node groups (cpu 2..16, some with a GPU, max-count 10); DEPLOYMENTS (default 100)
#   Deployments of REPLICAS (default 50) pods each, all Pending (a third without the kwok
#   toleration, a third too big for every group, a third fitting some groups).
#   why:      kubectl-kwokprovider why -A -o json        (wall time, peak RSS)
#   describe: kubectl describe pod, one per pod            (LOOP=100 timed, extrapolated to all)
#
# usage: tests/bench/why.sh        (env: DEPLOYMENTS=100 REPLICAS=50 LOOP=100 PROFILE=release KUBECTL=kubectl
#                                        PLUGIN=path: a binary built already, e.g. target/release/kubectl-kwokprovider)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
deployments="${DEPLOYMENTS:-100}"
replicas="${REPLICAS:-50}"
loop="${LOOP:-100}"
profile="${PROFILE:-release}"
export KWOK_KIT_BIN="${KWOK_KIT_BIN:-$root/target/real-cluster/bin}"
kubectl="${KUBECTL:-$(command -v kubectl || echo "$KWOK_KIT_BIN/kubectl")}"

cd "$root"
if [ -n "${PLUGIN:-}" ]; then
  plugin="$(cd "$(dirname "$PLUGIN")" && pwd)/$(basename "$PLUGIN")"
  profile="$(basename "$(dirname "$plugin")")"
elif [ "$profile" = release ]; then
  echo "building the release binary..." >&2
  cargo build --release --quiet --bin kubectl-kwokprovider
  plugin="$root/target/release/kubectl-kwokprovider"
else
  cargo build --quiet --bin kubectl-kwokprovider
  plugin="$root/target/debug/kubectl-kwokprovider"
fi
work="$(mktemp -d "${TMPDIR:-/tmp}/kwok-bench-why.XXXXXX")"
cleanup() {
  [ -f "$work/cluster/pids" ] && "$root/tests/real-cluster/stop.sh" "$work/cluster"
  rm -rf "$work"
}
trap cleanup EXIT
trap "exit 130" INT TERM

"$root/tests/real-cluster/start.sh" "$work/cluster" >&2
export KUBECONFIG="$work/cluster/kubeconfig"

python3 - "$work" "$deployments" "$replicas" <<'PY'
import json, sys
work, deployments, replicas = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
groups = []
for i in range(50):
    name = f"g{i:02d}"
    cpu = [2, 4, 8, 16][i % 4]
    alloc = {"cpu": str(cpu), "memory": f"{cpu * 4}Gi", "pods": "110"}
    labels = {"kwok-nodegroup": name, "kubernetes.io/os": "linux", "zone": f"z{i % 3}"}
    if i % 10 == 9:
        alloc["nvidia.com/gpu"] = "1"
    groups.append({"apiVersion": "v1", "kind": "Node",
                   "metadata": {"name": name, "labels": labels,
                                "annotations": {"cluster-autoscaler.kwok.nodegroup/max-count": "10"}},
                   "status": {"allocatable": alloc, "capacity": alloc}})
config = "apiVersion: v1alpha1\nreadNodesFrom: configmap\nnodegroups:\n  fromNodeLabelKey: kwok-nodegroup\nconfigmap:\n  name: kwok-provider-templates\n"
items = [
    {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "kwok"}},
    {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "kwok-provider-config", "namespace": "kwok"}, "data": {"config": config}},
    {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "kwok-provider-templates", "namespace": "kwok"},
     "data": {"templates": json.dumps({"apiVersion": "v1", "kind": "List", "items": groups})}},
]
for t in range(10):
    items.append({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": f"team-{t}"}})
toleration = [{"key": "kwok-provider", "operator": "Exists", "effect": "NoSchedule"}]
for d in range(deployments):
    spec = {"containers": [{"name": "app", "image": "app", "resources": {"requests": {"cpu": "1", "memory": "1Gi"}}}],
            "nodeSelector": {"bench": "never"} if d % 3 == 0 else {"zone": f"z{d % 3}"}}
    if d % 3 == 1:
        spec["tolerations"] = toleration
        spec["containers"][0]["resources"]["requests"]["cpu"] = "32"
    if d % 3 == 2:
        spec["tolerations"] = toleration
        # Keep them Pending: no node exists, the selector only matches new nodes.
    items.append({"apiVersion": "apps/v1", "kind": "Deployment",
                  "metadata": {"name": f"app-{d}", "namespace": f"team-{d % 10}"},
                  "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": f"app-{d}"}},
                           "template": {"metadata": {"labels": {"app": f"app-{d}"}}, "spec": spec}}})
with open(f"{work}/objects.json", "w") as f:
    json.dump({"apiVersion": "v1", "kind": "List", "items": items}, f)
PY
"$kubectl" apply -f "$work/objects.json" >/dev/null
total=$((deployments * replicas))
echo "waiting for $total pods refused by the scheduler..." >&2
for _ in $(seq 600); do
  refused="$("$kubectl" get pods -A --field-selector status.phase=Pending -o json |
    python3 -c 'import json,sys; print(sum(1 for p in json.load(sys.stdin)["items"] if any(c.get("type")=="PodScheduled" and c.get("status")=="False" for c in p["status"].get("conditions",[]))))')"
  [ "$refused" -ge "$total" ] && break
  sleep 2
done
echo "pending and refused: $refused of $total" >&2

start=$(date +%s.%N)
/usr/bin/time -f "%M" -o "$work/rss" "$plugin" why -A --ca-namespace kwok -o json >"$work/why.json" 2>"$work/why.err"
end=$(date +%s.%N)
why_s=$(echo "$end - $start" | bc)
owners=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(len(r["owners"]), sum(o["pending"] for o in r["owners"]))' "$work/why.json")

"$kubectl" get pods -A --field-selector status.phase=Pending -o jsonpath='{range .items[*]}{.metadata.namespace} {.metadata.name}{"\n"}{end}' >"$work/pending"
head -n "$loop" "$work/pending" >"$work/sample"
start=$(date +%s.%N)
while read -r ns name; do "$kubectl" describe pod -n "$ns" "$name" >/dev/null; done <"$work/sample"
end=$(date +%s.%N)
sample_s=$(echo "$end - $start" | bc)
describe_s=$(echo "$sample_s * $total / $loop" | bc)

echo "why -A -o json: ${why_s} s for $total pending pods, 50 groups (owners, pods: $owners), peak RSS $(( $(cat "$work/rss") / 1024 )) MB ($profile build)"
echo "kubectl describe pod x $loop: ${sample_s} s; x $total (extrapolated): ${describe_s} s"
echo "ratio: $(echo "scale=1; $describe_s / $why_s" | bc)x"
