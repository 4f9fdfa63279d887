#!/usr/bin/env bash
# Builds the cluster-autoscaler binaries of the kit (kwok provider only, `-tags kwok`) from a
# git clone of github.com/kubernetes/autoscaler, since the Go module proxy does not serve
# k8s.io/autoscaler/cluster-autoscaler:
#   tests/real-cluster/build-ca.sh /path/to/autoscaler     (about 4 minutes per version)
# Writes target/real-cluster/bin/cluster-autoscaler (1.36.1), cluster-autoscaler-1.33 (1.33.6)
# and cluster-autoscaler-1.29 (1.29.5). A partial clone may lack blobs of other providers:
# files under cloudprovider/aws are left out (a kwok build does not compile them), and a
# missing blob elsewhere only fails the build if the build needs it.
# CA 1.29's builder_kwok.go does not compile (it calls an undefined kwok.BuildKwokCloudProvider
# with the 3-argument signature); it is replaced by the equivalent of builder_all.go's kwok case.
set -euo pipefail
repo="${1:?usage: build-ca.sh PATH-TO-kubernetes/autoscaler-CLONE}"
cd "$(dirname "$0")/../.."
bin="$PWD/target/real-cluster/bin"
mkdir -p "$bin"
git -C "$repo" rev-parse --git-dir >/dev/null

build() { # TAG OUTPUT
  local tag="$1" out="$2" src
  src="$(mktemp -d)"
  echo "build-ca: $tag -> $out" >&2
  python3 - "$repo" "$tag" "$src" <<'PY'
import os, subprocess, sys
repo, tag, dest = sys.argv[1:4]
listing = subprocess.run(["git", "-C", repo, "ls-tree", "-r", "--full-tree", tag, "cluster-autoscaler"],
                         capture_output=True, text=True, check=True).stdout.splitlines()
cat = subprocess.Popen(["git", "-C", repo, "cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
missing = 0
for line in listing:
    meta, path = line.split("\t", 1)
    mode, kind, sha = meta.split()
    if kind != "blob" or path.startswith("cluster-autoscaler/cloudprovider/aws/"):
        continue
    cat.stdin.write((sha + "\n").encode()); cat.stdin.flush()
    header = cat.stdout.readline().decode().split()
    if len(header) < 3 or header[1] == "missing":
        missing += 1
        continue
    data = cat.stdout.read(int(header[2])); cat.stdout.read(1)
    target = os.path.join(dest, path)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    if mode == "120000":
        os.symlink(data.decode(), target)
    else:
        with open(target, "wb") as f:
            f.write(data)
print(f"build-ca: {tag}: {missing} blobs missing from the clone", file=sys.stderr)
PY
  if [ "$tag" = cluster-autoscaler-1.29.5 ]; then
    python3 - "$src/cluster-autoscaler/cloudprovider/builder/builder_kwok.go" <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
head = text[: text.index("func buildCloudProvider")]
if '"k8s.io/client-go/informers"' not in head:
    head = head.replace("import (", 'import (\n\t"k8s.io/client-go/informers"', 1)
open(path, "w").write(head + '''func buildCloudProvider(opts config.AutoscalingOptions, do cloudprovider.NodeGroupDiscoveryOptions, rl *cloudprovider.ResourceLimiter, informerFactory informers.SharedInformerFactory) cloudprovider.CloudProvider {
	switch opts.CloudProviderName {
	case cloudprovider.KwokProviderName:
		return kwok.BuildKwok(opts, do, rl, informerFactory)
	}
	return nil
}
''')
PY
  fi
  (cd "$src/cluster-autoscaler" && GOFLAGS=-mod=mod go build -tags kwok -trimpath -ldflags "-s -w" -o "$bin/$out" .)
  rm -rf "$src"
}

build cluster-autoscaler-1.36.1 cluster-autoscaler
build cluster-autoscaler-1.33.6 cluster-autoscaler-1.33
build cluster-autoscaler-1.29.5 cluster-autoscaler-1.29
echo "build-ca: done; binaries in $bin" >&2
