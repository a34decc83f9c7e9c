#!/usr/bin/env bash
# ArgoCD (application controller + repo server + Redis) as local processes against a Kubernetes API server, for the
# gitops-e2e suite. ArgoCD is built from its Go module, pinned in tools/argocd/go.mod; see README.md.
#
#   argocd.sh build       build the `argocd` multi-call binary and the helm v4 that ArgoCD's image ships (each cached
#                         per version + go.mod/go.sum hash), copy the release's CRDs, base config and git wrapper
#                         scripts next to them, install redis-server with apt-get if missing
#   argocd.sh up          build if needed; install ArgoCD's CRDs, the argocd namespace, the release's base config,
#                         the project's health check (argocd-cm) and the default AppProject into the cluster of
#                         KUBECONFIG; start Redis, the repo server and the application controller on 127.0.0.1;
#                         wait until they answer. stdout: "argocd ready: <key=value ...>"
#   argocd.sh down        stop the processes of the work dir (safe when nothing runs)
#   argocd.sh status      exit 0 iff the three processes run and answer
#   argocd.sh env         the "KEY=value" lines of the running instance (ports, namespace, logs)
#   argocd.sh tools-dir   print the folder holding the binaries and the release's manifests
#   argocd.sh versions    print the pinned versions
#
# Env: KUBECONFIG (up: an admin kubeconfig of the target cluster), ARGOCD_WORK_DIR (default .work/argocd),
# ARGOCD_TOOLS_DIR, ARGOCD_NAMESPACE (argocd), ARGOCD_APP_RESYNC_SECONDS (resync period of every Application, 180
# as upstream; the suite uses less), KUBECTL (default: e2e/testenv's, else PATH), ARGOCD_PERSIST_RESOURCE_HEALTH
# (true), GO (default: go on PATH), ARGOCD_NICE (15). Progress goes to stderr.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
ARGOCD_MODULE=github.com/argoproj/argo-cd/v3
HELM_MODULE=helm.sh/helm/v4

# Pinned versions: the go.mod files are the single source of truth.
modver() { # modver <go.mod> <module path>
  awk -v m="$2" '$1 == m && $2 ~ /^v/ { print $2; exit } $1 == "require" && $2 == m { print $3; exit }' "$1"
}
ARGOCD_VERSION="$(modver "$HERE/tools/argocd/go.mod" "$ARGOCD_MODULE")"
HELM_VERSION="$(modver "$HERE/tools/helm/go.mod" "$HELM_MODULE")"
[[ -n "$ARGOCD_VERSION" && -n "$HELM_VERSION" ]] || { echo "argocd: ERROR: cannot read the pinned versions from $HERE/tools/*/go.mod" >&2; exit 1; }

TOOLS_DIR="${ARGOCD_TOOLS_DIR:-$REPO/.tools/argocd/argocd-${ARGOCD_VERSION#v}_helm-${HELM_VERSION#v}}"
BIN="$TOOLS_DIR/argocd"
WORK_DIR="${ARGOCD_WORK_DIR:-$REPO/.work/argocd}"
NAMESPACE="${ARGOCD_NAMESPACE:-argocd}"
APP_RESYNC="${ARGOCD_APP_RESYNC_SECONDS:-180}"
NICE="${ARGOCD_NICE:-15}"
# Since 3.0 the controller keeps each resource's health in Redis only, where argocd-server reads it for the UI and
# CLI. No argocd-server runs here, so by default the health of every resource is also written into the
# Application's status.resources[] (the documented setting controller.resource.health.persist), where the suite
# reads it with kubectl. The health is computed the same way either way.
PERSIST_HEALTH="${ARGOCD_PERSIST_RESOURCE_HEALTH:-true}"
HEALTH_LUA="$REPO/gitops/argocd/ses.mre.dev/MultiRegionEndpoint/health.lua"
HEALTH_KEY="resource.customizations.health.ses.mre.dev_MultiRegionEndpoint"
# the field manager that owns the project's entries of argocd-cm (server-side apply keeps the release's keys)
FIELD_MANAGER=ses-mre-operator-gitops

log() { echo "argocd: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# go_cmd, build_key, is_built, mod_time, go_build (shared with e2e/testenv/testenv.sh)
# shellcheck source=../../hack/lib/go-build.sh
source "$REPO/hack/lib/go-build.sh"

# Debian's redis-server (ArgoCD's only runtime dependency besides git); apt-get when it is missing.
ensure_redis() {
  command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1 && return 0
  command -v apt-get >/dev/null 2>&1 || die "redis-server is missing and there is no apt-get: install Redis (redis-server, redis-cli)"
  log "installing redis-server with apt-get (not running it as a service)..."
  local sudo=""
  (( EUID == 0 )) || sudo="sudo"
  # Debian starts the service on install where an init system runs; policy-rc.d 101 prevents that for this install
  local policy=/usr/sbin/policy-rc.d restore=""
  if [[ ! -e $policy ]]; then
    restore=yes
    printf '#!/bin/sh\nexit 101\n' | $sudo tee $policy >/dev/null && $sudo chmod +x $policy
  fi
  if ! $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redis-server >&2; then
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update >&2
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redis-server >&2 \
      || { [[ -n $restore ]] && $sudo rm -f $policy; die "apt-get install redis-server failed"; }
  fi
  [[ -n $restore ]] && $sudo rm -f $policy
  # only the binary is needed: no Redis service at the next boot either
  if command -v systemctl >/dev/null 2>&1; then $sudo systemctl disable --quiet redis-server >/dev/null 2>&1 || true; fi
  command -v redis-server >/dev/null 2>&1 || die "redis-server still missing after apt-get install"
}

cmd_build() {
  mkdir -p "$TOOLS_DIR/.stamps"
  exec 9>"$TOOLS_DIR/.lock" # one builder at a time per tools dir
  flock 9 2>/dev/null || true
  ensure_redis
  local t0 akey hkey built=0
  t0=$(secs)
  akey="$(build_key "$ARGOCD_VERSION" "$HERE/tools/argocd/go.mod" "$HERE/tools/argocd/go.sum")"
  hkey="$(build_key "$HELM_VERSION" "$HERE/tools/helm/go.mod" "$HERE/tools/helm/go.sum")"
  if ! is_built argocd "$akey" || ! is_built helm "$hkey" || [[ "$(cat "$TOOLS_DIR/.stamps/release-files" 2>/dev/null)" != "$akey" ]]; then
    GOBIN_="$(go_cmd "building ArgoCD needs Go 1.26.3 or newer (what argo-cd's go.mod requires)")"
    log "tools dir $TOOLS_DIR ($("$GOBIN_" env GOVERSION))"
  fi

  if ! is_built argocd "$akey"; then
    # link-time version variables as argo-cd's Makefile sets them; the commit is the one of the gitops-engine
    # pseudo-version, i.e. the commit the release was tagged on (tools/argocd/go.mod)
    local p="$ARGOCD_MODULE/common" commit
    commit="$(sed -n 's/^replace github.com\/argoproj\/argo-cd\/gitops-engine => .*-\([0-9a-f]\{12\}\)$/\1/p' "$HERE/tools/argocd/go.mod")"
    go_build argocd "$HERE/tools/argocd" "$ARGOCD_MODULE/cmd" "$ARGOCD_VERSION" "$akey" \
      "-s -w -X $p.version=${ARGOCD_VERSION#v} -X $p.gitTag=$ARGOCD_VERSION -X $p.gitCommit=$commit \
-X $p.gitTreeState=clean -X $p.buildDate=$(mod_time "$HERE/tools/argocd" "$ARGOCD_MODULE")" \
      "application controller, repo server and CLI in one binary; first time, several minutes"
    built=1
  fi
  if ! is_built helm "$hkey"; then
    local h="$HELM_MODULE/internal/version"
    go_build helm "$HERE/tools/helm" "$HELM_MODULE/cmd/helm" "$HELM_VERSION" "$hkey" \
      "-s -w -X $h.version=$HELM_VERSION -X $h.metadata= -X $h.gitTreeState=clean \
-X $h.gitCommit=$(mod_commit "$HERE/tools/helm" "$HELM_MODULE" "$HELM_VERSION")" "first time, a few minutes"
    built=1
  fi
  if [[ "$(cat "$TOOLS_DIR/.stamps/release-files" 2>/dev/null)" != "$akey" ]]; then
    # what ArgoCD's image adds to the binary, from the module the binary was built from: its CRDs and base config,
    # and the wrapper scripts the repo server runs (git-verify-wrapper.sh for every manifest generation)
    local dir
    dir="$(cd "$HERE/tools/argocd" && "$GOBIN_" list -m -f '{{.Dir}}' "$ARGOCD_MODULE")"
    rm -rf "$TOOLS_DIR/manifests"
    mkdir -p "$TOOLS_DIR/manifests/crds" "$TOOLS_DIR/manifests/config"
    cp "$dir"/manifests/crds/*-crd.yaml "$TOOLS_DIR/manifests/crds/"
    cp "$dir"/manifests/base/config/argocd-*.yaml "$TOOLS_DIR/manifests/config/"
    install -m 0755 "$dir/hack/git-verify-wrapper.sh" "$dir/hack/gpg-wrapper.sh" "$TOOLS_DIR/"
    chmod -R u+w "$TOOLS_DIR/manifests"
    echo "$akey" > "$TOOLS_DIR/.stamps/release-files"
    built=1
  fi
  if (( built )); then
    log "build done in $(( $(secs) - t0 ))s: $TOOLS_DIR"
  fi
  exec 9>&-
}

# ---------------------------------------------------------------------------------------------------------------
# processes

pid_alive() { [[ -n "$1" && -d /proc/$1 ]]; }

# kill the process recorded in pids/<name> if it is still the program we started (pid reuse)
stop_one() { # stop_one <name>
  local f="$WORK_DIR/pids/$1" pid exe want
  [[ -f $f ]] || return 0
  read -r pid want < "$f" || true
  if pid_alive "$pid"; then
    exe="$(readlink "/proc/$pid/exe" 2>/dev/null || true)"
    # (a rebuild replaces the binary under a running process: its exe then reads "<path> (deleted)")
    if [[ "$exe" == "$want" || "$exe" == "$want (deleted)" ]]; then
      kill -TERM "$pid" 2>/dev/null || true
      local i
      for i in $(seq 1 100); do pid_alive "$pid" || break; sleep 0.1; done
      if pid_alive "$pid"; then log "  $1 (pid $pid) did not stop on SIGTERM: SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; fi
      log "  stopped $1 (pid $pid)"
    fi
  fi
  rm -f "$f"
}

cmd_down() {
  [[ -d "$WORK_DIR/pids" ]] || { log "not running ($WORK_DIR)"; return 0; }
  # the controller first (it writes to the cluster), Redis last
  stop_one application-controller
  stop_one repo-server
  stop_one redis
  rm -f "$WORK_DIR/env"
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

declare -A TAKEN=()
free_port() { # a port nothing listens on, not handed out before by this script
  local p i
  for i in $(seq 1 200); do
    p=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
    if [[ -z "${TAKEN[$p]:-}" ]] && port_free "$p"; then TAKEN[$p]=1; echo "$p"; return 0; fi
  done
  die "no free port found on 127.0.0.1"
}

# start_proc <name> <program> <command...>: in its own session, every fd redirected, so that the caller's pipes
# close at once; pids/<name> records the pid and the program it must be running (checked before any kill)
start_proc() {
  local name="$1" program="$2"; shift 2
  local logf="$WORK_DIR/logs/$name.log"
  local line="$*"
  [[ -n "${REDIS_PASSWORD:-}" ]] && line="${line//$REDIS_PASSWORD/(redacted)}"
  echo "===== $(date -u +%FT%TZ) start $name: $line =====" >> "$logf"
  setsid "$@" >> "$logf" 2>&1 < /dev/null 9>&- &
  echo "$! $(readlink -f "$program")" > "$WORK_DIR/pids/$name"
  log "  started $name (pid $!), log $logf"
}

# GET http://127.0.0.1:<port><path> with bash only; exit 0 iff the status is 200
http_ok() {
  local port="$1" path="$2" line
  { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null || return 1
  printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$path" >&3
  IFS= read -r -t 5 line <&3 || { exec 3>&-; return 1; }
  exec 3>&-
  [[ "$line" == *" 200 "* || "$line" == *" 200" ]]
}

redis_ok() { REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; }

await() { # await <what> <seconds> <command...>
  local what="$1" timeout="$2" t0; shift 2
  t0=$(secs)
  until "$@"; do
    for n in redis repo-server application-controller; do
      local f="$WORK_DIR/pids/$n" pid
      [[ -f $f ]] || continue
      read -r pid _ < "$f"
      pid_alive "$pid" || { tail -30 "$WORK_DIR/logs/$n.log" >&2; die "$n exited while waiting for $what"; }
    done
    (( $(secs) - t0 < timeout )) || { die "$what not ready within ${timeout}s (logs: $WORK_DIR/logs)"; }
    sleep 0.5
  done
}

kctl() { "$KUBECTL" "$@"; }

kubectl_bin() {
  if [[ -n "${KUBECTL:-}" ]]; then echo "$KUBECTL"; return; fi
  local t
  t="$(bash "$REPO/e2e/testenv/testenv.sh" tools-dir 2>/dev/null || true)"
  if [[ -n "$t" && -x "$t/kubectl" ]]; then echo "$t/kubectl"; return; fi
  command -v kubectl 2>/dev/null || die "no kubectl found (set KUBECTL=/path/to/kubectl)"
}

# What a normal ArgoCD installation puts into the cluster, from the release's own manifests, plus the project's
# health check: what a user does with `kubectl apply -k .../manifests/cluster-install` and an argocd-cm entry.
install_into_cluster() {
  log "installing ArgoCD $ARGOCD_VERSION's CRDs and config into namespace $NAMESPACE..."
  # server-side: the Application CRD is larger than the last-applied annotation allows (ArgoCD's docs say the same)
  kctl apply --server-side --force-conflicts --field-manager=argocd-install -f "$TOOLS_DIR/manifests/crds/" >&2
  # (kubectl wait fails instead of waiting while a new CRD has no status yet)
  local crd t0
  t0=$(secs)
  for crd in applications.argoproj.io appprojects.argoproj.io applicationsets.argoproj.io; do
    until [[ "$(kctl get crd "$crd" -o jsonpath='{.status.conditions[?(@.type=="Established")].status}' 2>/dev/null)" == True ]]; do
      (( $(secs) - t0 < 60 )) || die "CRD $crd not Established within 60s"
      sleep 0.5
    done
  done
  kctl create namespace "$NAMESPACE" --dry-run=client -o yaml | kctl apply --server-side --field-manager=argocd-install -f - >&2
  kctl apply --server-side --force-conflicts --field-manager=argocd-install -n "$NAMESPACE" -f "$TOOLS_DIR/manifests/config/" >&2
  # the health check: the very file the gopher-lua tests run, as one more key of argocd-cm (server-side apply
  # with its own field manager adds the key and keeps the release's defaults)
  [[ -f "$HEALTH_LUA" ]] || die "missing $HEALTH_LUA"
  kctl create configmap argocd-cm -n "$NAMESPACE" --from-file="$HEALTH_KEY=$HEALTH_LUA" --dry-run=client -o yaml \
    | kctl apply --server-side --field-manager="$FIELD_MANAGER" -f - >&2
  # the project every Application names; argocd-server creates it on start, and no argocd-server runs here
  kctl apply --server-side --field-manager=argocd-install -f - >&2 <<EOF
apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata:
  name: default
  namespace: $NAMESPACE
spec:
  sourceRepos: ['*']
  destinations: [{server: '*', namespace: '*'}]
  clusterResourceWhitelist: [{group: '*', kind: '*'}]
EOF
}

cmd_up() {
  [[ -n "${KUBECONFIG:-}" && -f "${KUBECONFIG%%:*}" ]] || die "KUBECONFIG must name the admin kubeconfig of the cluster (e.g. eval \"\$(e2e/testenv/testenv.sh env)\")"
  KUBECONFIG="$(readlink -f "${KUBECONFIG%%:*}")"
  export KUBECONFIG
  cmd_build
  KUBECTL="$(kubectl_bin)"
  local t0
  t0=$(secs)
  cmd_down 2>/dev/null || true
  mkdir -p "$WORK_DIR"/{pids,logs,tmp,home,config,tls,ssh,gpg/source,gpg/keys,plugins,helm/cache,helm/config,helm/data}
  chmod 700 "$WORK_DIR/gpg/keys"
  install_into_cluster

  REDIS_PORT="$(free_port)"
  REDIS_PASSWORD="$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
  local repo_port repo_metrics ctl_metrics
  repo_port="$(free_port)"; repo_metrics="$(free_port)"; ctl_metrics="$(free_port)"

  # Redis: loopback only, a password (in a file only we can read, not on a command line), nothing on disk
  (umask 077; printf 'bind 127.0.0.1\nport %s\nrequirepass %s\nsave ""\nappendonly no\ndir %s\nprotected-mode yes\n' \
    "$REDIS_PORT" "$REDIS_PASSWORD" "$WORK_DIR/tmp" > "$WORK_DIR/redis.conf")
  start_proc redis "$(command -v redis-server)" "$(command -v redis-server)" "$WORK_DIR/redis.conf"
  await "redis" 30 redis_ok

  # the environment both ArgoCD processes share: where their data lives (never /tmp or /app/config of the
  # machine; with no certificate there, the repo server serves gRPC over TLS with a certificate it generates, the
  # controller does not verify it and mutual TLS is off, as in a default installation), the Redis password, the cluster; ARGOCD_FAKE_IN_CLUSTER makes https://kubernetes.default.svc mean
  # the cluster of KUBECONFIG, as argo-cd's own Procfile runs its processes locally. ARGOCD_RECONCILIATION_TIMEOUT
  # is what ArgoCD's manifests set from argocd-cm's timeout.reconciliation: the resync period of every Application
  # (controller) and how long the repo server trusts a resolved branch (so a new commit is seen within a period).
  # PATH: first the tools dir (helm v4 and the wrapper scripts, as /usr/local/bin of ArgoCD's image), then the
  # caller's (git)
  local common=(env -i PATH="$TOOLS_DIR:$PATH" HOME="$WORK_DIR/home" TMPDIR="$WORK_DIR/tmp"
    KUBECONFIG="$KUBECONFIG" REDIS_PASSWORD="$REDIS_PASSWORD" ARGOCD_FAKE_IN_CLUSTER=true
    ARGOCD_TLS_DATA_PATH="$WORK_DIR/tls" ARGOCD_SSH_DATA_PATH="$WORK_DIR/ssh"
    ARGOCD_GPG_DATA_PATH="$WORK_DIR/gpg/source" ARGOCD_GNUPGHOME="$WORK_DIR/gpg/keys" ARGOCD_GPG_ENABLED=false
    ARGOCD_PLUGINSOCKFILEPATH="$WORK_DIR/plugins" ARGOCD_APP_CONF_PATH="$WORK_DIR/config"
    ARGOCD_REPO_SERVER_CLIENT_CA_PATH="$WORK_DIR/config/reposerver/mtls/client-ca.crt"
    ARGOCD_RECONCILIATION_TIMEOUT="${APP_RESYNC}s" ARGOCD_RECONCILIATION_JITTER=0s
    HELM_CACHE_HOME="$WORK_DIR/helm/cache" HELM_CONFIG_HOME="$WORK_DIR/helm/config" HELM_DATA_HOME="$WORK_DIR/helm/data")

  # (env execs the binary: the recorded pid is argocd's)
  start_proc repo-server "$BIN" "${common[@]}" ARGOCD_BINARY_NAME=argocd-repo-server "$BIN" \
    --address 127.0.0.1 --port "$repo_port" --metrics-address 127.0.0.1 --metrics-port "$repo_metrics" \
    --redis "127.0.0.1:$REDIS_PORT" --logformat text --loglevel info
  await "repo server" 60 http_ok "$repo_metrics" /healthz

  start_proc application-controller "$BIN" "${common[@]}" ARGOCD_BINARY_NAME=argocd-application-controller \
    "$BIN" --namespace "$NAMESPACE" --redis "127.0.0.1:$REDIS_PORT" \
    --repo-server "127.0.0.1:$repo_port" --metrics-port "$ctl_metrics" \
    --persist-resource-health="$PERSIST_HEALTH" \
    --logformat text --loglevel info
  await "application controller" 90 http_ok "$ctl_metrics" /healthz

  cat > "$WORK_DIR/env" <<EOF
ARGOCD_VERSION=$ARGOCD_VERSION
ARGOCD_HELM_VERSION=$HELM_VERSION
ARGOCD_NAMESPACE=$NAMESPACE
ARGOCD_REDIS=127.0.0.1:$REDIS_PORT
ARGOCD_REPO_SERVER=127.0.0.1:$repo_port
ARGOCD_REPO_SERVER_METRICS=127.0.0.1:$repo_metrics
ARGOCD_CONTROLLER_METRICS=127.0.0.1:$ctl_metrics
ARGOCD_APP_RESYNC_SECONDS=$APP_RESYNC
ARGOCD_LOGS=$WORK_DIR/logs
KUBECONFIG=$KUBECONFIG
EOF
  log "ready in $(( $(secs) - t0 ))s"
  echo "argocd ready: $(grep -v '^KUBECONFIG=' "$WORK_DIR/env" | tr '\n' ' ' | sed 's/ $//')"
}

cmd_status() {
  [[ -f "$WORK_DIR/env" ]] || return 1
  local f n pid
  for n in redis repo-server application-controller; do
    f="$WORK_DIR/pids/$n"; [[ -f $f ]] || return 1
    read -r pid _ < "$f"; pid_alive "$pid" || return 1
  done
  local rm cm
  rm="$(sed -n 's/^ARGOCD_REPO_SERVER_METRICS=127.0.0.1://p' "$WORK_DIR/env")"
  cm="$(sed -n 's/^ARGOCD_CONTROLLER_METRICS=127.0.0.1://p' "$WORK_DIR/env")"
  http_ok "$rm" /healthz && http_ok "$cm" /healthz
}

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}" >&2; }

case "${1:-}" in
  build) cmd_build ;;
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  env) [[ -f "$WORK_DIR/env" ]] && cat "$WORK_DIR/env" || { log "not running ($WORK_DIR)"; exit 1; } ;;
  tools-dir) echo "$TOOLS_DIR" ;;
  versions) echo "argocd $ARGOCD_VERSION, helm $HELM_VERSION (the helm ArgoCD's repo server runs)" ;;
  -h|--help|help) usage ;;
  *) usage; exit 2 ;;
esac
