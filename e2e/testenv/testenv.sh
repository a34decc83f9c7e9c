#!/usr/bin/env bash
# Local Kubernetes control plane (etcd + kube-apiserver) for the e2e tests.
#
#   testenv.sh build              build kube-apiserver, kubectl, etcd, helm, testenv (cached per version)
#   testenv.sh up                 build if needed, start in the background, wait for /readyz;
#                                 stdout: "testenv ready: KUBECONFIG=<path>"
#   testenv.sh down               stop it (and any leftover etcd/kube-apiserver of the work dir)
#   testenv.sh restart-apiserver  restart only kube-apiserver (same port/certs/kubeconfig, etcd kept)
#   testenv.sh status             exit 0 iff running and /readyz ok
#   testenv.sh with <command...>  run a command against this control plane (TESTENV_WORK_DIR and KUBECONFIG exported):
#                                 started first unless already running, and then stopped again when the command
#                                 ends, also on failure or Ctrl-C; exits with the command's status
#   testenv.sh env                "export KUBECONFIG=..." lines (eval "$(testenv.sh env)")
#   testenv.sh kubeconfig         print the kubeconfig path (written by up)
#   testenv.sh tools-dir          print the folder holding the built binaries (helm is there)
#   testenv.sh versions           print the pinned versions
#
# One-node cluster (root; kubelet, kube-proxy, kube-controller-manager, kube-scheduler too, containerd + runc +
# CNI plugins from Debian packages, a bridge of its own; work dir TESTENV_NODE_WORK_DIR, default .work/cluster):
#   testenv.sh node-build         Debian packages (apt-get when missing) + pause and nodecheck images
#   testenv.sh node-up            build if needed, start, wait until the node is Ready; last line: KUBECONFIG=<path>
#   testenv.sh node-down          stop it and undo everything it did to the machine (also after a crash)
#   testenv.sh node-status        exit 0 iff running and ready
#   testenv.sh node-env           "export KUBECONFIG=... TESTENV_NODE_IP=..." lines
#   testenv.sh node-load-image <archive>  import an image archive into the node's containerd
#
# Env: TESTENV_TOOLS_DIR (binaries), TESTENV_WORK_DIR (state), TESTENV_NODE_WORK_DIR, KUBEBUILDER_ASSETS
# (prebuilt kube-apiserver+etcd), TESTENV_APISERVER_PORT, TESTENV_TIMEOUT, GO,
# TESTENV_NICE. All progress goes to stderr; see README.md.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"

# Pinned versions: the go.mod files are the single source of truth.
modver() { # modver <go.mod> <module path>
  awk -v m="$2" '$1 == m && $2 ~ /^v/ { print $2; exit } $1 == "require" && $2 == m { print $3; exit }' "$1"
}
K8S_VERSION="$(modver "$HERE/tools/kube/go.mod" k8s.io/kubernetes)"
ETCD_VERSION="$(modver "$HERE/tools/etcd/go.mod" go.etcd.io/etcd/server/v3)"
HELM_VERSION="$(modver "$HERE/tools/helm/go.mod" helm.sh/helm/v3)"

TOOLS_DIR="${TESTENV_TOOLS_DIR:-$REPO/.tools/testenv/k8s-${K8S_VERSION#v}_etcd-${ETCD_VERSION#v}_helm-${HELM_VERSION#v}/bin}"
WORK_DIR="${TESTENV_WORK_DIR:-$REPO/.work/testenv}"
NODE_WORK_DIR="${TESTENV_NODE_WORK_DIR:-$REPO/.work/cluster}"
NICE="${TESTENV_NICE:-15}"

GO_NEEDED="building the Kubernetes commands, etcd and helm needs Go 1.24 or newer"
# the commands of the multi-call binary "kube", each a symlink to it in the tools dir
KUBE_COMMANDS="kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl"

log() { echo "testenv: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# go_cmd, build_key, is_built, mod_time, mod_commit, go_build (shared with e2e/argocd/argocd.sh)
# shellcheck source=../../hack/lib/go-build.sh
source "$REPO/hack/lib/go-build.sh"

use_assets() { # KUBEBUILDER_ASSETS with both kube-apiserver and etcd?
  [[ -n "${KUBEBUILDER_ASSETS:-}" && -x "$KUBEBUILDER_ASSETS/kube-apiserver" && -x "$KUBEBUILDER_ASSETS/etcd" ]]
}

cmd_build() {
  mkdir -p "$TOOLS_DIR/.stamps"
  # one builder at a time per tools dir (parallel make / test JVMs)
  exec 9>"$TOOLS_DIR/.lock"
  flock 9 2>/dev/null || true

  local t0 kkey ekey hkey rkey ckey built=0
  t0=$(secs)
  kkey="$(build_key "$K8S_VERSION" "$HERE/tools/kube/go.mod" "$HERE/tools/kube/go.sum" "$HERE/tools/kube/main.go")"
  ekey="$(build_key "$ETCD_VERSION" "$HERE/tools/etcd/go.mod" "$HERE/tools/etcd/go.sum")"
  hkey="$(build_key "$HELM_VERSION" "$HERE/tools/helm/go.mod" "$HERE/tools/helm/go.sum")"
  rkey="$(build_key "$K8S_VERSION" "$HERE/runner/go.mod" "$HERE/runner/go.sum" "$HERE"/runner/*.go)"
  # shellcheck disable=SC2046
  ckey="$(build_key "$K8S_VERSION" "$HERE/runner/go.mod" $(find "$HERE/runner/cmd" -name '*.go' | sort))"

  local need_kube=1 need_etcd=1
  if use_assets; then need_etcd=0; fi
  is_built kube "$kkey" && need_kube=0
  is_built etcd "$ekey" && need_etcd=0
  if (( need_kube + need_etcd )) || ! is_built helm "$hkey" || ! is_built testenv "$rkey"; then
    GOBIN_="$(go_cmd "$GO_NEEDED")"
    log "tools dir $TOOLS_DIR ($("$GOBIN_" env GOVERSION))"
  fi

  if (( need_kube )); then
    # one multi-call binary (tools/kube/main.go) for every Kubernetes command: one link instead of six
    local minor="${K8S_VERSION#v1.}"; minor="${minor%%.*}"
    local date commit x="" p
    date="$(mod_time "$HERE/tools/kube" k8s.io/kubernetes)"
    commit="$(mod_commit "$HERE/tools/kube" k8s.io/kubernetes "$K8S_VERSION")"
    for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
      x+=" -X $p.gitVersion=$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor"
      x+=" -X $p.gitTreeState=clean -X $p.buildDate=${date:-1970-01-01T00:00:00Z} -X $p.gitCommit=$commit"
    done
    go_build kube "$HERE/tools/kube" . "$K8S_VERSION" "$kkey" "-s -w$x" \
      "kube-apiserver, kube-controller-manager, kube-scheduler, kubelet, kube-proxy, kubectl; first time, several minutes"
    built=1
  fi
  local cmd
  for cmd in $KUBE_COMMANDS; do
    [[ "$(readlink "$TOOLS_DIR/$cmd" 2>/dev/null)" == kube ]] || ln -sfn kube "$TOOLS_DIR/$cmd"
  done
  if (( need_etcd )); then
    local ecommit
    ecommit="$(mod_commit "$HERE/tools/etcd" go.etcd.io/etcd/server/v3 "$ETCD_VERSION")"
    go_build etcd "$HERE/tools/etcd" go.etcd.io/etcd/server/v3 "$ETCD_VERSION" "$ekey" \
      "-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=${ecommit:0:9}" "first time, a minute or two"
    built=1
  fi
  if ! is_built helm "$hkey"; then
    local hcommit hv="helm.sh/helm/v3"
    hcommit="$(mod_commit "$HERE/tools/helm" helm.sh/helm/v3 "$HELM_VERSION")"
    # as helm's Makefile: version, commit, tree state, and the k8s version it targets
    go_build helm "$HERE/tools/helm" helm.sh/helm/v3/cmd/helm "$HELM_VERSION" "$hkey" \
      "-s -w -X $hv/internal/version.version=$HELM_VERSION -X $hv/internal/version.gitCommit=$hcommit \
-X $hv/internal/version.gitTreeState=clean \
-X $hv/pkg/lint/rules.k8sVersionMajor=1 -X $hv/pkg/lint/rules.k8sVersionMinor=33 \
-X $hv/pkg/chartutil.k8sVersionMajor=1 -X $hv/pkg/chartutil.k8sVersionMinor=33" \
      "first time, a few minutes"
    built=1
  fi
  if ! is_built testenv "$rkey"; then
    go_build testenv "$HERE/runner" . "runner" "$rkey" "-s -w" "envtest runner"
    built=1
  fi
  local small
  for small in pause nodecheck; do # the one-node cluster's pause image and test tool: small static programs
    if ! is_built "$small" "$ckey"; then
      GOBIN_="${GOBIN_:-$(go_cmd)}"
      go_build "$small" "$HERE/runner" "./cmd/$small" "runner" "$ckey" "-s -w" "a few seconds"
      built=1
    fi
  done
  if (( built )); then
    log "build done in $(( $(secs) - t0 ))s: $TOOLS_DIR"
  fi
  exec 9>&- # release the lock; must not leak into the background runner
}

runner() {
  [[ -x "$TOOLS_DIR/testenv" ]] || { log "not built: run $0 build"; return 3; }
  "$TOOLS_DIR/testenv" "$@" --work-dir "$WORK_DIR"
}

cmd_up() {
  cmd_build
  local args=(up --detach)
  if use_assets; then
    log "using kube-apiserver and etcd from KUBEBUILDER_ASSETS=$KUBEBUILDER_ASSETS"
    args+=(--kube-apiserver "$KUBEBUILDER_ASSETS/kube-apiserver" --etcd "$KUBEBUILDER_ASSETS/etcd")
  else
    args+=(--kube-apiserver "$TOOLS_DIR/kube-apiserver" --etcd "$TOOLS_DIR/etcd")
  fi
  runner "${args[@]}"
}

cmd_with() {
  [[ $# -gt 0 ]] || { usage; exit 2; }
  local started=0 t0
  t0=$(secs)
  if runner status >/dev/null 2>&1; then
    log "control plane of $WORK_DIR already running: used, and left running"
  else
    cmd_up >&2
    started=1
    log "control plane up in $(( $(secs) - t0 ))s; stopped again when this ends: $*"
    # on failure and Ctrl-C too; INT/TERM turn into an exit so that the EXIT trap runs
    trap 'rc=$?; trap - EXIT; log "stopping the control plane of $WORK_DIR"; runner down >&2 || true; exit $rc' EXIT
    trap 'exit 130' INT TERM
  fi
  export TESTENV_WORK_DIR="$WORK_DIR" KUBECONFIG="$WORK_DIR/kubeconfig"
  "$@"
}

cmd_env() {
  runner env
  echo "export TESTENV_TOOLS_DIR='$TOOLS_DIR'"
  echo "export HELM='$TOOLS_DIR/helm'"
}

# ---- one-node cluster -------------------------------------------------------------------------------------------

# shellcheck source=../../hack/lib/debian-packages.sh
source "$REPO/hack/lib/debian-packages.sh"
# shellcheck source=../../hack/lib/rootfs-archive.sh
source "$REPO/hack/lib/rootfs-archive.sh"

node_runner() {
  [[ -x "$TOOLS_DIR/testenv" ]] || { log "not built: run $0 node-build"; return 3; }
  "$TOOLS_DIR/testenv" "$@" --work-dir "$NODE_WORK_DIR"
}

# image_of <binary> <ref> <user>: a one-binary image archive next to the binaries, rebuilt when the binary changes
image_of() {
  local bin="$1" ref="$2" user="$3" out="$TOOLS_DIR/images/$1.tar" key
  key="$(sha256sum "$TOOLS_DIR/$bin" | cut -c1-16) $ref $user"
  if [[ -f "$out" && -f "$out.key" && "$(cat "$out.key")" == "$key" ]]; then echo "$out"; return 0; fi
  mkdir -p "$TOOLS_DIR/images"
  local root
  root="$(mktemp -d "$TOOLS_DIR/images/.rootfs.XXXXXX")"
  install -m 0755 "$TOOLS_DIR/$bin" "$root/$bin"
  rootfs_archive "$root" "$ref" "$out" --config.entrypoint "/$bin" --config.user "$user" || { rm -rf "$root"; return 1; }
  rm -rf "$root"
  echo "$key" > "$out.key"
  log "image $ref: $out"
  echo "$out"
}

cmd_node_build() {
  # packages first: without root, the error names every missing one
  ensure_debian_packages "the one-node cluster (e2e/testenv)" \
    containerd=containerd ctr=containerd runc=runc /usr/lib/cni/bridge=containernetworking-plugins \
    iptables=iptables ip=iproute2 conntrack=conntrack umoci=umoci skopeo=skopeo || exit 1
  if [[ $EUID -ne 0 ]]; then
    die "the one-node cluster needs root (kubelet, containerd, a bridge, iptables rules and cgroups); the apiserver-only mode (testenv.sh up) does not"
  fi
  cmd_build
  NODE_IMAGES="$(image_of pause ses-mre.local/pause:3.10 65535:65535),$(image_of nodecheck ses-mre.local/nodecheck:1 65534:65534)"
}

cmd_node_up() {
  cmd_node_build
  local line
  line="$(node_runner up --detach --node --node-images "$NODE_IMAGES" | tail -1)" || exit 1
  [[ "$line" == "testenv ready: KUBECONFIG="* ]] || die "unexpected answer from the runner: $line"
  echo "KUBECONFIG=${line#testenv ready: KUBECONFIG=}"
}

cmd_node_load_image() {
  local archive="${1:-}" address
  [[ -f "$archive" ]] || die "node-load-image <image archive>: no such file: '$archive'"
  address="$(sed -n 's/^TESTENV_CONTAINERD_ADDRESS=//p' "$NODE_WORK_DIR/env" 2>/dev/null)"
  [[ -n "$address" ]] || die "the one-node cluster is not running (no $NODE_WORK_DIR/env): testenv.sh node-up"
  ctr --address "$address" --namespace k8s.io images import --digests "$archive" >&2
}

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}" >&2; }

case "${1:-}" in
  build) cmd_build ;;
  up) cmd_up ;;
  down) if [[ -x "$TOOLS_DIR/testenv" ]]; then runner down; else log "not running (not built)"; fi ;;
  restart-apiserver) runner restart-apiserver ;;
  status) runner status ;;
  with) shift; cmd_with "$@" ;;
  env) cmd_env ;;
  kubeconfig) echo "$WORK_DIR/kubeconfig" ;;
  tools-dir) echo "$TOOLS_DIR" ;;
  versions) echo "kubernetes $K8S_VERSION, etcd $ETCD_VERSION, helm $HELM_VERSION" ;;
  node-build) cmd_node_build ;;
  node-up) cmd_node_up ;;
  node-down) if [[ -x "$TOOLS_DIR/testenv" ]]; then node_runner down; else log "not running (not built)"; fi ;;
  node-status) node_runner status ;;
  node-env) node_runner env ;;
  node-kubeconfig) echo "$NODE_WORK_DIR/kubeconfig" ;;
  node-load-image) shift; cmd_node_load_image "$@" ;;
  -h|--help|help) usage ;;
  *) usage; exit 2 ;;
esac
