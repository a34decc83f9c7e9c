#!/usr/bin/env bash
# Smoke test of the local control plane: builds (if needed), starts a testenv in
# its own work dir, checks version, RBAC + ServiceAccount tokens, CRD CEL
# validation, PodSecurity admission, apiserver restart, helm, and a clean stop.
# Ends with "N passed, N failed"; exit code 0 iff all passed.
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
export TESTENV_WORK_DIR="${SMOKE_WORK_DIR:-$REPO/.work/testenv-smoke}"
TESTENV="$HERE/testenv.sh"
KUBECTL="${KUBECTL:-kubectl}"
TMP="$(mktemp -d)"
PASS=0 FAIL=0

ok() { echo "PASS: $*"; PASS=$((PASS + 1)); }
ko() { echo "FAIL: $*"; FAIL=$((FAIL + 1)); }
check() { # check <description> <command...>
  local d="$1"; shift
  if "$@" >"$TMP/out" 2>&1; then ok "$d"; else ko "$d"; sed 's/^/    /' "$TMP/out"; fi
}
cleanup() { bash "$TESTENV" down >/dev/null 2>&1 || true; rm -rf "$TMP"; }
trap cleanup EXIT

bash "$TESTENV" build || { echo "0 passed, 1 failed"; exit 1; }
TOOLS="$(bash "$TESTENV" tools-dir)"
K8S_VERSION="$(bash "$TESTENV" versions | awk '{print $2}' | tr -d ,)"

t0=$(date +%s%N)
if ! bash "$TESTENV" up; then echo "0 passed, 1 failed"; exit 1; fi
echo "up took $(( ($(date +%s%N) - t0) / 1000000 )) ms"
export KUBECONFIG="$TESTENV_WORK_DIR/kubeconfig"
k() { "$KUBECTL" "$@"; }

# --- versions
check "kube-apiserver --version is $K8S_VERSION" \
  bash -c "'${KUBEBUILDER_ASSETS:-$TOOLS}/kube-apiserver' --version | grep -qx 'Kubernetes $K8S_VERSION'"
check "server /version reports $K8S_VERSION" bash -c "$KUBECTL get --raw /version | grep -q '\"gitVersion\": \"$K8S_VERSION\"'"
check "helm version works" bash -c "'$TOOLS/helm' version --short | grep -q '^v3\.'"

# --- basic API + RBAC + ServiceAccount tokens
check "kubectl get ns" k get ns default
check "create namespace + ServiceAccount" bash -c "$KUBECTL create ns smoke && $KUBECTL -n smoke create sa bot"
TOKEN="$(k -n smoke create token bot 2>"$TMP/err")" && ok "kubectl create token" || { ko "kubectl create token"; cat "$TMP/err"; }
SERVER="$(k config view --minify -o jsonpath='{.clusters[0].cluster.server}')"
k config view --raw --minify -o jsonpath='{.clusters[0].cluster.certificate-authority-data}' | base64 -d >"$TMP/ca.crt"
tk() { "$KUBECTL" --kubeconfig=/dev/null --server="$SERVER" --certificate-authority="$TMP/ca.crt" --token="$TOKEN" "$@"; }
token_whoami() { tk auth whoami | grep -q system:serviceaccount:smoke:bot; }
token_denied() { local out; if out="$(tk -n smoke get secrets 2>&1)"; then echo "$out"; return 1; fi; echo "$out"; grep -q Forbidden <<<"$out"; }
can_i_no() { [ "$(k auth can-i list secrets -n smoke --as=system:serviceaccount:smoke:bot)" = no ]; }
check "token authenticates as the ServiceAccount (auth whoami)" token_whoami
check "RBAC: token kubeconfig is denied listing secrets" token_denied
check "RBAC: auth can-i list secrets --as=system:serviceaccount:smoke:bot says no" can_i_no

# --- CRD with a CEL rule
cat >"$TMP/crd.yaml" <<'EOF'
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.smoke.example.com}
spec:
  group: smoke.example.com
  names: {kind: Widget, plural: widgets, singular: widget}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties: {min: {type: integer}, max: {type: integer}}
            x-kubernetes-validations:
            - {rule: "self.min <= self.max", message: "min must be <= max"}
EOF
check "apply CRD with x-kubernetes-validations" bash -c "$KUBECTL apply -f '$TMP/crd.yaml' && $KUBECTL wait --for=condition=Established crd/widgets.smoke.example.com --timeout=60s"
widget() { printf 'apiVersion: smoke.example.com/v1\nkind: Widget\nmetadata: {name: %s, namespace: smoke}\nspec: {min: %s, max: %s}\n' "$1" "$2" "$3"; }
widget good 1 2 >"$TMP/good.yaml"; widget bad 3 2 >"$TMP/bad.yaml"
check "CEL: valid object accepted" k apply -f "$TMP/good.yaml"
cel_refused() { local out; if out="$(k apply -f "$TMP/bad.yaml" 2>&1)"; then echo "$out"; return 1; fi; echo "$out"; grep -q 'min must be <= max' <<<"$out"; }
check "CEL: invalid object refused" cel_refused

# --- PodSecurity admission (restricted) with server-side dry-run
check "namespace labelled enforce=restricted" bash -c "$KUBECTL create ns restricted && $KUBECTL label ns restricted pod-security.kubernetes.io/enforce=restricted"
cat >"$TMP/priv.yaml" <<'EOF'
apiVersion: v1
kind: Pod
metadata: {name: priv, namespace: restricted}
spec:
  containers:
  - {name: c, image: busybox, securityContext: {privileged: true}}
EOF
cat >"$TMP/restricted.yaml" <<'EOF'
apiVersion: v1
kind: Pod
metadata: {name: fine, namespace: restricted}
spec:
  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
  containers:
  - name: c
    image: busybox
    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
EOF
psa_refused() { local out; if out="$(k apply --dry-run=server -f "$TMP/priv.yaml" 2>&1)"; then echo "$out"; return 1; fi; echo "$out"; grep -q 'violates PodSecurity "restricted' <<<"$out"; }
check "PodSecurity: privileged pod refused (dry-run=server)" psa_refused
check "PodSecurity: compliant pod accepted (dry-run=server)" k apply --dry-run=server -f "$TMP/restricted.yaml"

# --- restart kube-apiserver only
PORT_BEFORE="$(grep '^TESTENV_APISERVER_PORT=' "$TESTENV_WORK_DIR/env")"
ETCD_BEFORE="$(cut -d' ' -f1 "$TESTENV_WORK_DIR/pids/etcd.pid")"
API_BEFORE="$(cut -d' ' -f1 "$TESTENV_WORK_DIR/pids/kube-apiserver.pid")"
check "restart-apiserver" bash "$TESTENV" restart-apiserver
check "after restart: new kube-apiserver pid, same etcd pid, same port" bash -c "
  [ \"\$(cut -d' ' -f1 '$TESTENV_WORK_DIR/pids/kube-apiserver.pid')\" != '$API_BEFORE' ] &&
  [ \"\$(cut -d' ' -f1 '$TESTENV_WORK_DIR/pids/etcd.pid')\" = '$ETCD_BEFORE' ] &&
  [ \"\$(grep '^TESTENV_APISERVER_PORT=' '$TESTENV_WORK_DIR/env')\" = '$PORT_BEFORE' ]"
check "after restart: objects survived (same kubeconfig)" bash -c "$KUBECTL -n smoke get widget good && $KUBECTL -n smoke get sa bot"
check "after restart: writes work" k -n smoke create configmap after-restart --from-literal=a=b

# --- helm against the cluster
mkdir -p "$TMP/chart/templates"
printf 'apiVersion: v2\nname: smoke\nversion: 0.1.0\n' >"$TMP/chart/Chart.yaml"
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cm\ndata:\n  k: v\n' >"$TMP/chart/templates/cm.yaml"
check "helm install + list" bash -c "'$TOOLS/helm' install smoke '$TMP/chart' -n smoke --wait --timeout 60s && '$TOOLS/helm' list -n smoke | grep -q deployed && $KUBECTL -n smoke get cm smoke-cm"

# --- status and down
check "status says ready" bash "$TESTENV" status
PIDS="$(cat "$TESTENV_WORK_DIR"/pids/*.pid "$TESTENV_WORK_DIR/testenv.pid" | awk '{printf "%s ", $1}')"
check "down" bash "$TESTENV" down
gone() { for p in $PIDS; do s="$(ps -o stat= -p "$p" 2>/dev/null)"; [ -z "$s" ] || [[ "$s" == Z* ]] || return 1; done; }
check "no etcd/kube-apiserver/testenv process left (pids $PIDS)" gone
check "down is idempotent" bash "$TESTENV" down

echo
echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
