#!/usr/bin/env bash
# Tests of the Helm chart helm/ses-mre-operator (run by `make helm-test`):
#   1. helm lint --strict with the defaults and with every value set in helm/test/values/*.yaml
#   2. rendering checks per value set (helm template -> kubectl annotate --local -o json -> python3 stdlib json)
#   3. values.schema.json refuses wrong types, enums, patterns and unknown keys with a message naming the value;
#      every value is documented in the chart README
#   4. against the local control plane (e2e/testenv): helm install, CRD/ServiceAccount/RBAC present, PodSecurity
#      "restricted" admits the Deployment (server dry-run), kubectl auth can-i for the ServiceAccount (cluster-wide
#      and namespaced), helm uninstall cleans up
# Prints "N passed, N failed" last; exits non-zero on any failure.
#
# Env: KUBECTL (default: the testenv's kubectl if built, else kubectl on PATH), HELM (default: the testenv's helm, built if missing),
#      TESTENV_WORK_DIR (the testenv to use, default .work/testenv-chart; started if not running, stopped at the
#      end only if started here; make test points it at the control plane it shares across its suites: every
#      release and namespace here has a unique suffix and is removed at the end),
#      CHART_TEST_SKIP_CLUSTER=1 (only steps 1-3, for a quick run without a control plane).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
CHART="$REPO/helm/ses-mre-operator"
VALUES_DIR="$HERE/values"
TESTENV="$REPO/e2e/testenv/testenv.sh"
# A control plane of its own by default, so that another suite stopping the shared one cannot break this run
# (set TESTENV_WORK_DIR to use another one; it is started if not running, stopped only if started here).
export TESTENV_WORK_DIR="${TESTENV_WORK_DIR:-$REPO/.work/testenv-chart}"
TOOLS_DIR="$(bash "$TESTENV" tools-dir)"
# kubectl: $KUBECTL, else the testenv's own build (same release as the kube-apiserver) if there, else PATH
KUBECTL_FROM_USER="${KUBECTL:-}"
pick_kubectl() {
  if [[ -n "$KUBECTL_FROM_USER" ]]; then KUBECTL="$KUBECTL_FROM_USER"
  elif [[ -x "$TOOLS_DIR/kubectl" ]]; then KUBECTL="$TOOLS_DIR/kubectl"
  else KUBECTL=kubectl; fi
}
pick_kubectl
PYTHON="${PYTHON:-python3}"
TMP="$(mktemp -d)"
PASS=0
FAIL=0
STARTED_TESTENV=0
RELEASES=()   # "release namespace" pairs to uninstall on exit
NAMESPACES=() # namespaces to delete on exit
CRD=multiregionendpoints.ses.mre.dev
# the one value without a default: the image's repository (no public image exists)
IMAGE_SET=(--set image.repository=registry.example.com/ses-mre-operator)

log() { echo "chart-test: $*" >&2; }
ok() { echo "PASS: $*"; PASS=$((PASS + 1)); }
ko() { echo "FAIL: $*"; FAIL=$((FAIL + 1)); }
# check <description> <command...>: passes iff the command exits 0; shows its output on failure
check() {
  local d="$1"; shift
  if "$@" >"$TMP/out" 2>&1; then ok "$d"; else ko "$d"; sed 's/^/    /' "$TMP/out" | head -40; fi
}
# refuse <description> <expected text> <command...>: passes iff the command fails and its output has the text
refuse() {
  local d="$1" want="$2"; shift 2
  if "$@" >"$TMP/out" 2>&1; then
    ko "$d (command succeeded)"; sed 's/^/    /' "$TMP/out" | head -20
  elif grep -qF -- "$want" "$TMP/out"; then
    ok "$d"
  else
    ko "$d (no '$want' in the output)"; sed 's/^/    /' "$TMP/out" | head -20
  fi
}

cleanup() {
  local rc=$? r
  set +e
  if ((${#RELEASES[@]})); then
    for r in "${RELEASES[@]}"; do
      # shellcheck disable=SC2086
      set -- $r
      "$HELM" uninstall "$1" -n "$2" >/dev/null 2>&1
    done
  fi
  if ((${#NAMESPACES[@]})); then
    "$KUBECTL" delete namespace "${NAMESPACES[@]}" --ignore-not-found --wait=false >/dev/null 2>&1
  fi
  if ((STARTED_TESTENV)); then
    log "stopping the testenv started by this script"
    bash "$TESTENV" down >/dev/null 2>&1
  fi
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT

# ---------------------------------------------------------------------------------------------------- tools
if [[ -z "${HELM:-}" ]]; then
  HELM="$TOOLS_DIR/helm"
  if [[ ! -x "$HELM" ]]; then
    log "helm not built yet: e2e/testenv/testenv.sh build (cached after the first time)"
    bash "$TESTENV" build >&2
  fi
fi
[[ -x "$HELM" ]] || { ko "helm binary at $HELM"; echo "$PASS passed, $FAIL failed"; exit 1; }
command -v "$KUBECTL" >/dev/null || { ko "kubectl on PATH"; echo "$PASS passed, $FAIL failed"; exit 1; }
command -v "$PYTHON" >/dev/null || { ko "python3 on PATH"; echo "$PASS passed, $FAIL failed"; exit 1; }
echo "helm $("$HELM" version --short), kubectl $("$KUBECTL" version --client -o json | sed -n 's/.*"gitVersion": "\([^"]*\)".*/\1/p' | head -1)"

# JSON queries over rendered manifests: python3 standard library only (no PyYAML, yq or jq needed).
cat >"$TMP/q.py" <<'PY'
import json, sys
def load(path):
    text, objs, dec, i = open(path).read(), [], json.JSONDecoder(), 0
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            return objs
        obj, i = dec.raw_decode(text, i)
        objs.extend(obj.get("items", []) if obj.get("kind") == "List" else [obj])
objs = load(sys.argv[1])
def of(kind): return [o for o in objs if o.get("kind") == kind]
def one(kind, name=None):
    found = [o for o in of(kind) if name is None or o["metadata"]["name"] == name]
    if len(found) != 1:
        raise SystemExit("expected exactly one %s%s, found %d" % (kind, " " + name if name else "", len(found)))
    return found[0]
def ids(): return sorted("%s/%s/%s" % (o["kind"], o["metadata"].get("namespace", ""), o["metadata"]["name"]) for o in objs)
def kinds(): return sorted({o["kind"] for o in objs})
def dep(): return one("Deployment")
def pod(): return dep()["spec"]["template"]["spec"]
def cont(): return pod()["containers"][0]
def envlist(): return cont().get("env", [])
def env(): return {e["name"]: e.get("value", e.get("valueFrom")) for e in envlist()}
def rules(o): return [(tuple(r.get("apiGroups", [])), tuple(r.get("resources", [])), tuple(r.get("verbs", []))) for r in o["rules"]]
def labels(o): return o["metadata"].get("labels", {})
OPERATOR_RULES = [
    (("ses.mre.dev",), ("multiregionendpoints",), ("get", "list", "watch", "patch")),
    (("ses.mre.dev",), ("multiregionendpoints/status",), ("patch",)),
    (("",), ("events",), ("get", "create", "patch")),
]
EXPORT_RULE = (("",), ("configmaps",), ("get", "create", "update"))
CLUSTER_READ_RULES = [(("",), ("namespaces",), ("get", "list", "watch")),
                      (("ses.mre.dev",), ("roleselectors",), ("get", "list", "watch"))]
LEASE_RULES = [(("coordination.k8s.io",), ("leases",), ("create",)),
               (("coordination.k8s.io",), ("leases",), ("get", "update", "patch"))]
def lease_names(o): return [r.get("resourceNames") for r in o["rules"]]
def operator_roles(): return [o for o in of("ClusterRole") + of("Role") if rules(o) == OPERATOR_RULES]
STANDARD_LABELS = ["app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/version",
                   "app.kubernetes.io/managed-by", "helm.sh/chart"]
expr = sys.argv[2]
try:
    result = eval(expr)
except SystemExit:
    raise
except Exception as e:  # a missing field is a failed check, with the reason
    raise SystemExit("%s: %r" % (type(e).__name__, e))
if len(sys.argv) > 3 and sys.argv[3] == "print":
    print(result)
elif not result:
    print("false: " + expr)
    print("objects: " + ", ".join(ids()))
    sys.exit(1)
PY

# render <name> <helm template args...>: renders into $TMP/<name>.yaml and $TMP/<name>.json
render() {
  local name="$1"; shift
  # a value set (-f) names its image; other renders get the one value without a default
  local image=("${IMAGE_SET[@]}")
  [[ " $* " == *" -f "* ]] && image=()
  "$HELM" template rel "$CHART" --namespace ops "${image[@]}" "$@" >"$TMP/$name.yaml" &&
    KUBECONFIG=/dev/null "$KUBECTL" annotate --local -f "$TMP/$name.yaml" chart-test=1 -o json >"$TMP/$name.json"
}
# expect <render name> <description> <python expression over the rendered objects>
expect() { check "$1: $2" "$PYTHON" "$TMP/q.py" "$TMP/$1.json" "$3"; }

# ---------------------------------------------------------------------------------------------------- 1. lint
check "helm lint --strict (chart defaults)" "$HELM" lint --strict "$CHART"
VALUE_SETS=()
for f in "$VALUES_DIR"/*.yaml; do
  VALUE_SETS+=("$(basename "$f" .yaml)")
  check "helm lint --strict -f values/$(basename "$f")" "$HELM" lint --strict "$CHART" -f "$f"
done
for v in default namespaced ha irsa no-deployment; do
  [[ -f "$VALUES_DIR/$v.yaml" ]] || ko "value set values/$v.yaml exists"
done

# ---------------------------------------------------------------------------------------------------- 2. rendering
for v in "${VALUE_SETS[@]}"; do
  check "helm template -f values/$v.yaml renders, kubectl parses it" render "$v" -f "$VALUES_DIR/$v.yaml"
  expect "$v" "every object has the standard labels" \
    'all(labels(o).get(k) for o in objs for k in STANDARD_LABELS) and all(labels(o)["app.kubernetes.io/managed-by"] == "Helm" and labels(o)["helm.sh/chart"] == "ses-mre-operator-0.1.0" for o in objs)'
  expect "$v" "no Secret, ConfigMap or CRD rule, no wildcard in any rule" \
    'not [r for o in of("ClusterRole") + of("Role") for r in rules(o) if "*" in r[0] + r[1] + r[2] or {"secrets", "configmaps", "customresourcedefinitions"} & set(r[1])]'
done

# default: cluster-wide RBAC, exactly the operator's rules, leader election on, the restricted profile
expect default "operator ClusterRole + namespaces ClusterRole (+ bindings), aggregated view/edit roles, no namespaced operator Role" \
  'sorted(o["metadata"]["name"] for o in of("ClusterRole")) == ["rel-ses-mre-operator", "rel-ses-mre-operator-cluster-read", "rel-ses-mre-operator-edit", "rel-ses-mre-operator-view"] and len(of("ClusterRoleBinding")) == 2 and [o["metadata"]["name"] for o in of("Role")] == ["rel-ses-mre-operator-leader-election"]'
expect default "ClusterRole has exactly the operator's rules" 'rules(one("ClusterRole", "rel-ses-mre-operator")) == OPERATOR_RULES'
expect default "cluster-read ClusterRole: get/list/watch namespaces and roleselectors only" 'rules(one("ClusterRole", "rel-ses-mre-operator-cluster-read")) == CLUSTER_READ_RULES'
expect default "ClusterRoleBindings bind the ServiceAccount" \
  'all(o["subjects"] == [{"kind": "ServiceAccount", "name": "rel-ses-mre-operator", "namespace": "ops"}] for o in of("ClusterRoleBinding")) and sorted(o["roleRef"]["name"] for o in of("ClusterRoleBinding")) == ["rel-ses-mre-operator", "rel-ses-mre-operator-cluster-read"]'
expect default "aggregated roles: view reads, edit/admin write multiregionendpoints, neither touches status" \
  'labels(one("ClusterRole", "rel-ses-mre-operator-view"))["rbac.authorization.k8s.io/aggregate-to-view"] == "true" and rules(one("ClusterRole", "rel-ses-mre-operator-view")) == [(("ses.mre.dev",), ("multiregionendpoints",), ("get", "list", "watch"))] and labels(one("ClusterRole", "rel-ses-mre-operator-edit"))["rbac.authorization.k8s.io/aggregate-to-edit"] == "true" and labels(one("ClusterRole", "rel-ses-mre-operator-edit"))["rbac.authorization.k8s.io/aggregate-to-admin"] == "true" and rules(one("ClusterRole", "rel-ses-mre-operator-edit")) == [(("ses.mre.dev",), ("multiregionendpoints",), ("get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"))]'
expect default "leader election Role: create leases, get/update/patch only the Lease ses-mre-operator-leader, in the release namespace" \
  'rules(one("Role")) == LEASE_RULES and lease_names(one("Role")) == [None, ["ses-mre-operator-leader"]] and one("Role")["metadata"]["namespace"] == "ops" and one("RoleBinding")["subjects"][0]["name"] == "rel-ses-mre-operator"'
expect default "Deployment, Service (port ops), ServiceAccount, NetworkPolicy; no PDB/ServiceMonitor" \
  'kinds() == ["ClusterRole", "ClusterRoleBinding", "Deployment", "NetworkPolicy", "Role", "RoleBinding", "Service", "ServiceAccount"] and one("Service")["spec"]["ports"] == [{"name": "ops", "port": 8080, "protocol": "TCP", "targetPort": "ops"}]'
expect default "NetworkPolicy by default: ops only from the monitoring namespace; egress DNS, 443 and 6443 only" \
  'one("NetworkPolicy")["spec"]["ingress"][0]["from"][0]["namespaceSelector"] == {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}} and [[p["port"] for p in e["ports"]] for e in one("NetworkPolicy")["spec"]["egress"]] == [[53, 53], [443, 6443]] and not [e for e in one("NetworkPolicy")["spec"]["egress"] if "to" in e]'
expect default "pod securityContext: runAsNonRoot, runAsUser 10001, seccomp RuntimeDefault" \
  'pod()["securityContext"]["runAsNonRoot"] is True and pod()["securityContext"]["runAsUser"] == 10001 and pod()["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}'
expect default "container securityContext: readOnlyRootFilesystem, no privilege escalation, drop ALL, RuntimeDefault" \
  'cont()["securityContext"]["readOnlyRootFilesystem"] is True and cont()["securityContext"]["allowPrivilegeEscalation"] is False and cont()["securityContext"]["capabilities"] == {"drop": ["ALL"]} and cont()["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"} and cont()["securityContext"]["runAsNonRoot"] is True and cont()["securityContext"]["runAsUser"] == 10001'
expect default "emptyDir mounted at /tmp" \
  '{"mountPath": "/tmp", "name": "tmp"} in cont()["volumeMounts"] and [v for v in pod()["volumes"] if v["name"] == "tmp" and "emptyDir" in v]'
expect default "port 8080 named ops; liveness /healthz and readiness /readyz on it" \
  'cont()["ports"] == [{"name": "ops", "containerPort": 8080, "protocol": "TCP"}] and cont()["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "ops"} and cont()["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "ops"}'
expect default "resources 100m/256Mi requests, 512Mi limit; grace period 30s; image tag = appVersion" \
  'cont()["resources"] == {"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}} and pod()["terminationGracePeriodSeconds"] == 30 and cont()["image"] == "registry.example.com/ses-mre-operator:0.1.0"'
expect default "env: operator settings, JAVA_TOOL_OPTIONS, MALLOC_ARENA_MAX, POD_NAME/POD_NAMESPACE from the downward API" \
  'env()["SES_MRE_DEFAULT_REGION"] == "us-east-1" and env()["AWS_REGION"] == "us-east-1" and "SES_MRE_CLUSTER_ID" not in env() and "SES_MRE_MIGRATE_LEGACY_OWNER_TAGS" not in env() and env()["SES_MRE_REQUIRE_ROLE_SELECTOR"] == "false" and env()["SES_MRE_ENDPOINT_NAME_PREFIX"] == "none" and env()["SES_MRE_ALLOW_INSECURE_ENDPOINT"] == "false" and env()["AWS_EC2_METADATA_DISABLED"] == "true" and env()["SES_MRE_RESYNC_PERIOD"] == "10m" and env()["SES_MRE_TAG_RESYNC_PERIOD"] == "6h" and env()["SES_MRE_OBSERVATION"] == "batch" and "SES_MRE_WATCH_LABEL_SELECTOR" not in env() and env()["SES_MRE_MAX_CALL_RATE"] == "1" and env()["SES_MRE_ADAPTIVE_RATE_LIMIT"] == "true" and env()["SES_MRE_RECONCILE_THREADS"] == "16" and env()["SES_MRE_LOG_LEVEL"] == "INFO" and env()["SES_MRE_LOG_FORMAT"] == "text" and env()["SES_MRE_OPS_PORT"] == "8080" and env()["JAVA_TOOL_OPTIONS"] == "-XX:MaxRAMPercentage=75 -XX:MaxNewSize=32m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError" and env()["MALLOC_ARENA_MAX"] == "2" and env()["POD_NAME"] == {"fieldRef": {"fieldPath": "metadata.name"}} and env()["POD_NAMESPACE"] == {"fieldRef": {"fieldPath": "metadata.namespace"}}'
expect default "env: no watch list (all namespaces), no endpoint overrides, no duplicate names" \
  'not {"SES_MRE_WATCH_NAMESPACES", "SES_MRE_SES_ENDPOINT", "SES_MRE_STS_ENDPOINT", "SES_MRE_ALLOWED_REGIONS", "SES_MRE_RETAIN_NAMESPACES"} & set(env()) and len(envlist()) == len(env())'
expect default "leader election on: SES_MRE_LEADER_ELECTION=true, namespace = release namespace, RollingUpdate" \
  'env()["SES_MRE_LEADER_ELECTION"] == "true" and env()["SES_MRE_LEADER_ELECTION_NAMESPACE"] == "ops" and dep()["spec"]["strategy"]["type"] == "RollingUpdate" and dep()["spec"]["replicas"] == 1'
expect default "selector labels select the pod template" \
  'all(labels(dep()["spec"]["template"]).get(k) == v for k, v in dep()["spec"]["selector"]["matchLabels"].items()) and one("Service")["spec"]["selector"] == dep()["spec"]["selector"]["matchLabels"]'

# namespaced: a Role + RoleBinding in a and b, nothing cluster-wide
expect namespaced "Roles and RoleBindings in a and b; cluster-wide only reading namespaces (and the aggregated user roles)" \
  'sorted(o["metadata"]["name"] for o in of("ClusterRole")) == ["rel-ses-mre-operator-cluster-read", "rel-ses-mre-operator-edit", "rel-ses-mre-operator-view"] and [o["roleRef"]["name"] for o in of("ClusterRoleBinding")] == ["rel-ses-mre-operator-cluster-read"] and sorted(o["metadata"]["namespace"] for o in of("Role") if rules(o) == OPERATOR_RULES) == ["a", "b"] and sorted(o["metadata"]["namespace"] for o in of("RoleBinding") if o["roleRef"]["name"] == "rel-ses-mre-operator") == ["a", "b"]'
expect namespaced "RoleBindings in a and b bind the ServiceAccount of the release namespace" \
  'all(o["subjects"] == [{"kind": "ServiceAccount", "name": "rel-ses-mre-operator", "namespace": "ops"}] for o in of("RoleBinding"))'
expect namespaced "SES_MRE_WATCH_NAMESPACES=a,b" 'env()["SES_MRE_WATCH_NAMESPACES"] == "a,b"'
expect namespaced "leader election Role still in the release namespace" \
  '[o["metadata"]["namespace"] for o in of("Role") if rules(o) == LEASE_RULES] == ["ops"]'

# ha: replicas, PDB, ServiceMonitor, NetworkPolicy
expect ha "3 replicas, RollingUpdate with leader election" \
  'dep()["spec"]["replicas"] == 3 and dep()["spec"]["strategy"]["type"] == "RollingUpdate" and env()["SES_MRE_LEADER_ELECTION"] == "true"'
expect ha "PodDisruptionBudget minAvailable 1 selecting the pods" \
  'one("PodDisruptionBudget")["spec"]["minAvailable"] == 1 and one("PodDisruptionBudget")["spec"]["selector"] == dep()["spec"]["selector"]'
expect ha "ServiceMonitor scrapes port ops /metrics every 15s, with the extra label" \
  'one("ServiceMonitor")["spec"]["endpoints"] == [{"port": "ops", "path": "/metrics", "interval": "15s"}] and labels(one("ServiceMonitor"))["release"] == "prometheus" and one("ServiceMonitor")["spec"]["selector"]["matchLabels"] == one("Service")["spec"]["selector"]'
expect ha "NetworkPolicy: ingress to ops from the monitoring namespace; egress DNS, 443, 6443, Pod Identity agent" \
  'one("NetworkPolicy")["spec"]["policyTypes"] == ["Ingress", "Egress"] and one("NetworkPolicy")["spec"]["ingress"][0]["ports"] == [{"protocol": "TCP", "port": "ops"}] and one("NetworkPolicy")["spec"]["ingress"][0]["from"][0]["namespaceSelector"] == {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}} and [p["port"] for p in one("NetworkPolicy")["spec"]["egress"][0]["ports"]] == [53, 53] and [p["port"] for p in one("NetworkPolicy")["spec"]["egress"][1]["ports"]] == [443, 6443] and one("NetworkPolicy")["spec"]["egress"][2]["to"][0]["ipBlock"]["cidr"] == "169.254.170.23/32"'
expect ha "affinity and priorityClassName passed through" \
  'pod()["priorityClassName"] == "system-cluster-critical" and "podAntiAffinity" in pod()["affinity"]'

# irsa: the role annotation on the ServiceAccount
expect irsa "ServiceAccount annotated with eks.amazonaws.com/role-arn" \
  'one("ServiceAccount")["metadata"]["annotations"]["eks.amazonaws.com/role-arn"] == "arn:aws:iam::123456789012:role/ses-mre-operator" and pod()["serviceAccountName"] == "rel-ses-mre-operator"'
expect irsa "cluster id, region and extraEnv in the container env" \
  'env()["SES_MRE_CLUSTER_ID"] == "prod-eu-1" and env()["SES_MRE_DEFAULT_REGION"] == "eu-west-1" and env()["AWS_REGION"] == "eu-west-1" and env()["AWS_STS_REGIONAL_ENDPOINTS"] == "regional"'

# no-deployment: ServiceAccount + RBAC only, even with PDB/ServiceMonitor/NetworkPolicy enabled
expect no-deployment "no Deployment, Service, PDB, NetworkPolicy or ServiceMonitor" \
  'not set(kinds()) & {"Deployment", "Service", "PodDisruptionBudget", "NetworkPolicy", "ServiceMonitor", "Pod"}'
expect no-deployment "ServiceAccount, ClusterRole(Binding) and the leader election Role are rendered" \
  'kinds() == ["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "ServiceAccount"] and rules(one("ClusterRole", "rel-ses-mre-operator")) == OPERATOR_RULES'

# custom: every operator setting away from its default
expect custom "every SES_MRE_* variable from values" \
  'env()["SES_MRE_DEFAULT_REGION"] == "ap-southeast-2" and env()["SES_MRE_CLUSTER_ID"] == "staging.syd_2" and env()["SES_MRE_RESYNC_PERIOD"] == "PT30M" and env()["SES_MRE_MAX_CALL_RATE"] == "2.5" and env()["SES_MRE_ADAPTIVE_RATE_LIMIT"] == "false" and env()["SES_MRE_SES_ENDPOINT"] == "http://ses-emulator.mail-test.svc:4566" and env()["SES_MRE_STS_ENDPOINT"] == "http://ses-emulator.mail-test.svc:4566/sts" and env()["SES_MRE_RECONCILE_THREADS"] == "4" and env()["SES_MRE_LOG_LEVEL"] == "DEBUG" and env()["SES_MRE_LOG_FORMAT"] == "json" and env()["SES_MRE_OPS_PORT"] == "9090" and env()["SES_MRE_ALLOW_INSECURE_ENDPOINT"] == "true" and env()["SES_MRE_ALLOWED_REGIONS"] == "ap-southeast-2,ap-southeast-4" and env()["SES_MRE_ENDPOINT_NAME_PREFIX"] == "namespace" and env()["SES_MRE_RETAIN_NAMESPACES"] == "archive,mail" and "AWS_EC2_METADATA_DISABLED" not in env() and env()["SES_MRE_WATCH_LABEL_SELECTOR"] == "shard in (a,b)" and env()["SES_MRE_OBSERVATION"] == "per-object" and env()["SES_MRE_TAG_RESYNC_PERIOD"] == "PT2H"'
expect custom "hostAliases reach the pod" \
  'pod()["hostAliases"] == [{"ip": "10.0.0.7", "hostnames": ["ses-emulator.mail-test.svc"]}]'
expect custom "AWS_REGION from extraEnv replaces the chart's (set once)" \
  '[e for e in envlist() if e["name"] == "AWS_REGION"] == [{"name": "AWS_REGION", "value": "ap-southeast-2"}] and len(envlist()) == len(env()) and "secretKeyRef" in env()["AWS_ACCESS_KEY_ID"]'
expect custom "leader election off: no Lease Role, no namespace variable, Recreate strategy" \
  'not [o for o in of("Role") if rules(o) == LEASE_RULES] and env()["SES_MRE_LEADER_ELECTION"] == "false" and "SES_MRE_LEADER_ELECTION_NAMESPACE" not in env() and dep()["spec"]["strategy"] == {"type": "Recreate"}'
expect custom "existing ServiceAccount used and bound, none created" \
  'not of("ServiceAccount") and pod()["serviceAccountName"] == "mail-operator" and all(o["subjects"][0]["name"] == "mail-operator" for o in of("ClusterRoleBinding")) and sorted(o["metadata"]["name"] for o in of("ClusterRole")) == ["mre", "mre-cluster-read"]'
expect custom "image, pull policy and secrets, port 9090, annotations, labels, resources, scheduling" \
  'cont()["image"] == "registry.example.com/mail/ses-mre-operator:0.1.0-rc.1" and cont()["imagePullPolicy"] == "Always" and pod()["imagePullSecrets"] == [{"name": "regcred"}] and cont()["ports"][0]["containerPort"] == 9090 and one("Service")["spec"]["ports"][0]["port"] == 9090 and dep()["spec"]["template"]["metadata"]["annotations"] == {"example.com/owner": "mail-team"} and labels(dep()["spec"]["template"])["team"] == "mail" and cont()["resources"]["limits"]["memory"] == "384Mi" and pod()["terminationGracePeriodSeconds"] == 45 and pod()["nodeSelector"] == {"kubernetes.io/os": "linux"} and pod()["tolerations"][0]["key"] == "dedicated" and env()["JAVA_TOOL_OPTIONS"].startswith("-XX:MaxRAMPercentage=60")'

# single switches
expect default "export off by default: SES_MRE_ALLOW_EXPORT=false and no ConfigMap rule" \
  'env()["SES_MRE_ALLOW_EXPORT"] == "false" and not [r for o in of("ClusterRole") + of("Role") for r in rules(o) if "configmaps" in r[1]]'
check "render with operator.export.enabled=true" render export --set operator.export.enabled=true
expect export "export on: SES_MRE_ALLOW_EXPORT=true, the operator ClusterRole is its rules + get/create/update configmaps (no list, watch, patch, delete)" \
  'env()["SES_MRE_ALLOW_EXPORT"] == "true" and rules(one("ClusterRole", "rel-ses-mre-operator")) == OPERATOR_RULES + [EXPORT_RULE] and [o["metadata"]["name"] for o in of("ClusterRole") + of("Role") if [r for r in rules(o) if "configmaps" in r[1]]] == ["rel-ses-mre-operator"]'
check "render with operator.export.enabled=true and watchNamespaces={a,b}" render export-ns --set operator.export.enabled=true --set "operator.watchNamespaces={a,b}"
expect export-ns "export on, namespaced: the ConfigMap rule only in the Roles of the watched namespaces" \
  'sorted(o["metadata"]["namespace"] for o in of("Role") if rules(o) == OPERATOR_RULES + [EXPORT_RULE]) == ["a", "b"] and not [o for o in of("ClusterRole") if [r for r in rules(o) if "configmaps" in r[1]]]'
check "render with leaderElection.enabled=false" render no-le --set leaderElection.enabled=false
expect no-le "leader election Role only when enabled" \
  'not of("Role") and not of("RoleBinding") and env()["SES_MRE_LEADER_ELECTION"] == "false" and dep()["spec"]["strategy"]["type"] == "Recreate"'
check "render with rbac.create=false" render no-rbac --set rbac.create=false
expect no-rbac "no RBAC objects at all" 'not set(kinds()) & {"ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"}'
check "render with metrics.service.enabled=false" render no-svc --set metrics.service.enabled=false
expect no-svc "no Service" 'not of("Service") and of("Deployment")'
check "render with a PDB percentage" render pdb-pct --set podDisruptionBudget.enabled=true --set podDisruptionBudget.minAvailable=50%
expect pdb-pct "PDB minAvailable is the string 50%" 'one("PodDisruptionBudget")["spec"]["minAvailable"] == "50%"'

# opt-in monitoring: neither by default; with both enabled, the PrometheusRule (promtool tests it: make
# monitoring-test) and the dashboard ConfigMap for Grafana's sidecar
expect default "no PrometheusRule and no dashboard ConfigMap by default" 'not of("PrometheusRule") and not of("ConfigMap")'
check "render with metrics.prometheusRule.enabled and metrics.grafanaDashboard.enabled" render mon \
  --set metrics.prometheusRule.enabled=true --set metrics.grafanaDashboard.enabled=true \
  --set metrics.grafanaDashboard.namespace=grafana --set metrics.prometheusRule.labels.release=prometheus \
  --set metrics.prometheusRule.runbookBaseUrl=https://example.com/docs/operations.md
expect mon "PrometheusRule: 11 alerts, each with a severity, summary, description and runbook_url; extra label" \
  'len([r for g in one("PrometheusRule")["spec"]["groups"] for r in g["rules"]]) == 11 and all(r["labels"]["severity"] in ("warning", "critical") and r["annotations"]["summary"] and r["annotations"]["description"] and r["annotations"]["runbook_url"] == "https://example.com/docs/operations.md#" + r["alert"].lower() for g in one("PrometheusRule")["spec"]["groups"] for r in g["rules"]) and labels(one("PrometheusRule"))["release"] == "prometheus"'
expect mon "PrometheusRule: every expression selects the release (job and namespace), none groups by an object's name" \
  'all(r["expr"].count("job=\"rel-ses-mre-operator\",namespace=\"ops\"") >= 1 and "by (name" not in r["expr"] and "exported_namespace" not in r["expr"] for g in one("PrometheusRule")["spec"]["groups"] for r in g["rules"])'
expect mon "dashboard ConfigMap in namespace grafana, label grafana_dashboard=1, its JSON a dashboard with panels" \
  'one("ConfigMap")["metadata"]["namespace"] == "grafana" and labels(one("ConfigMap"))["grafana_dashboard"] == "1" and len(json.loads(one("ConfigMap")["data"]["ses-mre-operator.json"])["panels"]) > 10'
check "render with only metrics.prometheusRule.enabled" render mon-rule --set metrics.prometheusRule.enabled=true
expect mon-rule "PrometheusRule only; no runbook_url without runbookBaseUrl" \
  'of("PrometheusRule") and not of("ConfigMap") and not [r for g in one("PrometheusRule")["spec"]["groups"] for r in g["rules"] if "runbook_url" in r["annotations"]]'
check "render with only metrics.grafanaDashboard.enabled" render mon-dash --set metrics.grafanaDashboard.enabled=true
expect mon-dash "dashboard ConfigMap only, in the release namespace" 'not of("PrometheusRule") and one("ConfigMap")["metadata"]["namespace"] == "ops"'

# ---------------------------------------------------------------------------------------------------- 3. schema, docs
tpl() { "$HELM" template rel "$CHART" --namespace ops "${IMAGE_SET[@]}" "$@"; }
refuse "schema: a hostAliases entry without hostnames refused" "/hostAliases/0" tpl --set 'hostAliases[0].ip=10.0.0.7'
refuse "schema: replicaCount=abc refused, naming the value" "/replicaCount" tpl --set replicaCount=abc
refuse "schema: operator.logFormat=xml refused, naming the value" "/operator/logFormat" tpl --set operator.logFormat=xml
refuse "schema: operator.logLevel=verbose refused" "/operator/logLevel" tpl --set operator.logLevel=verbose
refuse "schema: operator.adaptiveRateLimit=maybe refused" "/operator/adaptiveRateLimit" tpl --set operator.adaptiveRateLimit=maybe
refuse "schema: operator.maxCallRate=0 refused" "/operator/maxCallRate" tpl --set operator.maxCallRate=0
refuse "schema: operator.reconcileThreads=many refused" "/operator/reconcileThreads" tpl --set operator.reconcileThreads=many
refuse "schema: operator.clusterId with a space refused" "/operator/clusterId" tpl --set "operator.clusterId=prod eu"
refuse "schema: operator.defaultRegion=Europe refused" "/operator/defaultRegion" tpl --set operator.defaultRegion=Europe
refuse "schema: operator.resyncPeriod=often refused" "/operator/resyncPeriod" tpl --set operator.resyncPeriod=often
refuse "schema: operator.sesEndpoint without a scheme refused" "/operator/sesEndpoint" tpl --set operator.sesEndpoint=localhost:4566
refuse "schema: operator.watchNamespaces with an invalid name refused" "/operator/watchNamespaces/0" tpl --set "operator.watchNamespaces={Mail_NS}"
refuse "schema: operator.watchNamespaces as a string refused" "/operator/watchNamespaces" tpl --set operator.watchNamespaces=mail
refuse "schema: deployment.enabled=yes refused" "/deployment/enabled" tpl --set deployment.enabled=yes
refuse "schema: image.pullPolicy=Sometimes refused" "/image/pullPolicy" tpl --set image.pullPolicy=Sometimes
refuse "image.repository empty with deployment.enabled refused, naming it" "image.repository is required" tpl --set image.repository=
check "image.repository may be empty with deployment.enabled=false (RBAC only)" tpl --set image.repository= --set deployment.enabled=false
refuse "schema: unknown key operator.regoin refused" "regoin" tpl --set operator.regoin=us-east-1
refuse "schema: unknown top-level key refused" "replicas" tpl --set replicas=2
refuse "schema: serviceAccount.annotations value must be a string" "/serviceAccount/annotations" tpl --set serviceAccount.annotations.a=1
refuse "replicaCount=3 without leader election refused" "requires leaderElection.enabled=true" tpl --set replicaCount=3 --set leaderElection.enabled=false
refuse "serviceAccount.create=false without a name refused" "requires serviceAccount.name" tpl --set serviceAccount.create=false
refuse "schema: operator.endpointNamePrefix=team refused" "/operator/endpointNamePrefix" tpl --set operator.endpointNamePrefix=team
refuse "schema: operator.allowedRegions with a non-region refused" "/operator/allowedRegions/0" tpl --set "operator.allowedRegions={moon}"
refuse "schema: operator.allowInsecureEndpoint=yes refused" "/operator/allowInsecureEndpoint" tpl --set operator.allowInsecureEndpoint=yes
refuse "schema: operator.observation=sometimes refused" "/operator/observation" tpl --set operator.observation=sometimes
refuse "schema: metrics.prometheusRule.enabled=yes refused" "/metrics/prometheusRule/enabled" tpl --set metrics.prometheusRule.enabled=yes
refuse "schema: metrics.prometheusRule.selector that is not label matchers refused" "/metrics/prometheusRule/selector" tpl --set "metrics.prometheusRule.selector=job"
refuse "schema: metrics.grafanaDashboard.enabled=yes refused" "/metrics/grafanaDashboard/enabled" tpl --set metrics.grafanaDashboard.enabled=yes
refuse "schema: aws.instanceMetadataCredentials=yes refused" "/aws/instanceMetadataCredentials" tpl --set aws.instanceMetadataCredentials=yes
check "schema: operator.maxCallRate=2.5 via --set accepted" tpl --set operator.maxCallRate=2.5
check "schema: operator.resyncPeriod=PT10M accepted" tpl --set operator.resyncPeriod=PT10M

# every value of the schema (leaves; objects passed through to Kubernetes count as one) is in the README table
# and has a description; every key of values.yaml is in the schema (enforced by lint: additionalProperties false)
docs_cover_schema() {
  "$PYTHON" - "$CHART/values.schema.json" "$CHART/README.md" <<'PY'
import json, sys
schema, readme = json.load(open(sys.argv[1])), open(sys.argv[2]).read()
defs, missing, undescribed, n = schema.get("definitions", {}), [], [], 0
def walk(node, path):
    global n
    if "$ref" in node and "properties" not in node:
        ref = defs[node["$ref"].split("/")[-1]]
        node = dict(ref, **{k: v for k, v in node.items() if k != "$ref"})
    props = node.get("properties")
    if props and path not in (["networkPolicy", "ingress", "namespaceSelector"], ["networkPolicy", "ingress", "podSelector"]):
        for k, v in props.items():
            walk(v, path + [k])
        return
    key, n = ".".join(path), n + 1
    if "| `%s` |" % key not in readme:
        missing.append(key)
    if not node.get("description"):
        undescribed.append(key)
walk(schema, [])
print("%d values in the schema" % n)
if missing: print("not in README's values table: " + ", ".join(missing))
if undescribed: print("no description in values.schema.json: " + ", ".join(undescribed))
sys.exit(1 if missing or undescribed else 0)
PY
}
check "README values table documents every value of values.schema.json, each described" docs_cover_schema
readme_rows_exist() { # every `key` row of the README's table is a value of the chart (no stale rows)
  local key
  for key in $(grep -oE '^\| `[A-Za-z.]+` \|' "$CHART/README.md" | sed -E 's/^\| `([^`]*)` \|/\1/'); do
    grep -q "\"${key##*.}\"" "$CHART/values.schema.json" || { echo "README row $key is not in the schema"; return 1; }
  done
}
check "README values table has no stale rows" readme_rows_exist

# ---------------------------------------------------------------------------------------------------- 4. cluster
if [[ "${CHART_TEST_SKIP_CLUSTER:-}" == 1 ]]; then
  echo "CHART_TEST_SKIP_CLUSTER=1: skipping the checks against the local control plane"
  echo
  echo "$PASS passed, $FAIL failed"
  [[ "$FAIL" -eq 0 ]]
  exit
fi

if bash "$TESTENV" status >/dev/null 2>&1; then
  log "using the running testenv"
else
  log "starting the testenv (e2e/testenv/testenv.sh up)"
  if bash "$TESTENV" up >"$TMP/up.log" 2>&1; then
    STARTED_TESTENV=1
  else
    ko "testenv up"; sed 's/^/    /' "$TMP/up.log" | tail -30
    echo "$PASS passed, $FAIL failed"; exit 1
  fi
fi
pick_kubectl # `up` may have built the testenv's kubectl
eval "$(bash "$TESTENV" env | grep -E '^export KUBECONFIG=')"
export KUBECONFIG
k() { "$KUBECTL" "$@"; }
check "kube-apiserver reachable" k get --raw /readyz

SUFFIX="$(date +%s)-$$"
NS="chart-test-$SUFFIX"                 # release namespace (cluster-wide RBAC)
REL="ct-$SUFFIX"                         # release names are unique: ClusterRole names derive from them
FULL="$REL-ses-mre-operator"
SA="system:serviceaccount:$NS:$FULL"
RESTRICTED="chart-test-psa-$SUFFIX"
NS2="chart-test-ns-$SUFFIX" NS2A="chart-test-a-$SUFFIX" NS2B="chart-test-b-$SUFFIX" OTHER="chart-test-other-$SUFFIX"
REL2="ctns-$SUFFIX"
FULL2="$REL2-ses-mre-operator"
SA2="system:serviceaccount:$NS2:$FULL2"
NAMESPACES=("$NS" "$RESTRICTED" "$NS2" "$NS2A" "$NS2B" "$OTHER")
CRD_BEFORE=0
k get crd "$CRD" >/dev/null 2>&1 && CRD_BEFORE=1

# install, deployment enabled (the pod cannot start without an image: no rollout wait)
RELEASES+=("$REL $NS")
check "helm install into a fresh namespace (deployment.enabled=true)" \
  "$HELM" install "$REL" "$CHART" --namespace "$NS" --create-namespace --set operator.clusterId=chart-test "${IMAGE_SET[@]}"
check "helm status: deployed" bash -c "'$HELM' status '$REL' -n '$NS' | grep -q '^STATUS: deployed'"
check "NOTES: how to check the operator, kubectl get mre -A, the examples" bash -c "
  '$HELM' get notes '$REL' -n '$NS' >'$TMP/notes' && grep -q 'rollout status deployment/$FULL' '$TMP/notes' &&
  grep -q 'kubectl get mre -A' '$TMP/notes' && grep -q 'examples' '$TMP/notes'"
check "CRD $CRD exists and is Established" k wait --for=condition=Established "crd/$CRD" --timeout=60s
check "CRD is the chart's (group ses.mre.dev, short name mre)" \
  bash -c "[ \"\$($KUBECTL get crd $CRD -o jsonpath='{.spec.group} {.spec.names.shortNames[0]} {.spec.scope}')\" = 'ses.mre.dev mre Namespaced' ]"
check "ServiceAccount, Deployment, Service exist" k -n "$NS" get "serviceaccount/$FULL" "deployment/$FULL" "service/$FULL"
check "ClusterRole and ClusterRoleBinding exist" k get "clusterrole/$FULL" "clusterrolebinding/$FULL"
check "leader election Role and RoleBinding exist in the release namespace" \
  k -n "$NS" get "role/$FULL-leader-election" "rolebinding/$FULL-leader-election"
check "kubectl get mre -A works (resource and short name served)" k get mre -A
check "Deployment on the server: runAsUser 10001, readOnlyRootFilesystem, SES_MRE_CLUSTER_ID" \
  bash -c "[ \"\$($KUBECTL -n $NS get deploy $FULL -o jsonpath='{.spec.template.spec.securityContext.runAsUser} {.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem} {.spec.template.spec.containers[0].env[?(@.name==\"SES_MRE_CLUSTER_ID\")].value}')\" = '10001 true chart-test' ]"

# PodSecurity "restricted": the rendered Deployment and its Pod are admitted (server dry-run)
check "namespace labelled pod-security.kubernetes.io/enforce=restricted" bash -c "
  $KUBECTL create namespace $RESTRICTED >/dev/null &&
  $KUBECTL label namespace $RESTRICTED pod-security.kubernetes.io/enforce=restricted pod-security.kubernetes.io/enforce-version=latest pod-security.kubernetes.io/warn=restricted >/dev/null"
"$HELM" template "$REL" "$CHART" --namespace "$RESTRICTED" "${IMAGE_SET[@]}" --show-only templates/deployment.yaml >"$TMP/psa-deploy.yaml"
# PodSecurity enforces on Pods and only warns on workloads: check both the Deployment (no warning) and the Pod its
# template makes (admitted under enforce); the Pod needs its ServiceAccount to exist (ServiceAccount admission)
to_pod() { # to_pod <deployment yaml> <pod json>: the Pod the Deployment's template would create
  KUBECONFIG=/dev/null "$KUBECTL" annotate --local -f "$1" chart-test=1 -o json | "$PYTHON" -c '
import json, sys
d = json.load(sys.stdin)
t = d["spec"]["template"]
print(json.dumps({"apiVersion": "v1", "kind": "Pod",
                  "metadata": {"name": d["metadata"]["name"] + "-pod", "namespace": d["metadata"]["namespace"],
                               "labels": t["metadata"]["labels"]},
                  "spec": t["spec"]}))' >"$2"
}
to_pod "$TMP/psa-deploy.yaml" "$TMP/psa-pod.json" || true
"$HELM" template "$REL" "$CHART" --namespace "$RESTRICTED" "${IMAGE_SET[@]}" --show-only templates/serviceaccount.yaml |
  "$KUBECTL" apply -f - >/dev/null 2>&1 || true
psa_admitted() { # psa_admitted <file>: server dry-run succeeds with no PodSecurity warning
  "$KUBECTL" apply --dry-run=server -f "$1" >"$TMP/psa.out" 2>&1; local rc=$?
  cat "$TMP/psa.out"
  [[ "$rc" -eq 0 ]] && ! grep -qi 'violate' "$TMP/psa.out"
}
check "PodSecurity restricted: the chart's Deployment is admitted with no warning (kubectl apply --dry-run=server)" \
  psa_admitted "$TMP/psa-deploy.yaml"
check "PodSecurity restricted: the Pod of its template is admitted under enforce (kubectl apply --dry-run=server)" \
  psa_admitted "$TMP/psa-pod.json"
# controls: the namespace does enforce (the same objects without allowPrivilegeEscalation=false)
grep -v 'allowPrivilegeEscalation: false' "$TMP/psa-deploy.yaml" >"$TMP/psa-bad.yaml"
to_pod "$TMP/psa-bad.yaml" "$TMP/psa-bad-pod.json" || true
check "PodSecurity restricted: control, a non-compliant Deployment draws the warning" \
  bash -c "$KUBECTL apply --dry-run=server -f '$TMP/psa-bad.yaml' 2>&1 | grep 'would violate PodSecurity \"restricted'"
refuse "PodSecurity restricted: control, a non-compliant Pod is refused" 'violates PodSecurity "restricted' \
  k apply --dry-run=server -f "$TMP/psa-bad-pod.json"
# every value set's objects are valid for the real API server (server dry-run; no ServiceMonitor CRD here)
for v in default ha irsa custom; do
  server_valid() {
    "$HELM" template "$REL-$1" "$CHART" --namespace "$RESTRICTED" -f "$VALUES_DIR/$1.yaml" \
      --set metrics.serviceMonitor.enabled=false | "$KUBECTL" apply --dry-run=server -f -
  }
  check "values/$v.yaml: every rendered object passes server-side validation (dry-run, restricted namespace)" server_valid "$v"
done

# RBAC as the ServiceAccount, cluster-wide install
k create namespace "$OTHER" >/dev/null 2>&1 || true
can() { # can <yes|no> <as> <kubectl auth can-i args...>
  local want="$1" as="$2" got; shift 2
  got="$("$KUBECTL" auth can-i "$@" --as="$as" 2>/dev/null || true)"
  [[ "$got" == "$want" ]] || { echo "kubectl auth can-i $* --as=$as: got '$got', want '$want'"; return 1; }
}
for verb in get list watch patch; do
  check "can-i (cluster-wide) $verb multiregionendpoints.ses.mre.dev in any namespace: yes" can yes "$SA" "$verb" multiregionendpoints.ses.mre.dev -n "$OTHER"
done
check "can-i list multiregionendpoints.ses.mre.dev --all-namespaces: yes" can yes "$SA" list multiregionendpoints.ses.mre.dev -A
check "can-i patch multiregionendpoints.ses.mre.dev/status: yes" can yes "$SA" patch multiregionendpoints.ses.mre.dev --subresource=status -n "$OTHER"
check "can-i update multiregionendpoints.ses.mre.dev (only patches are sent): no" can no "$SA" update multiregionendpoints.ses.mre.dev -n "$OTHER"
check "can-i update multiregionendpoints.ses.mre.dev/status (only patches are sent): no" can no "$SA" update multiregionendpoints.ses.mre.dev --subresource=status -n "$OTHER"
check "can-i create events: yes" can yes "$SA" create events -n "$OTHER"
check "can-i patch events: yes" can yes "$SA" patch events -n "$OTHER"
check "can-i get namespaces/kube-system (the default cluster id): yes" can yes "$SA" get namespaces/kube-system
check "can-i watch namespaces: yes" can yes "$SA" watch namespaces
check "can-i watch roleselectors: yes" can yes "$SA" watch roleselectors.ses.mre.dev
check "can-i create roleselectors: no" can no "$SA" create roleselectors.ses.mre.dev
check "can-i create leases.coordination.k8s.io in the release namespace: yes" can yes "$SA" create leases.coordination.k8s.io -n "$NS"
for verb in get update patch; do
  check "can-i $verb the Lease ses-mre-operator-leader in the release namespace: yes" can yes "$SA" "$verb" leases.coordination.k8s.io/ses-mre-operator-leader -n "$NS"
  check "can-i $verb another Lease in the release namespace: no" can no "$SA" "$verb" leases.coordination.k8s.io/kube-scheduler -n "$NS"
done
check "can-i get secrets: no" can no "$SA" get secrets -n "$NS"
check "can-i get secrets in another namespace: no" can no "$SA" get secrets -n "$OTHER"
check "can-i list configmaps: no" can no "$SA" list configmaps -n "$NS"
check "can-i get configmaps (export off by default): no" can no "$SA" get configmaps -n "$OTHER"
check "can-i create configmaps (export off by default): no" can no "$SA" create configmaps -n "$OTHER"
check "can-i create customresourcedefinitions: no" can no "$SA" create customresourcedefinitions.apiextensions.k8s.io
check "can-i update customresourcedefinitions: no" can no "$SA" update customresourcedefinitions.apiextensions.k8s.io
check "can-i create multiregionendpoints.ses.mre.dev: no" can no "$SA" create multiregionendpoints.ses.mre.dev -n "$OTHER"
check "can-i delete multiregionendpoints.ses.mre.dev: no" can no "$SA" delete multiregionendpoints.ses.mre.dev -n "$OTHER"
check "can-i delete events: no" can no "$SA" delete events -n "$OTHER"
check "can-i list leases (not granted): no" can no "$SA" list leases.coordination.k8s.io -n "$NS"
check "can-i delete leases: no" can no "$SA" delete leases.coordination.k8s.io -n "$NS"
check "can-i patch leases outside the release namespace: no" can no "$SA" patch leases.coordination.k8s.io/ses-mre-operator-leader -n "$OTHER"
# tenants: the chart's role aggregated into the built-in edit/admin gives the spec, never the status (bound
# directly here: aggregation into "edit" itself is done by kube-controller-manager, which this control plane
# does not run; the labels that ask for it are checked in the rendering tests above)
TENANT="system:serviceaccount:$OTHER:tenant"
check "tenant bound to the chart's edit role in its namespace" bash -c "$KUBECTL -n $OTHER create serviceaccount tenant >/dev/null && $KUBECTL -n $OTHER create rolebinding tenant-edit --clusterrole=$FULL-edit --serviceaccount=$OTHER:tenant >/dev/null"
check "tenant (edit): can-i create multiregionendpoints: yes" can yes "$TENANT" create multiregionendpoints.ses.mre.dev -n "$OTHER"
check "tenant (edit): can-i delete multiregionendpoints: yes" can yes "$TENANT" delete multiregionendpoints.ses.mre.dev -n "$OTHER"
check "tenant (edit): can-i patch multiregionendpoints/status: no" can no "$TENANT" patch multiregionendpoints.ses.mre.dev --subresource=status -n "$OTHER"
check "tenant (edit): can-i update multiregionendpoints/status: no" can no "$TENANT" update multiregionendpoints.ses.mre.dev --subresource=status -n "$OTHER"
check "can-i list pods: no" can no "$SA" list pods -n "$NS"
check "can-i create pods: no" can no "$SA" create pods -n "$NS"

# namespaced install (deployment.enabled=false, as the e2e suite uses it): Roles in the watched namespaces only
check "namespaces to watch exist" bash -c "$KUBECTL create namespace $NS2A >/dev/null && $KUBECTL create namespace $NS2B >/dev/null"
RELEASES+=("$REL2 $NS2")
check "helm install with watchNamespaces={a,b}, deployment.enabled=false and operator.export.enabled=true" \
  "$HELM" install "$REL2" "$CHART" --namespace "$NS2" --create-namespace --set deployment.enabled=false \
  --set "operator.watchNamespaces={$NS2A,$NS2B}" --set operator.export.enabled=true
check "namespaced: no Deployment, no operator ClusterRole, Roles in both watched namespaces" bash -c "
  ! $KUBECTL -n $NS2 get deployment $FULL2 >/dev/null 2>&1 &&
  ! $KUBECTL get clusterrole $FULL2 >/dev/null 2>&1 && ! $KUBECTL get clusterrolebinding $FULL2 >/dev/null 2>&1 &&
  $KUBECTL -n $NS2A get role/$FULL2 rolebinding/$FULL2 >/dev/null && $KUBECTL -n $NS2B get role/$FULL2 rolebinding/$FULL2 >/dev/null"
check "namespaced: can-i watch multiregionendpoints in a watched namespace: yes" can yes "$SA2" watch multiregionendpoints.ses.mre.dev -n "$NS2A"
check "namespaced: can-i patch multiregionendpoints/status in a watched namespace: yes" can yes "$SA2" patch multiregionendpoints.ses.mre.dev --subresource=status -n "$NS2B"
check "namespaced: can-i create events in a watched namespace: yes" can yes "$SA2" create events -n "$NS2B"
check "namespaced: can-i list multiregionendpoints in another namespace: no" can no "$SA2" list multiregionendpoints.ses.mre.dev -n "$OTHER"
check "namespaced: can-i list multiregionendpoints --all-namespaces: no" can no "$SA2" list multiregionendpoints.ses.mre.dev -A
check "namespaced: can-i create events in another namespace: no" can no "$SA2" create events -n "$OTHER"
check "namespaced: can-i get secrets in a watched namespace: no" can no "$SA2" get secrets -n "$NS2A"
for verb in get create update; do
  check "namespaced, export on: can-i $verb configmaps in a watched namespace: yes" can yes "$SA2" "$verb" configmaps -n "$NS2A"
  check "namespaced, export on: can-i $verb configmaps in another namespace: no" can no "$SA2" "$verb" configmaps -n "$OTHER"
done
for verb in list watch patch delete; do
  check "namespaced, export on: can-i $verb configmaps in a watched namespace (not sent): no" can no "$SA2" "$verb" configmaps -n "$NS2A"
done
check "namespaced: the ServiceAccount's token authenticates (kubectl create token)" \
  bash -c "$KUBECTL -n $NS2 create token $FULL2 --duration=10m | grep -q '^ey'"

# uninstall
check "helm uninstall (cluster-wide release)" "$HELM" uninstall "$REL" -n "$NS" --wait --timeout 60s
check "helm uninstall (namespaced release)" "$HELM" uninstall "$REL2" -n "$NS2" --wait --timeout 60s
RELEASES=()
gone() {
  local left
  left="$("$KUBECTL" get "clusterrole/$FULL" "clusterrolebinding/$FULL" "clusterrole/$FULL-cluster-read" "clusterrole/$FULL-view" "clusterrole/$FULL-edit" --ignore-not-found -o name 2>&1)"
  left+="$("$KUBECTL" -n "$NS" get "serviceaccount/$FULL" "deployment/$FULL" "service/$FULL" "role/$FULL-leader-election" "rolebinding/$FULL-leader-election" --ignore-not-found -o name 2>&1)"
  left+="$("$KUBECTL" -n "$NS2A" get "role/$FULL2" "rolebinding/$FULL2" --ignore-not-found -o name 2>&1)"
  left+="$("$KUBECTL" -n "$NS2" get "serviceaccount/$FULL2" --ignore-not-found -o name 2>&1)"
  [[ -z "$left" ]] || { echo "left behind: $left"; return 1; }
}
check "helm uninstall removed the ServiceAccounts, Deployment, Service and all RBAC" gone
check "after uninstall: the ServiceAccount can no longer list multiregionendpoints" can no "$SA" list multiregionendpoints.ses.mre.dev -n "$OTHER"
check "after uninstall: the CRD is kept (helm never deletes crds/)" k get crd "$CRD"
if ((!CRD_BEFORE && STARTED_TESTENV)); then
  k delete crd "$CRD" --wait=false >/dev/null 2>&1 || true
fi

# tear down before the summary, so that "N passed, N failed" is the last line
"$KUBECTL" delete namespace "${NAMESPACES[@]}" --ignore-not-found --wait=false >/dev/null 2>&1 || true
NAMESPACES=()
if ((STARTED_TESTENV)); then
  log "stopping the testenv started by this script"
  bash "$TESTENV" down >/dev/null 2>&1 || true
  STARTED_TESTENV=0
fi
echo
echo "$PASS passed, $FAIL failed"
[[ "$FAIL" -eq 0 ]]
