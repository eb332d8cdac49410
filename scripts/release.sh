#!/usr/bin/env bash
# The manifests of a release, pointed at the image by its digest.
#
#   scripts/release.sh [--digest sha256:HEX | --binary BINARY] [--repository REPO] [--out DIR]
#                      [--download-url URL | --no-plugin]
#
# deploy/ and charts/kubeguard name the image by a placeholder digest (all zeros)
# that the API server can never pull. This script builds the image
# (scripts/image.sh build BINARY, default build/kubeguard) or takes the digest of
# one already built or pushed (--digest), and writes DIR (default build/release)
# with deploy/ and charts/kubeguard/ where every image reference carries that
# digest (and REPO, when given, in place of ghcr.io/kubeguard/kubeguard). The
# source tree is not changed. Then it checks the result: no placeholder left,
# every image line pinned by digest, and `kubeguard scan` of the webhook's
# manifests (deploy/, and the chart rendered by helm when helm is on PATH)
# clean at --pss restricted with --fail-on info; deploy/node (a node agent that
# reads the host, its rights stated in docs/NODE.md) is held to --fail-on
# high. It prints the digest. KUBEGUARD: the binary that scans (default
# build/kubeguard).
#
# The kubectl plugin: DIR/kubeguard-vVERSION-linux-ARCH.tar.gz holds BINARY as
# kubectl-kubeguard, and DIR/krew/kubeguard.yaml is its krew plugin manifest
# (scripts/krew-manifest.sh: the archive's sha256, os and arch selectors), for
# an archive published under URL (default the project's release downloads of
# that version). --no-plugin leaves both out (the manifests alone).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PLACEHOLDER=sha256:0000000000000000000000000000000000000000000000000000000000000000
DEFAULT_REPOSITORY=ghcr.io/kubeguard/kubeguard

die() {
  printf 'release: error: %s\n' "$*" >&2
  exit 1
}

digest="" binary=$ROOT/build/kubeguard repository="" out=$ROOT/build/release download_url="" plugin=1
while (($#)); do
  case "$1" in
  --digest) digest=${2:?}; shift 2 ;;
  --binary) binary=${2:?}; shift 2 ;;
  --repository) repository=${2:?}; shift 2 ;;
  --out) out=${2:?}; shift 2 ;;
  --download-url) download_url=${2:?}; shift 2 ;;
  --no-plugin) plugin=0; shift ;;
  *) die "unknown argument '$1' (--digest, --binary, --repository, --out, --download-url, --no-plugin)" ;;
  esac
done
kubeguard=${KUBEGUARD:-$ROOT/build/kubeguard}
[[ -x "$kubeguard" ]] || die "no kubeguard binary at $kubeguard (build it, or set KUBEGUARD)"

if [[ -z "$digest" ]]; then
  digest=$(bash "$ROOT/scripts/image.sh" build "$binary" "$out.image")
fi
[[ "$digest" =~ ^sha256:[0-9a-f]{64}$ ]] || die "'$digest' is not a sha256 digest"
[[ "$digest" != "$PLACEHOLDER" ]] || die "the placeholder digest is no release"
[[ -z "$repository" || "$repository" =~ ^[a-z0-9]([a-z0-9._:/-]*[a-z0-9])?$ ]] ||
  die "'$repository' is not an image repository"

rm -rf "$out"
mkdir -p "$out/charts"
cp -R "$ROOT/deploy" "$out/deploy"
cp -R "$ROOT/charts/kubeguard" "$out/charts/kubeguard"

# The digest (and repository) wherever the placeholder stands.
files=()
while IFS= read -r -d '' f; do files+=("$f"); done < <(grep -rlZ -- "$PLACEHOLDER" "$out" || true)
((${#files[@]} > 0)) || die "no placeholder digest found in deploy/ or charts/kubeguard"
for f in "${files[@]}"; do
  sed -i "s#$PLACEHOLDER#$digest#g" "$f"
  if [[ -n "$repository" ]]; then
    sed -i "s#$DEFAULT_REPOSITORY\\([:@]\\)#$repository\\1#g; s#repository: $DEFAULT_REPOSITORY\$#repository: $repository#" "$f"
  fi
done

# Checks: nothing left unpinned.
if grep -rn -- "$PLACEHOLDER" "$out" >&2; then die "placeholder digest left in the release"; fi
while IFS= read -r line; do
  [[ "$line" == *"@$digest"* ]] || die "an image not pinned to the release digest: $line"
done < <(grep -rhE '^[[:space:]-]*image:[[:space:]]' "$out/deploy")
grep -q "digest: \"$digest\"" "$out/charts/kubeguard/values.yaml" || die "the chart's values do not carry the digest"

# The strictest scan: the webhook's manifests (deploy/*.yaml, the alert rules),
# then the node agent's. An empty configuration: no .kubeguard.yaml found
# upward may loosen it.
config=$(mktemp)
trap 'rm -f "$config"' EXIT
echo "failOn: info" >"$config"
"$kubeguard" scan "$out"/deploy/*.yaml "$out/deploy/monitoring" --config "$config" --pss restricted --fail-on info -q ||
  die "kubeguard scan of the release's deploy/ is not clean at --pss restricted --fail-on info"
"$kubeguard" scan "$out/deploy/node" --config "$config" --fail-on high -q ||
  die "kubeguard scan of the release's deploy/node has findings at high or above"
if ! command -v helm >/dev/null; then
  printf 'release: helm is not on PATH: the chart was not rendered and scanned (scripts/helm.sh build)\n' >&2
else
  helm template kubeguard "$out/charts/kubeguard" --namespace kubeguard >"$out/chart-rendered.yaml"
  grep -q "@$digest" "$out/chart-rendered.yaml" || die "the rendered chart does not carry the digest"
  "$kubeguard" scan "$out/chart-rendered.yaml" --config "$config" --pss restricted --fail-on info -q ||
    die "kubeguard scan of the rendered chart is not clean at --pss restricted --fail-on info"
fi

# The kubectl plugin's archive and its krew manifest. The archive is made the
# same way every time (names sorted, owner 0, time 0, gzip without a name or
# time), so its sha256 depends on the binary alone.
write_plugin() {
  [[ -x "$binary" ]] || die "no binary at $binary for the plugin archive"
  local version arch archive_name stage
  version=$("$binary" version | sed -n 's/^kubeguard \([0-9][0-9.]*[0-9A-Za-z.-]*\)$/v\1/p')
  [[ -n "$version" ]] || die "$binary version printed no version"
  case "$(od -An -tx1 -j18 -N2 "$binary" | tr -d ' \n')" in
  3e00) arch=amd64 ;;
  b700) arch=arm64 ;;
  *) die "$binary is neither an x86-64 nor an arm64 ELF binary" ;;
  esac
  archive_name="kubeguard-$version-linux-$arch.tar.gz"
  stage="$out/.plugin"
  mkdir -p "$stage" "$out/krew"
  install -m 0755 "$binary" "$stage/kubectl-kubeguard"
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$stage" -cf - kubectl-kubeguard |
    gzip -n >"$out/$archive_name"
  rm -rf "$stage"
  bash "$ROOT/scripts/krew-manifest.sh" "$version" \
    "${download_url:-https://github.com/kubeguard/kubeguard/releases/download/$version}/$archive_name" \
    "$out/$archive_name" >"$out/krew/kubeguard.yaml"
  grep -q "sha256: $(sha256sum "$out/$archive_name" | cut -d' ' -f1)\$" "$out/krew/kubeguard.yaml" ||
    die "the krew manifest does not carry the archive's sha256"
  printf 'release: kubectl plugin %s and its krew manifest krew/kubeguard.yaml\n' "$archive_name" >&2
}
if ((plugin)); then write_plugin; fi

printf 'release: %s written with %s\n' "$out" "$digest" >&2
echo "$digest"
