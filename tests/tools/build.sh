#!/usr/bin/env bash
# Builds the ecosystem's own tools that the distribution tests run, from their pinned Go modules
# (the Go module proxy serves them): krew and its validate-krew-manifest (the index's checker),
# and actionlint (the workflows under .github/). Writes target/tools/bin; warm runs take seconds.
#   tests/tools/build.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
KREW_VERSION=v0.4.3
ACTIONLINT_VERSION=v1.7.12
bin="$PWD/target/tools/bin"
mkdir -p "$bin"
stamp="$bin/.versions"
want="krew=$KREW_VERSION actionlint=$ACTIONLINT_VERSION"
if [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] &&
  [ -x "$bin/krew" ] && [ -x "$bin/validate-krew-manifest" ] && [ -x "$bin/actionlint" ]; then
  exit 0
fi
echo "tools/build.sh: building krew $KREW_VERSION, validate-krew-manifest and actionlint $ACTIONLINT_VERSION" >&2
GOBIN="$bin" GOFLAGS=-mod=mod go install \
  "sigs.k8s.io/krew/cmd/krew@$KREW_VERSION" \
  "sigs.k8s.io/krew/cmd/validate-krew-manifest@$KREW_VERSION"
GOBIN="$bin" go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
echo "$want" > "$stamp"
