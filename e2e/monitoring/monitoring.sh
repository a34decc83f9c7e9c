#!/usr/bin/env bash
# The chart's alerts and dashboard, checked with Prometheus' own tools (see README.md). promtool and prometheus are
# built from the Prometheus Go module pinned in e2e/testenv/tools/prometheus/go.mod, with hack/lib/go-build.sh.
#
#   monitoring.sh build          build promtool and prometheus (cached per version + go.mod/go.sum hash)
#   monitoring.sh test           render the chart with the rules and the dashboard enabled; promtool check rules on
#                                the rendered PrometheusRule; promtool test rules (rules-test.yaml); every PromQL
#                                expression of the rules and the dashboard parsed by Prometheus' parser
#   monitoring.sh render <dir>   the chart with both enabled, into <dir>/{prometheusrule,dashboard,rules}.yaml
#   monitoring.sh prometheus-up <target host:port> <work dir> [rule file]   prometheus on 127.0.0.1 scraping the
#                                target every 2 s, evaluating the rule file; stdout: its base URL
#   monitoring.sh prometheus-down <work dir>
#   monitoring.sh tools-dir      print the folder holding the binaries
#
# Env: GO, MONITORING_TOOLS_DIR, MONITORING_NICE (15), HELM (default: e2e/testenv's). Progress goes to stderr.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
MOD_DIR="$REPO/e2e/testenv/tools/prometheus"
PROM_MODULE=github.com/prometheus/prometheus
PROM_VERSION="$(awk -v m="$PROM_MODULE" '$1 == m && $2 ~ /^v/ { print $2; exit }' "$MOD_DIR/go.mod")"
[[ -n "$PROM_VERSION" ]] || { echo "monitoring: ERROR: no $PROM_MODULE version in $MOD_DIR/go.mod" >&2; exit 1; }
# module v0.316.0 is Prometheus 3.16.0 (the module's major stays 0; its minor is 300 + the release's minor)
PROM_RELEASE="$(v="${PROM_VERSION#v0.}"; echo "$(( ${v%%.*} / 100 )).$(( ${v%%.*} % 100 )).${v#*.}")"
TOOLS_DIR="${MONITORING_TOOLS_DIR:-$REPO/.tools/monitoring/prometheus-$PROM_RELEASE/bin}"
NICE="${MONITORING_NICE:-15}"
# no service discovery but static targets: the other SD plugins (cloud SDKs) are left out of both binaries
BUILD_TAGS=remove_all_sd
CHART="$REPO/helm/ses-mre-operator"

log() { echo "monitoring: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# shellcheck source=../../hack/lib/go-build.sh
source "$REPO/hack/lib/go-build.sh"
# shellcheck source=../../hack/lib/debian-packages.sh
source "$REPO/hack/lib/debian-packages.sh"

cmd_build() {
  mkdir -p "$TOOLS_DIR/.stamps"
  exec 9>"$TOOLS_DIR/.lock"
  flock 9 2>/dev/null || true
  local key name t0 built=0
  t0=$(secs)
  key="$(build_key "$PROM_VERSION $BUILD_TAGS" "$MOD_DIR/go.mod" "$MOD_DIR/go.sum")"
  for name in promtool prometheus; do
    is_built "$name" "$key" && continue
    GOBIN_="${GOBIN_:-$(go_cmd "building promtool and prometheus needs Go 1.26 or newer")}"
    local commit date v=github.com/prometheus/common/version
    commit="$(mod_commit "$MOD_DIR" "$PROM_MODULE" "$PROM_VERSION")"
    date="$(mod_time "$MOD_DIR" "$PROM_MODULE")"
    # as Prometheus' promu build: version, revision, branch, build date
    GOFLAGS="${GOFLAGS:-} -tags=$BUILD_TAGS" go_build "$name" "$MOD_DIR" "$PROM_MODULE/cmd/$name" "$PROM_VERSION" "$key" \
      "-s -w -X $v.Version=$PROM_RELEASE -X $v.Revision=$commit -X $v.Branch=release -X $v.BuildUser=ses-mre \
-X $v.BuildDate=${date:-19700101-00:00:00}" "first time, a few minutes"
    built=1
  done
  (( built )) && log "build done in $(( $(secs) - t0 ))s: $TOOLS_DIR"
  exec 9>&-
}

helm_cmd() { # the testenv's helm (built when missing), or $HELM
  if [[ -z "${HELM:-}" ]]; then
    HELM="$(bash "$REPO/e2e/testenv/testenv.sh" tools-dir)/helm"
    [[ -x "$HELM" ]] || bash "$REPO/e2e/testenv/testenv.sh" build >&2
  fi
  [[ -x "$HELM" ]] || die "no helm at $HELM"
}

# render <out dir>: the chart with the rules and the dashboard enabled, as the release ses-mre-operator in
# ses-mre-system (the names e2e/monitoring/rules-test.yaml expects), into <out dir>/{prometheusrule,dashboard}.yaml and
# the rule file <out dir>/rules.yaml (the PrometheusRule's spec, which is a Prometheus rule file)
render() {
  local out="$1" t=("$HELM" template ses-mre-operator "$CHART" --namespace ses-mre-system
    --set image.repository=registry.example.com/ses-mre-operator
    --set metrics.prometheusRule.enabled=true --set metrics.grafanaDashboard.enabled=true)
  "${t[@]}" --show-only templates/prometheusrule.yaml >"$out/prometheusrule.yaml"
  "${t[@]}" --show-only templates/grafana-dashboard.yaml >"$out/dashboard.yaml"
  # everything under "spec:", one level less indented
  sed -n '/^spec:$/,$p' "$out/prometheusrule.yaml" | tail -n +2 | sed 's/^  //' >"$out/rules.yaml"
  grep -q '^groups:' "$out/rules.yaml" || die "no spec.groups in the rendered PrometheusRule ($out/prometheusrule.yaml)"
}

cmd_test() {
  cmd_build
  helm_cmd
  local work="$REPO/.work/monitoring/test" t0 fails=0
  t0=$(secs)
  rm -rf "$work" && mkdir -p "$work"
  render "$work"
  local promtool="$TOOLS_DIR/promtool"
  log "promtool check rules: the rendered PrometheusRule"
  "$promtool" check rules "$work/rules.yaml" >&2 || fails=$((fails + 1))
  log "promtool test rules: $HERE/rules-test.yaml"
  cp "$HERE/rules-test.yaml" "$work/rules-test.yaml"
  "$promtool" test rules "$work/rules-test.yaml" >&2 || fails=$((fails + 1))
  # every alert tested firing and not firing, and documented; the dashboard's expressions as recording rules for
  # promtool, which parses each with Prometheus' parser and names the one that does not parse
  python3 "$HERE/exprs.py" check --rules "$work/rules.yaml" --tests "$HERE/rules-test.yaml" \
    --runbooks "$REPO/docs/operations.md" --dashboard "$CHART/dashboards/ses-mre-operator.json" \
    --configmap "$work/dashboard.yaml" --recording-rules "$work/dashboard-rules.yaml" >&2 || fails=$((fails + 1))
  log "promtool check rules: every expression of the dashboard (as recording rules)"
  "$promtool" check rules --lint=none "$work/dashboard-rules.yaml" >&2 || fails=$((fails + 1))
  (( fails == 0 )) || die "$fails of the monitoring checks failed (work dir $work)"
  log "all monitoring checks passed in $(( $(secs) - t0 ))s"
}

# prometheus-up <target host:port> <work dir> [rule file]: prometheus on a free port of 127.0.0.1, scraping the target
# every 2 s as job ses-mre-operator in namespace ses-mre-system (the labels the rendered rules select), evaluating the
# rule file; waits until ready; stdout: its base URL
cmd_prometheus_up() {
  local target="${1:?prometheus-up <target host:port> <work dir> [rule file]}" work="${2:?work dir}" rules="${3:-}"
  cmd_build
  # curl for the readiness wait; gnuplot for plot.py, which draws the dashboard's panels from this Prometheus
  ensure_debian_packages "Prometheus for the e2e run and its plot (e2e/monitoring)" curl=curl gnuplot=gnuplot-nox || exit 1
  rm -rf "$work/data" && mkdir -p "$work/data"
  local port
  port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  {
    echo "global: {scrape_interval: 2s, evaluation_interval: 2s}"
    [[ -n "$rules" ]] && echo "rule_files: ['$rules']"
    echo "scrape_configs:"
    echo "  - job_name: ses-mre-operator"
    echo "    static_configs: [{targets: ['$target'], labels: {namespace: ses-mre-system}}]"
  } >"$work/prometheus.yml"
  "$TOOLS_DIR/promtool" check config "$work/prometheus.yml" >&2 || die "invalid $work/prometheus.yml"
  nohup "$TOOLS_DIR/prometheus" --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/data" \
    --web.listen-address="127.0.0.1:$port" --storage.tsdb.retention.time=1d >"$work/prometheus.log" 2>&1 &
  echo $! >"$work/prometheus.pid"
  local i
  for i in $(seq 1 60); do
    if curl -fsS "http://127.0.0.1:$port/-/ready" >/dev/null 2>&1; then
      log "prometheus ready on 127.0.0.1:$port (pid $(cat "$work/prometheus.pid"), log $work/prometheus.log)"
      echo "http://127.0.0.1:$port"
      return 0
    fi
    kill -0 "$(cat "$work/prometheus.pid")" 2>/dev/null || { tail -20 "$work/prometheus.log" >&2; die "prometheus exited"; }
    sleep 0.5
  done
  die "prometheus not ready within 30 s (log $work/prometheus.log)"
}

cmd_prometheus_down() {
  local work="${1:?prometheus-down <work dir>}" pid
  [[ -f "$work/prometheus.pid" ]] || return 0
  pid="$(cat "$work/prometheus.pid")"
  if kill "$pid" 2>/dev/null; then
    local i
    for i in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$work/prometheus.pid"
}

case "${1:-}" in
  build) cmd_build ;;
  prometheus-up) shift; cmd_prometheus_up "$@" ;;
  prometheus-down) shift; cmd_prometheus_down "$@" ;;
  test) cmd_test ;;
  render) helm_cmd; mkdir -p "${2:?render <out dir>}"; render "$2" ;;
  tools-dir) echo "$TOOLS_DIR" ;;
  versions) echo "prometheus $PROM_RELEASE (module $PROM_VERSION)" ;;
  *) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}" >&2; exit 2 ;;
esac
