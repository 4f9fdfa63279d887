#!/usr/bin/env bash
# Benchmark: `events` beside `kubectl get events`, on the test API server.
#   backlog: CA_EVENTS (default 50,000) cluster-autoscaler events plus as many from other
#            components; `kubectl-kwokprovider events --since 24h` (text and -o json)
#            against `kubectl get events -A --field-selector source=cluster-autoscaler`;
#            wall time and the plugin's peak RSS. Target: at least 3x faster.
#   follow:  `events -f -o json` running; FOLLOW (default 200) events posted one at a time;
#            latency from each event's eventTime (set when posted, microseconds) to the
#            moment its line is read. Target: p99 under 200 ms.
# Exits 1 when a target is missed.
#
# usage: tests/bench/events.sh        (env: CA_EVENTS=50000 FOLLOW=200 KUBECTL=kubectl)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
ca_events="${CA_EVENTS:-50000}"
follow="${FOLLOW:-200}"
kubectl="${KUBECTL:-$(command -v kubectl || echo "$root/target/real-cluster/bin/kubectl")}"

cd "$root"
echo "building release binaries..." >&2
cargo build --release --quiet --bin kubectl-kwokprovider -p kubectl-kwokprovider
cargo build --release --quiet -p fake-apiserver
plugin="$root/target/release/kubectl-kwokprovider"
fake="$root/target/release/fake-apiserver"
work="$(mktemp -d "${TMPDIR:-/tmp}/kwok-bench-events.XXXXXX")"
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
trap "exit 130" INT TERM

python3 - "$work" "$ca_events" <<'PY'
import json, sys, datetime, random
work, n = sys.argv[1], int(sys.argv[2])
now = datetime.datetime.now(datetime.timezone.utc)
messages = [
    ("TriggeredScaleUp", "Pod", "pod triggered scale-up: [{general 1->3 (max: 10)} {gpu 0->1 (max: 4)}]"),
    ("NotTriggerScaleUp", "Pod", "pod didn't trigger scale-up: 2 node(s) had untolerated taint {kwok-provider: true}, 1 max node group size reached"),
    ("ScaledUpGroup", "ConfigMap", "Scale-up: group general size set to 3 instead of 1 (max: 10)"),
    ("ScaleDownEmpty", "ConfigMap", "Scale-down: empty node general-abcde removed"),
]
items = []
for i in range(2 * n):
    ca = i % 2 == 0
    reason, kind, message = messages[(i // 2) % 4] if ca else ("Scheduled", "Pod", "Successfully assigned default/x to node-1")
    t = (now - datetime.timedelta(seconds=random.randint(0, 20 * 3600))).strftime("%Y-%m-%dT%H:%M:%SZ")
    ns = f"team-{i % 20}"
    items.append({"apiVersion": "v1", "kind": "Event",
                  "metadata": {"name": f"obj-{i}.{i:x}", "namespace": ns},
                  "involvedObject": {"kind": kind, "namespace": ns, "name": f"obj-{i}"},
                  "reason": reason, "message": message, "type": "Normal", "count": 1,
                  "firstTimestamp": t, "lastTimestamp": t,
                  "source": {"component": "cluster-autoscaler" if ca else "default-scheduler"}})
items += [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}
          for ns in ["bench"] + [f"team-{i}" for i in range(20)]]
json.dump({"apiVersion": "v1", "kind": "List", "items": items}, open(f"{work}/seed.json", "w"))
PY

"$fake" --listen 127.0.0.1:0 --kubeconfig "$work/kubeconfig" --seed "$work/seed.json" \
  --history-limit 1000 > "$work/fake.out" 2>&1 &
server_pid=$!
for _ in $(seq 600); do grep -q listening "$work/fake.out" 2>/dev/null && break; sleep 0.1; done
url="$(sed -n 's/^listening on //p' "$work/fake.out")"
[ -n "$url" ] || { echo "the test API server did not start" >&2; exit 2; }

best() { # best of 3 wall times of a command, in seconds
  python3 - "$@" <<'PY'
import subprocess, sys, time
times = []
for _ in range(3):
    t = time.perf_counter()
    subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)
    times.append(time.perf_counter() - t)
print(f"{min(times):.2f}")
PY
}

plugin_text=$(best "$plugin" events --kubeconfig "$work/kubeconfig" --since 24h --color never)
plugin_json=$(best "$plugin" events --kubeconfig "$work/kubeconfig" --since 24h -o json)
kubectl_text=$(best "$kubectl" --kubeconfig "$work/kubeconfig" get events -A --field-selector source=cluster-autoscaler)
/usr/bin/time -f "%M" -o "$work/rss" "$plugin" events --kubeconfig "$work/kubeconfig" --since 24h -o json > "$work/out.json"
lines=$(wc -l < "$work/out.json")
rss_mb=$(python3 -c "print(f'{$(cat "$work/rss") / 1024:.1f}')")
[ "$lines" -eq "$ca_events" ] || { echo "events printed $lines lines, expected $ca_events" >&2; exit 2; }

# Follow latency: post events one at a time with eventTime = now, read the NDJSON as it comes.
p99=$(python3 - "$plugin" "$work/kubeconfig" "$url" "$follow" <<'PY'
import datetime, json, subprocess, sys, threading, time, urllib.request
plugin, kubeconfig, url, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
proc = subprocess.Popen([plugin, "events", "--kubeconfig", kubeconfig, "-f", "-o", "json", "-n", "bench",
                         "--since", "1s", "--max-events", str(n), "--timeout", "120s"],
                        stdout=subprocess.PIPE, text=True)
time.sleep(1.0)
latencies = []
def reader():
    for line in proc.stdout:
        seen = datetime.datetime.now(datetime.timezone.utc)
        sent = datetime.datetime.fromisoformat(json.loads(line)["time"].replace("Z", "+00:00"))
        latencies.append((seen - sent).total_seconds() * 1000)
t = threading.Thread(target=reader); t.start()
for i in range(n):
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    body = {"apiVersion": "v1", "kind": "Event", "metadata": {"name": f"f.{i}", "namespace": "bench"},
            "involvedObject": {"kind": "Pod", "namespace": "bench", "name": f"p{i}"},
            "reason": "TriggeredScaleUp", "message": "pod triggered scale-up: [{general 1->2 (max: 10)}]",
            "type": "Normal", "eventTime": now, "reportingComponent": "cluster-autoscaler",
            "reportingInstance": "bench", "action": "ScaleUp", "source": {"component": "cluster-autoscaler"}}
    req = urllib.request.Request(f"{url}/api/v1/namespaces/bench/events", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"}, method="POST")
    urllib.request.urlopen(req).read()
    time.sleep(0.01)
t.join(timeout=60)
proc.wait(timeout=60)
latencies.sort()
if len(latencies) != n:
    print(f"FAILED: {len(latencies)} of {n} events seen", file=sys.stderr); sys.exit(2)
p50 = latencies[len(latencies) // 2]
p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
print(f"{p50:.1f} {p99:.1f}")
PY
)
read -r p50_ms p99_ms <<< "$p99"

ratio=$(python3 -c "print(f'{$kubectl_text / $plugin_text:.1f}')")
echo "backlog ($ca_events CA events + $ca_events others): events ${plugin_text}s (text), ${plugin_json}s (-o json) | kubectl get events --field-selector ${kubectl_text}s | ${ratio}x | peak RSS ${rss_mb} MB"
echo "follow ($follow events): latency p50 ${p50_ms} ms, p99 ${p99_ms} ms"
failed=0
python3 -c "import sys; sys.exit(0 if $ratio >= 3 else 1)" || { echo "MISSED: events must be >= 3x faster than kubectl get events" >&2; failed=1; }
python3 -c "import sys; sys.exit(0 if $p99_ms < 200 else 1)" || { echo "MISSED: follow latency p99 must be < 200 ms" >&2; failed=1; }
exit "$failed"
