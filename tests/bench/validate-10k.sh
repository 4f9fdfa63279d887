#!/usr/bin/env bash
# Benchmark: `validate` on a raw templates file of 10,000 realistic node templates (issue 21).
#
# Builds the release binary, generates config.yaml + templates.yaml (one `kind: List`,
# ~2.9 KB per template, 50 node groups) with gen-templates.py, and reports:
#   1. the pairing with kubectl parsing the same file, in one run: RUNS rounds (default 7) of
#      `kubectl create --dry-run=client --validate=false -o name -f templates.yaml` then
#      `validate -f config.yaml --templates templates.yaml`, CPU time (user+sys) of each; the
#      median of the per-round ratios (kubectl needs an API server for its discovery: the test
#      API server is started for it; KUBECTL= picks the kubectl, else the kit's, else PATH's;
#      skipped without one);
#   2. wall time (best/median) and peak RSS of validate, and RSS / input;
#   3. peak RSS multiples for the same templates as one JSON `List` (needs PyYAML to convert;
#      skipped without it), a 10 MiB `items: [1,1,...]` (5M items) and a one-line `[1,1,...]`;
#   4. 10,000 warnings (grouping by a label only GPU templates have: the others are skipped,
#      each with a warning): CPU as text and as JSON, beside the clean run;
#   5. one node group per template (grouping by `kubernetes.io/hostname`: 10,000 groups): peak
#      RSS and CPU beside the 50-group run;
#   6. the 200 MB point: 70,000 templates, its time against 7x the 10k time (linear), and RSS
#      (BIG=0 skips it).
# Guards against regressions (exit 1 when missed), at what is held today, beside issue 21's
# goals: block YAML RSS < 3.6x (goal 2x), JSON < 3.6x (goal 2.5x), flow < 12x (goal 5x), the
# warnings add < 0.5 s, 10,000 groups within 1.15x the 50 groups' RSS, the 200 MB point
# within 9x the 10k CPU (goal 7x). Exit 2 if a run itself fails.
#
# usage: tests/bench/validate-10k.sh            (env: NODES=10000 NODE_GROUPS=50 RUNS=7 KEEP=1,
#                                                 BIN=path to time a binary built otherwise,
#                                                 KUBECTL=path, BIG=0)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
nodes="${NODES:-10000}"
groups="${NODE_GROUPS:-50}"
runs="${RUNS:-7}"

cd "$root"
target_dir="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
if [[ -n "${BIN:-}" ]]; then
    bin="$BIN"
else
    echo "building release binary..." >&2
    cargo build --release --quiet --bin kubectl-kwokprovider
    bin="$target_dir/release/kubectl-kwokprovider"
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/kwok-bench.XXXXXX")"
server_pid=""
cleanup() {
    if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; fi
    if [[ -z "${KEEP:-}" ]]; then rm -rf "$work"; fi
}
trap cleanup EXIT
if [[ -n "${KEEP:-}" ]]; then
    echo "keeping inputs in $work" >&2
fi
python3 "$here/gen-templates.py" "$work" --nodes "$nodes" --groups "$groups"

time_v=""
if [[ -x /usr/bin/time ]] && /usr/bin/time -f "%U %S %M" true >/dev/null 2>&1; then
    time_v=/usr/bin/time
fi

# kubectl, and an API server for its discovery (it reads nothing else from it).
kubectl="${KUBECTL:-}"
if [[ -z "$kubectl" && -x "$root/target/real-cluster/bin/kubectl" ]]; then
    kubectl="$root/target/real-cluster/bin/kubectl"
fi
if [[ -z "$kubectl" ]]; then kubectl="$(command -v kubectl || true)"; fi
kubeconfig=""
if [[ -n "$kubectl" ]]; then
    # Any build of it will do: kubectl asks it for discovery only.
    [[ -x "$target_dir/debug/fake-apiserver" ]] || cargo build --quiet -p fake-apiserver
    "$target_dir/debug/fake-apiserver" --listen 127.0.0.1:0 --kubeconfig "$work/kubeconfig" \
        >"$work/server.out" 2>&1 &
    server_pid=$!
    for _ in $(seq 100); do
        if grep -q listening "$work/server.out" 2>/dev/null; then break; fi
        sleep 0.1
    done
    kubeconfig="$work/kubeconfig"
else
    echo "(no kubectl: the pairing is skipped; KUBECTL= names one)" >&2
fi

python3 - "$bin" "$work" "$runs" "$nodes" "$groups" "$time_v" "$kubectl" "$kubeconfig" "$here" "${BIG:-1}" <<'PY'
import json, os, re, statistics, subprocess, sys, time

bin_, work, runs, nodes, groups, time_v, kubectl, kubeconfig, here, big = sys.argv[1:11]
runs, nodes, groups = int(runs), int(nodes), int(groups)
config = os.path.join(work, "config.yaml")
templates = os.path.join(work, "templates.yaml")
size = os.path.getsize(templates)
mib = lambda b: b / (1024 * 1024)

def die(message):
    print(f"error: {message}", file=sys.stderr)
    sys.exit(2)

def validate_args(path, cfg=config):
    return [bin_, "validate", "-f", cfg, "--templates", path]

def measure(args, ok=(0, 1)):
    """Wall seconds of one run, stdout discarded."""
    start = time.perf_counter()
    child = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, err = child.communicate()
    wall = time.perf_counter() - start
    if child.returncode not in ok:
        die(f"{args[0]} failed (exit {child.returncode}): {err.decode()[-2000:]}")
    return wall

def cpu_and_rss(args, ok=(0, 1)):
    """CPU seconds (user+sys) and peak RSS (bytes) of one run. Through /usr/bin/time: the
    rusage of a child forked from this (large) Python process counts the pages it had before
    its exec in its peak RSS."""
    if time_v:
        report_path = os.path.join(work, "time.out")
        args = [time_v, "-f", "%U %S %M", "-o", report_path] + args
    child = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code not in ok:
        die(f"{' '.join(args[:8])}… failed (exit {code})")
    if time_v:
        with open(report_path) as f:
            user, system, kib = f.read().split()[-3:]
        return float(user) + float(system), int(kib) * 1024
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024

# Sanity: CA starts and every group is found (else we would be timing an error path).
check = subprocess.run(validate_args(templates) + ["-o", "json"], capture_output=True)
if check.returncode not in (0, 1):
    die(f"validate failed (exit {check.returncode}): {check.stderr.decode()[:2000]}")
report = json.loads(check.stdout)
found = len(report["ca"]["nodeGroups"])
if not report["ca"]["starts"] or found != groups:
    die(f"unexpected verdict: starts={report['ca']['starts']} groups={found} (want {groups})")
print(f"input:       {nodes} templates, {groups} node groups, "
      f"{size} bytes ({mib(size):.1f} MiB, {size / nodes:.0f} B/template)")
print(f"output:      {len(report['diagnostics'])} diagnostics "
      f"({report['summary']['errors']} errors, {report['summary']['warnings']} warnings)")
checks = []

# 1. The pairing with kubectl: CPU, interleaved rounds, median of the per-round ratios.
if kubectl:
    kargs = [kubectl, "--kubeconfig", kubeconfig, "create", "--dry-run=client",
             "--validate=false", "-o", "name", "-f", templates]
    kubectl_cpu, validate_cpu = [], []
    for _ in range(runs):
        kubectl_cpu.append(cpu_and_rss(kargs, ok=(0,))[0])
        validate_cpu.append(cpu_and_rss(validate_args(templates))[0])
    ratios = [k / v for k, v in zip(kubectl_cpu, validate_cpu)]
    ratio = statistics.median(ratios)
    print(f"vs kubectl:  CPU median {statistics.median(validate_cpu):.3f} s against kubectl's "
          f"{statistics.median(kubectl_cpu):.3f} s: {ratio:.2f}x faster (median of {runs} rounds: "
          f"{', '.join(f'{r:.2f}' for r in ratios)}; goal 10x)")

# 2. Wall time and peak RSS of the block YAML.
walls = [measure(validate_args(templates)) for _ in range(runs)]
yaml_cpu, peak = cpu_and_rss(validate_args(templates))
best, median = min(walls), statistics.median(walls)
print(f"wall time:   best {best:.3f} s, median {median:.3f} s over {runs} runs "
      f"(all: {', '.join(f'{w:.3f}' for w in walls)})")
print(f"peak RSS:    {peak} bytes ({mib(peak):.1f} MiB), CPU {yaml_cpu:.2f} s")
print(f"RSS / input: {peak / size:.2f}x (goal 2x)")
checks.append(("block YAML: peak RSS < 3.6x input", peak / size < 3.6, f"{peak / size:.2f}x"))

# 3. The same templates as JSON, and flow style.
extra = []
try:
    import yaml  # PyYAML, only to write the JSON twin of the templates
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(templates) as f:
        twin = yaml.load(f, Loader=loader)
    json_path = os.path.join(work, "templates.json")
    with open(json_path, "w") as f:
        json.dump(twin, f)
    extra.append(("same templates, one JSON List", json_path, 3.6, 2.5))
except ImportError:
    print("(PyYAML not installed: JSON run skipped)")
flow_items = os.path.join(work, "flow-items.yaml")
with open(flow_items, "w") as f:
    f.write("apiVersion: v1\nkind: List\nitems: [" + ",".join(["1"] * 5_000_000) + "]\n")
extra.append(("items: [1,1,...], 5M items", flow_items, 12.0, 5.0))
flow_root = os.path.join(work, "flow-root.yaml")
with open(flow_root, "w") as f:
    f.write("[" + ",".join(["1"] * 5_000_000) + "]\n")
extra.append(("one-line [1,1,...] at the root", flow_root, 12.0, 5.0))
for label, path, limit, goal in extra:
    cpu, rss = cpu_and_rss(validate_args(path))
    size_x = os.path.getsize(path)
    cpu_note = f", CPU {cpu / yaml_cpu:.2f}x the YAML's" if "JSON" in label else ""
    print(f"{label}: {size_x} bytes, peak RSS {mib(rss):.1f} MiB = {rss / size_x:.2f}x "
          f"(goal {goal:g}x), CPU {cpu:.2f} s{cpu_note}")
    checks.append((f"{label}: peak RSS < {limit:g}x input", rss / size_x < limit,
                   f"{rss / size_x:.2f}x"))

# 4. Warnings: group by a label only the GPU templates have; every other one is skipped, with a
# warning.
warn_config = os.path.join(work, "config-warnings.yaml")
with open(config) as f:
    text = f.read()
with open(warn_config, "w") as f:
    f.write(text.replace('fromNodeLabelKey: "kwok-nodegroup"', 'fromNodeLabelKey: "k8s.amazonaws.com/accelerator"'))
warned = json.loads(subprocess.run(validate_args(templates, warn_config) + ["-o", "json"],
                                   capture_output=True).stdout)
count = warned["summary"]["warnings"]
clean_cpu = statistics.median(cpu_and_rss(validate_args(templates))[0] for _ in range(3))
text_cpu = statistics.median(cpu_and_rss(validate_args(templates, warn_config))[0] for _ in range(3))
json_cpu = statistics.median(cpu_and_rss(validate_args(templates, warn_config) + ["-o", "json"])[0]
                             for _ in range(3))
print(f"{count} warnings: CPU (median of 3) text {text_cpu:.3f} s, JSON {json_cpu:.3f} s, "
      f"beside {clean_cpu:.3f} s without them")
checks.append((f"{count} warnings add < 0.5 s", max(text_cpu, json_cpu) - clean_cpu < 0.5,
               f"+{max(text_cpu, json_cpu) - clean_cpu:.3f} s"))

# 5. One node group per template: the groups hold their templates' nodes in the tree, not a copy
# (a JSON copy of each made the run 2.3x the 50 groups' RSS).
hosts_config = os.path.join(work, "config-hostname.yaml")
with open(hosts_config, "w") as f:
    f.write(text.replace('fromNodeLabelKey: "kwok-nodegroup"', 'fromNodeLabelKey: "kubernetes.io/hostname"'))
hosts = json.loads(subprocess.run(validate_args(templates, hosts_config) + ["-o", "json"],
                                  capture_output=True).stdout)
if len(hosts["ca"]["nodeGroups"]) != nodes:
    die(f"grouping by hostname: {len(hosts['ca']['nodeGroups'])} groups, want {nodes}")
hosts_runs = [cpu_and_rss(validate_args(templates, hosts_config)) for _ in range(3)]
hosts_cpu = statistics.median(c for c, _ in hosts_runs)
hosts_rss = statistics.median(r for _, r in hosts_runs)
print(f"{nodes} node groups (one per template): CPU (median of 3) {hosts_cpu:.3f} s, peak RSS "
      f"{mib(hosts_rss):.1f} MiB = {hosts_rss / size:.2f}x the input, {hosts_rss / peak:.2f}x the "
      f"{groups} groups' RSS")
checks.append((f"{nodes} groups: peak RSS within 1.15x the {groups} groups'",
               hosts_rss / peak < 1.15, f"{hosts_rss / peak:.2f}x"))

# 6. The 200 MB point: 70,000 templates, linear in the size.
if big != "0":
    big_dir = os.path.join(work, "big")
    os.makedirs(big_dir)
    subprocess.run([sys.executable, os.path.join(here, "gen-templates.py"), big_dir,
                    "--nodes", str(nodes * 7), "--groups", str(groups)], check=True,
                   stdout=subprocess.DEVNULL)
    big_templates = os.path.join(big_dir, "templates.yaml")
    big_size = os.path.getsize(big_templates)
    big_wall = measure(validate_args(big_templates))
    big_cpu, big_rss = cpu_and_rss(validate_args(big_templates))
    print(f"200 MB point: {nodes * 7} templates, {mib(big_size):.0f} MiB: wall {big_wall:.2f} s, "
          f"CPU {big_cpu:.2f} s = {big_cpu / yaml_cpu:.2f}x the 10k CPU (linear: 7x), "
          f"peak RSS {mib(big_rss):.0f} MiB = {big_rss / big_size:.2f}x")
    checks.append(("200 MB point: CPU within 9x the 10k's", big_cpu / yaml_cpu < 9.0,
                   f"{big_cpu / yaml_cpu:.2f}x"))
    os.remove(big_templates)

failed = False
for name, ok, detail in checks:
    print(f"{'PASS' if ok else 'FAIL'}  {name} ({detail})")
    failed |= not ok
sys.exit(1 if failed else 0)
PY
