#!/usr/bin/env bash
# Builds a release archive and an installable krew manifest for one platform:
#   dist/kubectl-kwokprovider_v<version>_<os>_<arch>.tar.gz   (the binary and LICENSE)
#   dist/kwokprovider.yaml   (krew/kwokprovider.yaml for that platform: the release URL, real sha256)
# Then install it from the files, as krew does (krew has no file:// URIs; --archive stands in for
# the download and the sha256 is still checked):
#   kubectl krew install --manifest=dist/kwokprovider.yaml --archive=dist/kubectl-kwokprovider_v<version>_<os>_<arch>.tar.gz
#
# Options: --binary PATH  package this binary instead of `cargo build --release --locked`
#          --out-dir DIR  write there instead of dist/
#          --os OS --arch ARCH  the platform of --binary (cross builds; default: this machine)
set -euo pipefail
cd "$(dirname "$0")/.."

binary="" out_dir="dist" os="" arch=""
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) binary="$2"; shift 2 ;;
    --out-dir) out_dir="$2"; shift 2 ;;
    --os) os="$2"; shift 2 ;;
    --arch) arch="$2"; shift 2 ;;
    *) echo "release.sh: unknown option $1 (use --binary PATH, --out-dir DIR, --os OS, --arch ARCH)" >&2; exit 2 ;;
  esac
done

version="v$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)"
[ -n "$os" ] || case "$(uname -s)" in
  Linux) os=linux ;;
  Darwin) os=darwin ;;
  MINGW*|MSYS*|CYGWIN*) os=windows ;;
  *) echo "release.sh: unsupported OS $(uname -s)" >&2; exit 1 ;;
esac
[ -n "$arch" ] || case "$(uname -m)" in
  x86_64|amd64) arch=amd64 ;;
  aarch64|arm64) arch=arm64 ;;
  *) echo "release.sh: unsupported architecture $(uname -m)" >&2; exit 1 ;;
esac
case "$os/$arch" in
  linux/amd64|linux/arm64|darwin/amd64|darwin/arm64|windows/amd64) ;;
  *) echo "release.sh: $os/$arch is not one of the platforms krew/kwokprovider.yaml lists" >&2; exit 2 ;;
esac
exe=kubectl-kwokprovider
[ "$os" = windows ] && exe=kubectl-kwokprovider.exe

if [ -z "$binary" ]; then
  cargo build --release --locked
  binary="target/release/$exe"
fi
[ -x "$binary" ] || { echo "release.sh: $binary is not an executable" >&2; exit 1; }

mkdir -p "$out_dir"
out_dir="$(cd "$out_dir" && pwd)"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
cp "$binary" "$stage/$exe"
chmod 0755 "$stage/$exe"
cp LICENSE "$stage/LICENSE"
archive="$out_dir/kubectl-kwokprovider_${version}_${os}_${arch}.tar.gz"
tar -C "$stage" -czf "$archive" "$exe" LICENSE
if command -v sha256sum >/dev/null; then
  sha="$(sha256sum "$archive" | cut -d' ' -f1)"
else
  sha="$(shasum -a 256 "$archive" | cut -d' ' -f1)"
fi

# The committed manifest's header and spec, with this platform alone, pointing where the release
# workflow publishes the archive.
release_url="$(sed -n 's/^  homepage: //p' krew/kwokprovider.yaml)/releases/download"
manifest="$out_dir/kwokprovider.yaml"
{
  sed -n '/^apiVersion:/,/^  platforms:/p' krew/kwokprovider.yaml | sed "s/^  version: .*/  version: ${version}/"
  cat <<YAML
  - selector:
      matchLabels:
        os: ${os}
        arch: ${arch}
    uri: ${release_url}/${version}/$(basename "$archive")
    sha256: "${sha}"
    files:
    - from: ${exe}
      to: .
    - from: LICENSE
      to: .
    bin: ${exe}
YAML
} > "$manifest"
echo "$archive"
echo "$manifest"
echo "release.sh: install it with: kubectl krew install --manifest=$manifest --archive=$archive" >&2
