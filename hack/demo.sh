#!/usr/bin/env bash
# make demo: the operator's main job on embedded defaults, no cluster and no AWS account needed.
#   1. build the jars (Maven) and the local control plane (kube-apiserver, etcd, kubectl, helm from Go modules; cached)
#   2. start the control plane and the SES emulator on 127.0.0.1
#   3. helm install the chart's CRD, ServiceAccount and RBAC (deployment.enabled=false: the operator runs here)
#   4. start the operator as that ServiceAccount (a real token, not admin), pointed at the emulator
#   5. kubectl apply -f examples/ and show progress until every example is Ready
#   6. export global-mail's endpoint into a ConfigMap (spec.export) and send one message through it with
#      send-check (real AWS SDK, SigV4a) taking that ConfigMap's values; show the message the emulator recorded
# Ctrl-C stops everything. DEMO_KEEP_RUNNING=false stops right after the examples are Ready (used by tests).
# TESTENV_WORK_DIR naming a running control plane (make test shares one) uses it: then the examples and the release
# are removed at the end and the control plane is left running. DEMO_BUILD=false skips step 1 (jars already built).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
WORK=${DEMO_WORK_DIR:-$REPO/.work/demo}
KEEP_RUNNING=${DEMO_KEEP_RUNNING:-true}
TIMEOUT=${DEMO_TIMEOUT:-300}
export TESTENV_WORK_DIR=${TESTENV_WORK_DIR:-$WORK/testenv}
RELEASE=ses-mre-operator
NAMESPACE=ses-mre-system
mkdir -p "$WORK"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
PIDS=()
REUSED=false
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  say "stopping"
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ $REUSED == true ]]; then
    # the control plane outlives the demo: leave it as found. The examples' objects go (the operator is gone, so
    # their finalizers are dropped first), their namespaces stay (without kube-controller-manager a deleted
    # namespace never finishes terminating), and so does the CRD.
    for ns in $(sed -n 's/^  namespace: *//p' examples/*.yaml | sort -u); do
      for obj in $(kubectl get mre -n "$ns" -o name 2>/dev/null); do
        kubectl patch "$obj" -n "$ns" --type=merge -p '{"metadata":{"finalizers":null}}' >/dev/null 2>&1 || true
      done
      kubectl delete mre --all -n "$ns" --wait=false >/dev/null 2>&1 || true
    done
    helm uninstall "$RELEASE" -n "$NAMESPACE" --wait >/dev/null 2>&1 || true
  else
    bash e2e/testenv/testenv.sh down >/dev/null 2>&1 || true
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# waits until a URL answers 2xx (curl retries while the port is closed or the answer is 503), or fails naming it
await_url() { # await_url <what> <url> <seconds>
  curl -fsS -o /dev/null --retry "$3" --retry-delay 1 --retry-connrefused --max-time 5 "$2" \
    || { echo "$1 did not answer $2 within about $3 s; see $WORK/" >&2; exit 1; }
}

OPERATOR_JAR=operator/target/ses-mre-operator-all.jar
EMULATOR_JAR=e2e/ses-emulator/target/ses-emulator-all.jar
if [[ ${DEMO_BUILD:-true} == true ]]; then
  say "building the operator and the SES emulator (first run downloads Maven dependencies)"
  ./mvnw -B -ntp -q -DskipTests package
  say "building the local control plane (first run compiles kube-apiserver, etcd and helm: about 6 minutes)"
  bash e2e/testenv/testenv.sh build
fi
export PATH="$(bash e2e/testenv/testenv.sh tools-dir):$PATH"   # kubectl and helm of the pinned release

if bash e2e/testenv/testenv.sh status >/dev/null 2>&1; then
  REUSED=true
  say "using the control plane already running in $TESTENV_WORK_DIR (left running)"
else
  say "starting kube-apiserver and etcd on 127.0.0.1"
fi
ADMIN_KUBECONFIG=$(bash e2e/testenv/testenv.sh up | sed -n 's/^testenv ready: KUBECONFIG=//p')
export KUBECONFIG=$ADMIN_KUBECONFIG

SES_PORT=${DEMO_SES_PORT:-$(free_port)}
say "starting the SES emulator on http://127.0.0.1:$SES_PORT"
java -jar "$EMULATOR_JAR" --port "$SES_PORT" --create-delay 3s --delete-delay 3s >"$WORK/ses-emulator.log" 2>&1 &
PIDS+=($!)
await_url "the SES emulator" "http://127.0.0.1:$SES_PORT/_emulator/health" 30

say "installing the chart's CRD, ServiceAccount and RBAC with helm"
helm upgrade --install "$RELEASE" helm/ses-mre-operator --namespace "$NAMESPACE" --create-namespace \
  --set deployment.enabled=false --set operator.export.enabled=true --wait >/dev/null
OPERATOR_KUBECONFIG=$WORK/operator.kubeconfig
bash hack/token-kubeconfig.sh "$NAMESPACE" ses-mre-operator 24h "$OPERATOR_KUBECONFIG"

OPS_PORT=${DEMO_OPS_PORT:-$(free_port)}
say "starting the operator as system:serviceaccount:$NAMESPACE:ses-mre-operator (log: $WORK/operator.log)"
KUBECONFIG=$OPERATOR_KUBECONFIG SES_MRE_SES_ENDPOINT=http://127.0.0.1:$SES_PORT SES_MRE_ALLOW_INSECURE_ENDPOINT=true \
  SES_MRE_STS_ENDPOINT=http://127.0.0.1:$SES_PORT \
  SES_MRE_DEFAULT_REGION=us-east-1 SES_MRE_MAX_CALL_RATE=10 \
  SES_MRE_CLUSTER_ID=demo SES_MRE_RETAIN_NAMESPACES=mail SES_MRE_ALLOW_EXPORT=true SES_MRE_OPS_PORT=$OPS_PORT AWS_ACCESS_KEY_ID=AKIDEMULATOR \
  AWS_SECRET_ACCESS_KEY=emulator-secret AWS_REGION=us-east-1 \
  java -jar "$OPERATOR_JAR" >"$WORK/operator.log" 2>&1 &
PIDS+=($!)
await_url "the operator" "http://127.0.0.1:$OPS_PORT/readyz" 60

say "kubectl apply -f examples/"
kubectl apply -f examples/
expected=$(grep -l '^kind: MultiRegionEndpoint' examples/*.yaml | wc -l)
start=$SECONDS
# a display refreshed every 2 s until every example is Ready (or the timeout)
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

say "exporting global-mail's endpoint into ConfigMap mail/global-mail-ses (spec.export)"
kubectl patch mre global-mail -n mail --type merge -p '{"spec":{"export":{"configMapName":"global-mail-ses"}}}' >/dev/null
start=$SECONDS
until kubectl get configmap global-mail-ses -n mail >/dev/null 2>&1; do
  if (( SECONDS - start > 60 )); then echo "no ConfigMap global-mail-ses after 60 s; see $WORK/operator.log" >&2; exit 1; fi
  sleep 1
done
kubectl get configmap global-mail-ses -n mail -o go-template='{{range $k, $v := .data}}  {{$k}}={{$v}}{{"\n"}}{{end}}'

say "the sending identity demo.example.com, verified in both regions (DNS is not modeled: the emulator's admin API)"
for region in us-east-1 eu-west-1; do
  curl -fsS -o /dev/null --aws-sigv4 "aws:amz:$region:ses" --user AKIDEMULATOR:emulator-secret \
    -H 'Content-Type: application/json' -d '{"EmailIdentity":"demo.example.com"}' \
    "http://127.0.0.1:$SES_PORT/v2/email/identities"
  curl -fsS -o /dev/null -XPOST "http://127.0.0.1:$SES_PORT/_emulator/identity-status" \
    -d "{\"region\":\"$region\",\"identity\":\"demo.example.com\"}"
done

say "send-check with the ConfigMap's values as environment (as envFrom gives them to a pod)"
SEND_ENV=()
while IFS='=' read -r k v; do [[ -n $k ]] && SEND_ENV+=("$k=$v"); done < <(
  kubectl get configmap global-mail-ses -n mail -o go-template='{{range $k, $v := .data}}{{$k}}={{$v}}{{"\n"}}{{end}}')
env "${SEND_ENV[@]}" SES_FROM=demo@demo.example.com SES_ENDPOINT_URL="http://127.0.0.1:$SES_PORT" \
  AWS_ACCESS_KEY_ID=AKIDEMULATOR AWS_SECRET_ACCESS_KEY=emulator-secret \
  java -jar "$OPERATOR_JAR" send-check --subject "ses-mre-operator demo"
ENDPOINT_ID=$(kubectl get configmap global-mail-ses -n mail -o jsonpath='{.data.SES_ENDPOINT_ID}')
say "what the emulator recorded (GET /_emulator/messages?endpointId=$ENDPOINT_ID)"
messages=$(curl -fsS "http://127.0.0.1:$SES_PORT/_emulator/messages?endpointId=$ENDPOINT_ID")
echo "$messages"
grep -q '"subject":"ses-mre-operator demo"' <<<"$messages" \
  || { echo "the emulator did not record the demo message" >&2; exit 1; }

cat <<NEXT

All $expected examples are Ready, and one message went through global-mail's endpoint. Things to try (in another terminal):
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
