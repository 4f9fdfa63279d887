#!/usr/bin/env bash
# Starts a real kwok cluster from the kit's binaries (tests/real-cluster/build.sh):
# etcd, kube-apiserver, kube-controller-manager, kube-scheduler and the kwok controller,
# as plain processes on loopback ports chosen free. Nothing is downloaded.
#
# Usage: tests/real-cluster/start.sh DIR
#   Writes DIR/kubeconfig (contexts `kit`: admin, in system:masters; `kit-viewer`:
#   may only read; `kit-nobody`: may do nothing), DIR/pids (one PID per line, for
#   stop.sh) and DIR/logs/*.log, then
#   waits until the API server is ready and the default ServiceAccount exists.
#   Stop it with tests/real-cluster/stop.sh DIR (or set KIT_OWNER_PID: it is stopped
#   when that process exits).
set -euo pipefail

kit="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$kit/../.." && pwd)"
bin="${KWOK_KIT_BIN:-$root/target/real-cluster/bin}"
dir="${1:?usage: start.sh DIR}"
mkdir -p "$dir/logs" "$dir/pki"
dir="$(cd "$dir" && pwd)"
: > "$dir/pids"

for b in etcd kube-apiserver kube-controller-manager kube-scheduler kwok kwok-stages.yaml; do
  [ -s "$bin/$b" ] || { echo "start.sh: $bin/$b is missing: run tests/real-cluster/build.sh" >&2; exit 1; }
done

fail() {
  echo "start.sh: $*" >&2
  for f in "$dir"/logs/*.log; do echo "--- last lines of $f" >&2; tail -n 15 "$f" >&2; done
  "$kit/stop.sh" "$dir" || true
  exit 1
}

# Free loopback ports, asked of the kernel.
read -r etcd_port peer_port api_port < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(3)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])')

# Service-account signing key and static tokens.
[ -f "$dir/pki/sa.key" ] || openssl genrsa -out "$dir/pki/sa.key" 2048 2>/dev/null
admin_token="admin-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
viewer_token="viewer-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
nobody_token="nobody-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
printf '%s,admin,admin,system:masters\n%s,viewer,viewer\n%s,nobody,nobody\n' \
  "$admin_token" "$viewer_token" "$nobody_token" > "$dir/pki/tokens.csv"

# With KIT_OWNER_PID set (the test helper sets it), a watchdog stops the cluster by PID
# as soon as that process ends, however it ends.
if [ -n "${KIT_OWNER_PID:-}" ]; then
  nohup bash -c 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; "$2/stop.sh" "$3"' \
    watchdog "$KIT_OWNER_PID" "$kit" "$dir" >/dev/null 2>&1 &
fi

start() {
  local name="$1"; shift
  "$@" > "$dir/logs/$name.log" 2>&1 &
  echo "$! $name" >> "$dir/pids"
}

start etcd "$bin/etcd" --name kit --data-dir "$dir/etcd" \
  --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
  --listen-peer-urls "http://127.0.0.1:$peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
  --initial-cluster "kit=http://127.0.0.1:$peer_port" --unsafe-no-fsync --log-level warn

start kube-apiserver "$bin/kube-apiserver" \
  --etcd-servers "http://127.0.0.1:$etcd_port" \
  --bind-address 127.0.0.1 --secure-port "$api_port" --cert-dir "$dir/pki" \
  --token-auth-file "$dir/pki/tokens.csv" --authorization-mode RBAC \
  --service-account-issuer https://kubernetes.default.svc.cluster.local \
  --service-account-key-file "$dir/pki/sa.key" --service-account-signing-key-file "$dir/pki/sa.key" \
  --service-cluster-ip-range 10.96.0.0/16 --allow-privileged --v 1

# The API server writes its self-signed serving certificate (and its CA) into --cert-dir.
deadline=$((SECONDS + 60))
until [ -s "$dir/pki/apiserver.crt" ]; do
  [ $SECONDS -lt $deadline ] || fail "kube-apiserver wrote no serving certificate in 60 s"
  sleep 0.2
done

kubeconfig="$dir/kubeconfig"
cat > "$kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: kit
  cluster:
    server: https://127.0.0.1:$api_port
    certificate-authority: $dir/pki/apiserver.crt
users:
- name: admin
  user:
    token: $admin_token
- name: viewer
  user:
    token: $viewer_token
- name: nobody
  user:
    token: $nobody_token
contexts:
- name: kit
  context: {cluster: kit, user: admin, namespace: default}
- name: kit-viewer
  context: {cluster: kit, user: viewer, namespace: default}
- name: kit-nobody
  context: {cluster: kit, user: nobody, namespace: default}
current-context: kit
EOF

kubectl="$bin/kubectl --kubeconfig $kubeconfig"
until $kubectl get --raw /readyz >/dev/null 2>&1; do
  [ $SECONDS -lt $deadline ] || fail "kube-apiserver not ready in 60 s"
  sleep 0.2
done

start kube-controller-manager "$bin/kube-controller-manager" --kubeconfig "$kubeconfig" \
  --leader-elect=false --secure-port 0 --service-account-private-key-file "$dir/pki/sa.key" \
  --root-ca-file "$dir/pki/apiserver.crt" --controllers '*,-nodeipam,-cloud-node-lifecycle,-ttl' --v 1
start kube-scheduler "$bin/kube-scheduler" --kubeconfig "$kubeconfig" --leader-elect=false --secure-port 0 --v 1
# KIT_NO_KWOK=1 leaves the kwok controller out (benchmarks: thousands of heartbeating
# nodes would load the machine being measured).
[ -n "${KIT_NO_KWOK:-}" ] || start kwok "$bin/kwok" --kubeconfig "$kubeconfig" --config "$bin/kwok-stages.yaml" \
  --manage-all-nodes=false --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake \
  --node-lease-duration-seconds 40 --server-address 127.0.0.1:0 --cidr 10.244.0.0/16 --node-ip 10.0.0.1

# The viewer may read everything (nodes too) and change nothing (for access-denied tests).
$kubectl create clusterrolebinding kit-viewer --clusterrole view --user viewer >/dev/null \
  || fail "could not bind the viewer's role"
$kubectl create clusterrole kit-node-reader --verb get,list,watch --resource nodes >/dev/null \
  && $kubectl create clusterrolebinding kit-node-reader --clusterrole kit-node-reader --user viewer >/dev/null \
  || fail "could not let the viewer read nodes"
until $kubectl get serviceaccount default -n default >/dev/null 2>&1; do
  [ $SECONDS -lt $deadline ] || fail "the default ServiceAccount did not appear in 60 s (kube-controller-manager)"
  sleep 0.2
done
echo "start.sh: cluster ready in ${SECONDS} s: KUBECONFIG=$kubeconfig" >&2
