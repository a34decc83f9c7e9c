#!/usr/bin/env bash
# The base image CI builds the operator image on, made from Debian packages only (no registry is reachable from
# CI): a minimal Debian bookworm root filesystem (mmdebstrap's "essential" set) with openjdk-17-jre-headless and
# ca-certificates from Debian's own mirrors, including bookworm-security, packed as a Docker image archive.
# Users build on a maintained JRE image from their registry instead (see image/build.sh, IMAGE_BASE).
#
#   image/debian-jre-base.sh     build it unless cached; prints the archive's path on the last line
#
# Cached in .tools/image/ under a key of this script and the libraries it uses; IMAGE_BASE_REBUILD=true builds it
# again (to pick up Debian security updates). Needs root (mmdebstrap's chroot mode, file ownership in the layer)
# and the Debian packages mmdebstrap, umoci and skopeo (installed with apt-get when missing).
# Env: DEBIAN_MIRROR (default http://deb.debian.org/debian), DEBIAN_SECURITY_MIRROR, DEBIAN_SUITE (bookworm).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
# shellcheck source=../hack/lib/debian-packages.sh
source "$REPO/hack/lib/debian-packages.sh"
# shellcheck source=../hack/lib/rootfs-archive.sh
source "$REPO/hack/lib/rootfs-archive.sh"

SUITE="${DEBIAN_SUITE:-bookworm}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
SECURITY_MIRROR="${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"
PACKAGES="openjdk-17-jre-headless,ca-certificates"
REF="ses-mre.local/debian-jre17:$SUITE"
# the uid/gid the operator runs as (the chart's runAsUser/runAsGroup), named in /etc/passwd for tools that look
OPERATOR_UID=10001

log() { echo "image: $*" >&2; }

key="$(cat "${BASH_SOURCE[0]}" "$REPO/hack/lib/rootfs-archive.sh" | sha256sum | cut -c1-12)"
out_dir="${IMAGE_TOOLS_DIR:-$REPO/.tools/image}"
out="$out_dir/debian-jre17-$SUITE-$key.tar"
if [[ -f "$out" && "${IMAGE_BASE_REBUILD:-false}" != true ]]; then
  log "base image (cached): $out"
  echo "$out"
  exit 0
fi

# packages first: without root, the error names every missing one
ensure_debian_packages "the Debian base image (image/debian-jre-base.sh)" \
  mmdebstrap=mmdebstrap umoci=umoci skopeo=skopeo || exit 1
if [[ $EUID -ne 0 ]]; then
  log "ERROR: building the Debian base image needs root (mmdebstrap in chroot mode, a layer owned by root)."
  log "       Run as root, or build the operator image on a registry base: make image IMAGE_BASE=eclipse-temurin:17-jre"
  exit 1
fi

mkdir -p "$out_dir"
work="$(mktemp -d "$out_dir/.base.XXXXXX")"
trap 'rm -rf "$work"' EXIT
t0=$(date +%s)
log "building the Debian base image: $SUITE + $PACKAGES from $MIRROR (about 2 minutes)..."
# Documentation, manual pages and translations are left out (path-exclude); /usr/share/man/man1 must still exist
# because the JRE's postinst registers java's manual page with update-alternatives.
if ! mmdebstrap --variant=essential --include="$PACKAGES" \
      --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
      --dpkgopt='path-include=/usr/share/doc/*/copyright' --dpkgopt='path-exclude=/usr/share/locale/*' \
      --dpkgopt='path-exclude=/usr/share/info/*' \
      --essential-hook='mkdir -p "$1/usr/share/man/man1"' \
      --customize-hook="echo 'operator:x:$OPERATOR_UID:$OPERATOR_UID:ses-mre-operator:/nonexistent:/usr/sbin/nologin' >> \"\$1/etc/passwd\"" \
      --customize-hook="echo 'operator:x:$OPERATOR_UID:' >> \"\$1/etc/group\"" \
      --customize-hook='rm -rf "$1/var/lib/apt/lists"/* "$1/var/cache"/* "$1/var/log"/*' \
      "$SUITE" "$work/rootfs" \
      "deb $MIRROR $SUITE main" "deb $MIRROR $SUITE-updates main" "deb $SECURITY_MIRROR $SUITE-security main" \
      > "$work/mmdebstrap.log" 2>&1; then
  tail -40 "$work/mmdebstrap.log" >&2
  log "ERROR: mmdebstrap failed (full log above)"
  exit 1
fi
jre="$(cd "$work/rootfs" && echo usr/lib/jvm/java-17-openjdk-*)"
[[ -x "$work/rootfs/$jre/bin/java" ]] || { log "ERROR: no JRE in the root filesystem ($jre)"; exit 1; }
rootfs_archive "$work/rootfs" "$REF" "$out" \
  --config.env "JAVA_HOME=/$jre" --config.env LANG=C.UTF-8 \
  --config.label "org.opencontainers.image.title=Debian $SUITE with openjdk-17-jre-headless (ses-mre-operator CI base)" \
  --config.label "org.opencontainers.image.base.name=debian:$SUITE"
log "base image built in $(( $(date +%s) - t0 )) s: $out ($(du -m "$out" | cut -f1) MB, $(
  grep -c '^Package:' "$work/rootfs/var/lib/dpkg/status" || true) Debian packages)"
# older cached bases of this suite go
find "$out_dir" -maxdepth 1 -name "debian-jre17-$SUITE-*.tar" ! -name "$(basename "$out")" -delete
echo "$out"
