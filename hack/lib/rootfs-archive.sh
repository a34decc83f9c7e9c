# shellcheck shell=bash
# Sourced. rootfs_archive <rootfs dir> <image name:tag> <output .tar> [umoci config flags...]
#
# Packs a root filesystem directory as a one-layer container image in Docker archive format (what `docker load`,
# `ctr images import` and Jib's tar:// base images read), without a container engine: umoci builds the OCI image
# (ownership and modes kept, so run it as root for a rootfs owned by several users), skopeo converts it. Flags
# after the output path go to `umoci config` (e.g. --config.entrypoint /pause --config.user 65535:65535).
# Needs the Debian packages umoci and skopeo (hack/lib/debian-packages.sh installs them).
rootfs_archive() {
  local rootfs="$1" ref="$2" out="$3"; shift 3
  local layout
  layout="$(mktemp -d "${TMPDIR:-/tmp}/rootfs-archive.XXXXXX")" || return 1
  {
    umoci init --layout "$layout/oci" &&
    umoci new --image "$layout/oci:image" &&
    umoci insert --image "$layout/oci:image" "$rootfs" / &&
    umoci config --image "$layout/oci:image" --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@" &&
    umoci gc --layout "$layout/oci" &&
    rm -f "$out.tmp" &&
    skopeo --insecure-policy copy --quiet "oci:$layout/oci:image" "docker-archive:$out.tmp:$ref" &&
    mv -f "$out.tmp" "$out"
  } >&2
  local rc=$?
  rm -rf "$layout"
  return $rc
}
