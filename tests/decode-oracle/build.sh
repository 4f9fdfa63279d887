#!/usr/bin/env bash
# Builds the Go decoding oracle once per pinned CA module set, from the Go module proxy:
#   tests/decode-oracle/build.sh [OUT_DIR]   (default: target/decode-oracle)
# gives OUT_DIR/decode-oracle-1.29, -1.33 and -1.36. Each ca-1.NN.mod pins the modules CA
# 1.NN's go.mod pins (k8s.io/api, apimachinery, client-go, sigs.k8s.io/yaml, sigs.k8s.io/json);
# the annotation-key field name is chosen by a build tag (CA 1.34+ renamed it).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/../../target/decode-oracle}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
cd "$here"
for minor in 1.29 1.33 1.36; do
  tags=""
  case "$minor" in 1.36) tags="-tags=ca_annotation_key" ;; esac
  # -mod=mod lets go fill ca-1.NN.sum from the proxy on the first build.
  GOFLAGS="${GOFLAGS:-} -mod=mod" go build $tags -modfile="ca-$minor.mod" -trimpath \
    -o "$out/decode-oracle-$minor" .
  echo "built $out/decode-oracle-$minor"
done
