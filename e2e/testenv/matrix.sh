#!/usr/bin/env bash
# The Kubernetes version matrix: the admission suite and a short lifecycle against the oldest and the newest
# kube-apiserver of the supported range (README "Kubernetes versions"); the full suite stays on the pinned version.
# Only kube-apiserver is built for each extra version (tools/kube-apiserver-<minor>/go.mod, from the k8s.io/kubernetes
# module), and etcd where the version pins another one than tools/etcd (tools/etcd-<minor>/go.mod); kubectl and
# helm stay the pinned ones. Go's build cache is shared with the other builds.
#
#   matrix.sh versions         the matrix's versions, one "kubernetes etcd" pair a line
#   matrix.sh build [minor]    build kube-apiserver (+ etcd) of every version (or one), cached per version + go.mod hash
#   matrix.sh test [minor]     for every version (or one): a control plane of its own with that kube-apiserver and
#                              etcd (KUBEBUILDER_ASSETS of testenv.sh), then the e2e suite's areas A01 (CRD), A03
#                              (the examples Ready), A04 (every invalid manifest refused, immutability), A05 (tag edit),
#                              A06 (deletion, Retain) and A12 (cleanup); stopped at the end
#
# Env: MATRIX_NICE (15), GO, MVN. Progress goes to stderr.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
NICE="${MATRIX_NICE:-15}"
MVN="${MVN:-$REPO/mvnw -B -ntp}"
MATRIX_TESTS='A01CrdTest,A03ExamplesTest,A04InvalidInputTest,A05TagsTest,A06DeletionTest,A12CleanupTest'

log() { echo "matrix: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }
# shellcheck source=../../hack/lib/go-build.sh
source "$REPO/hack/lib/go-build.sh"

modver() { awk -v m="$2" '$1 == m && $2 ~ /^v/ { print $2; exit } $1 == "require" && $2 == m { print $3; exit }' "$1"; }
PINNED_ETCD="$(modver "$HERE/tools/etcd/go.mod" go.etcd.io/etcd/server/v3)"

minors() { # the matrix's minors, from the folders tools/kube-apiserver-<minor>
  local d
  for d in "$HERE"/tools/kube-apiserver-*/; do d="${d%/}"; echo "${d##*-}"; done | sort -V
}
k8s_version() { modver "$HERE/tools/kube-apiserver-$1/go.mod" k8s.io/kubernetes; }
# the etcd a version pins (build/dependencies.yaml of its module); tools/etcd-<minor> builds it when it differs
pinned_etcd_of() {
  local dir
  dir="$(cd "$HERE/tools/kube-apiserver-$1" && "${GOBIN_:-go}" list -m -f '{{.Dir}}' k8s.io/kubernetes)"
  echo "v$(awk '/name: "etcd"/ { f = 1 } f && /version:/ { print $2; exit }' "$dir/build/dependencies.yaml")"
}
assets_dir() { echo "$REPO/.tools/testenv/matrix/k8s-$(k8s_version "$1" | sed 's/^v//')/bin"; }

build_one() {
  local minor="$1" version etcd TOOLS_DIR key x="" p date commit
  version="$(k8s_version "$minor")"
  TOOLS_DIR="$(assets_dir "$minor")"
  mkdir -p "$TOOLS_DIR/.stamps"
  exec 9>"$TOOLS_DIR/.lock"
  flock 9 2>/dev/null || true
  GOBIN_="${GOBIN_:-$(go_cmd "the version matrix's kube-apiserver needs Go 1.26 or newer")}"
  local dir="$HERE/tools/kube-apiserver-$minor"
  key="$(build_key "$version" "$dir/go.mod" "$dir/go.sum")"
  if ! is_built kube-apiserver "$key"; then
    date="$(mod_time "$dir" k8s.io/kubernetes)"
    commit="$(mod_commit "$dir" k8s.io/kubernetes "$version")"
    for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
      x+=" -X $p.gitVersion=$version -X $p.gitMajor=1 -X $p.gitMinor=${minor#1.}"
      x+=" -X $p.gitTreeState=clean -X $p.buildDate=${date:-1970-01-01T00:00:00Z} -X $p.gitCommit=$commit"
    done
    go_build kube-apiserver "$dir" k8s.io/kubernetes/cmd/kube-apiserver "$version" "$key" "-s -w$x" \
      "kube-apiserver only; first time, several minutes"
  fi
  etcd="$(pinned_etcd_of "$minor")"
  if [[ "$etcd" == "$PINNED_ETCD" ]]; then
    # the same etcd as the pinned Kubernetes: the testenv's own build
    local tdir
    tdir="$(bash "$HERE/testenv.sh" tools-dir)"
    [[ -x "$tdir/etcd" ]] || bash "$HERE/testenv.sh" build >&2
    ln -sfn "$tdir/etcd" "$TOOLS_DIR/etcd"
  else
    local edir="$HERE/tools/etcd-$minor" ekey
    [[ -f "$edir/go.mod" ]] || die "Kubernetes $version pins etcd $etcd: add $edir/go.mod (go get -tool go.etcd.io/etcd/server/v3@$etcd)"
    [[ "$(modver "$edir/go.mod" go.etcd.io/etcd/server/v3)" == "$etcd" ]] || die "$edir/go.mod does not pin etcd $etcd"
    ekey="$(build_key "$etcd" "$edir/go.mod" "$edir/go.sum")"
    if ! is_built etcd "$ekey"; then
      go_build etcd "$edir" go.etcd.io/etcd/server/v3 "$etcd" "$ekey" \
        "-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=$(mod_commit "$edir" go.etcd.io/etcd/server/v3 "$etcd" | cut -c1-9)" \
        "first time, a minute or two"
    fi
  fi
  exec 9>&-
  log "kubernetes $version: kube-apiserver and etcd $etcd in $TOOLS_DIR"
}

test_one() {
  local minor="$1" version assets work t0 rc=0
  version="$(k8s_version "$minor")"
  build_one "$minor"
  assets="$(assets_dir "$minor")"
  work="$REPO/.work/testenv-k8s-$minor"
  t0=$(secs)
  log "kubernetes $version: the admission suite and a short lifecycle ($MATRIX_TESTS)"
  # testenv.sh up takes kube-apiserver and etcd from KUBEBUILDER_ASSETS; the suite's harness reuses that control
  # plane (TESTENV_WORK_DIR) and leaves it to `with`, which stops it
  KUBEBUILDER_ASSETS="$assets" TESTENV_WORK_DIR="$work" bash "$HERE/testenv.sh" with \
    bash -c 'v="$(kubectl --kubeconfig "$KUBECONFIG" version -o json | sed -n "s/.*\"gitVersion\": \"\(v[^\"]*\)\".*/\1/p" | tail -1)"
             [[ "$v" == "$0" ]] || { echo "matrix: ERROR: the API server says $v, not $0" >&2; exit 1; }
             echo "matrix: API server $v" >&2
             exec '"$MVN"' -Pe2e -pl e2e/suite verify -Dtest="$1" -Dsurefire.failIfNoSpecifiedTests=true' \
    "$version" "$MATRIX_TESTS" || rc=$?
  log "kubernetes $version: exit $rc in $(( $(secs) - t0 ))s"
  return "$rc"
}

case "${1:-}" in
  versions) for m in $(minors); do echo "$(k8s_version "$m") $(pinned_etcd_of "$m")"; done ;;
  build) for m in ${2:-$(minors)}; do build_one "$m"; done ;;
  test)
    fails=0
    for m in ${2:-$(minors)}; do test_one "$m" || fails=$((fails + 1)); done
    (( fails == 0 )) || die "$fails of the matrix's versions failed"
    ;;
  *) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}" >&2; exit 2 ;;
esac
