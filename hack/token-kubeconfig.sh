#!/usr/bin/env bash
# Writes a kubeconfig that authenticates as a ServiceAccount with a bearer token from `kubectl create token`: how the
# operator's Pod talks to the API server, so that its rights are the chart's RBAC, never the admin's.
#
#   hack/token-kubeconfig.sh <namespace> <serviceaccount> <duration> <output file>
#
# The cluster (server, CA, TLS server name) is the current context's of $KUBECONFIG; <duration> is kubectl's syntax
# (4h, 24h). The file is written with mode 0600; no client certificate is in it. Used by `make demo` (hack/demo.sh)
# and by the Java test harness (e2e/suite, TokenKubeconfig), so both run the operator under the same identity.
# Env: KUBECTL (default kubectl), KUBECONFIG.
set -euo pipefail

if [[ $# -ne 4 ]]; then
  echo "usage: $0 <namespace> <serviceaccount> <duration> <output file>" >&2
  exit 2
fi
NAMESPACE=$1 SA=$2 DURATION=$3 OUT=$4
KUBECTL=${KUBECTL:-kubectl}

# the cluster of the current context, with its CA embedded (--flatten turns a CA file into data)
field() { "$KUBECTL" config view --raw --minify --flatten -o jsonpath="{.clusters[0].cluster.$1}"; }
SERVER=$(field server)
CA=$(field certificate-authority-data)
TLS_NAME=$(field tls-server-name)
INSECURE=$(field insecure-skip-tls-verify)
[[ -n $SERVER ]] || { echo "$0: the current context of KUBECONFIG=${KUBECONFIG:-~/.kube/config} has no cluster server" >&2; exit 1; }

TOKEN=$("$KUBECTL" create token "$SA" -n "$NAMESPACE" --duration="$DURATION")

umask 077
rm -f "$OUT"
{
  echo "apiVersion: v1"
  echo "kind: Config"
  echo "clusters:"
  echo "  - name: cluster"
  echo "    cluster:"
  echo "      server: \"$SERVER\""
  [[ -z $CA ]] || echo "      certificate-authority-data: \"$CA\""
  [[ -z $TLS_NAME ]] || echo "      tls-server-name: \"$TLS_NAME\""
  [[ $INSECURE != true ]] || echo "      insecure-skip-tls-verify: true"
  echo "users:"
  echo "  - name: \"$SA\""
  echo "    user:"
  echo "      token: \"$TOKEN\""
  echo "contexts:"
  echo "  - name: serviceaccount"
  echo "    context: {cluster: cluster, user: \"$SA\", namespace: \"$NAMESPACE\"}"
  echo "current-context: serviceaccount"
} >"$OUT"
echo "$0: wrote $OUT: server $SERVER, ServiceAccount $NAMESPACE/$SA, a bearer token valid for $DURATION, no client certificate" >&2
