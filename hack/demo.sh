#!/usr/bin/env bash
# make demo: the operator's main job on embedded defaults, no cluster and no AWS account needed.
#   1. build the jars (Maven) and the local control plane (kube-apiserver, etcd, kubectl, helm from Go modules; cached)
#   2. start the control plane and the SES emulator on 127.0.0.1
#   3. helm install the chart's CRD, ServiceAccount and RBAC (deployment.enabled=false: the operator runs here)
#   4. start the operator as that ServiceAccount (a real token, not admin), pointed at the emulator
#   5. kubectl apply -f examples/ and show progress until every example is Ready
# Ctrl-C stops everything. DEMO_KEEP_RUNNING=false stops right after the examples are Ready (used by tests).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
WORK=${DEMO_WORK_DIR:-$REPO/.work/demo}
KEEP_RUNNING=${DEMO_KEEP_RUNNING:-true}
TIMEOUT=${DEMO_TIMEOUT:-300}
export TESTENV_WORK_DIR=$WORK/testenv
mkdir -p "$WORK"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
PIDS=()
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  say "stopping"
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  bash e2e/testenv/testenv.sh down >/dev/null 2>&1 || true
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

say "building the operator and the SES emulator (first run downloads Maven dependencies)"
./mvnw -B -ntp -q -DskipTests package
OPERATOR_JAR=$(ls operator/target/ses-mre-operator-*-all.jar)
EMULATOR_JAR=$(ls e2e/ses-emulator/target/ses-emulator-*-all.jar)

say "building the local control plane (first run compiles kube-apiserver, etcd and helm: about 6 minutes)"
bash e2e/testenv/testenv.sh build
export PATH="$(bash e2e/testenv/testenv.sh tools-dir):$PATH"   # kubectl and helm of the pinned release
HELM=helm

say "starting kube-apiserver and etcd on 127.0.0.1"
ADMIN_KUBECONFIG=$(bash e2e/testenv/testenv.sh up | sed -n 's/^testenv ready: KUBECONFIG=//p')
export KUBECONFIG=$ADMIN_KUBECONFIG

SES_PORT=${DEMO_SES_PORT:-$(free_port)}
say "starting the SES emulator on http://127.0.0.1:$SES_PORT"
java -jar "$EMULATOR_JAR" --port "$SES_PORT" --create-delay 3s --delete-delay 3s >"$WORK/ses-emulator.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$SES_PORT/_emulator/health" >/dev/null 2>&1 && break; sleep 0.2; done

say "installing the chart's CRD, ServiceAccount and RBAC with helm"
"$HELM" upgrade --install ses-mre-operator helm/ses-mre-operator --namespace ses-mre-system --create-namespace \
  --set deployment.enabled=false --wait >/dev/null
TOKEN=$(kubectl -n ses-mre-system create token ses-mre-operator --duration=24h)
OPERATOR_KUBECONFIG=$WORK/operator.kubeconfig
SERVER=$(kubectl config view --raw --minify -o jsonpath='{.clusters[0].cluster.server}')
CA=$(kubectl config view --raw --minify -o jsonpath='{.clusters[0].cluster.certificate-authority-data}')
cat >"$OPERATOR_KUBECONFIG" <<KCFG
apiVersion: v1
kind: Config
clusters: [{name: local, cluster: {server: "$SERVER", certificate-authority-data: "$CA"}}]
users: [{name: ses-mre-operator, user: {token: "$TOKEN"}}]
contexts: [{name: operator, context: {cluster: local, user: ses-mre-operator, namespace: ses-mre-system}}]
current-context: operator
KCFG

OPS_PORT=${DEMO_OPS_PORT:-$(free_port)}
say "starting the operator as system:serviceaccount:ses-mre-system:ses-mre-operator (log: $WORK/operator.log)"
KUBECONFIG=$OPERATOR_KUBECONFIG SES_MRE_SES_ENDPOINT=http://127.0.0.1:$SES_PORT SES_MRE_ALLOW_INSECURE_ENDPOINT=true \
  SES_MRE_DEFAULT_REGION=us-east-1 \
  SES_MRE_CLUSTER_ID=demo SES_MRE_OPS_PORT=$OPS_PORT AWS_ACCESS_KEY_ID=AKIDEMULATOR \
  AWS_SECRET_ACCESS_KEY=emulator-secret AWS_REGION=us-east-1 \
  java -jar "$OPERATOR_JAR" >"$WORK/operator.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 150); do curl -fsS "http://127.0.0.1:$OPS_PORT/readyz" >/dev/null 2>&1 && break; sleep 0.2; done

say "kubectl apply -f examples/"
kubectl apply -f examples/
expected=$(grep -l '^kind: MultiRegionEndpoint' examples/*.yaml | wc -l)
start=$SECONDS
while true; do
  clear 2>/dev/null || true
  echo "ses-mre-operator demo: $(( SECONDS - start ))s  (Ctrl-C stops everything)"
  echo
  kubectl get mre -A
  ready=$(kubectl get mre -A -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' | grep -c True || true)
  if [[ $ready -ge $expected ]]; then break; fi
  if (( SECONDS - start > TIMEOUT )); then echo "not all Ready after ${TIMEOUT}s; see $WORK/operator.log" >&2; exit 1; fi
  sleep 2
done

cat <<NEXT

All $expected examples are Ready. Things to try (in another terminal):
  export KUBECONFIG=$ADMIN_KUBECONFIG
  kubectl get mre -A -o wide; kubectl describe mre global-mail -n mail
  kubectl get events -n mail --field-selector involvedObject.kind=MultiRegionEndpoint
  kubectl edit mre global-mail -n mail                # change a tag, watch it reach SES
  kubectl delete mre global-mail -n mail              # the finalizer waits until SES has deleted it
  curl -s http://127.0.0.1:$SES_PORT/_emulator/state   # what "SES" holds (endpoints, tags)
  curl -s http://127.0.0.1:$SES_PORT/_emulator/calls   # SES calls by operation and outcome
  curl -s -XPOST http://127.0.0.1:$SES_PORT/_emulator/settings -d '{"throttleRate":0.5}'   # make SES throttle
  curl -s http://127.0.0.1:$OPS_PORT/metrics | grep ses_mre   # the operator's metrics
Against a real cluster and AWS: kubectl apply -f crds/, then run the chart (helm/ses-mre-operator/README.md)
or the jar with your kubeconfig and AWS credentials (README.md, "Configuration").
NEXT
if [[ $KEEP_RUNNING == true ]]; then
  say "running; Ctrl-C to stop"
  while true; do sleep 3600; done
fi
