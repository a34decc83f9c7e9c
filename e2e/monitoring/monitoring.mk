# The chart's alerts and dashboard checked with Prometheus' own tools (see e2e/monitoring/README.md). Included from
# the root Makefile; paths are relative to the repository root.
#
#   make monitoring-build  promtool and prometheus from the Prometheus Go module (cached per version)
#   make monitoring-test   promtool check rules + promtool test rules on the rendered chart; every PromQL
#                          expression of the rules and the dashboard parsed by Prometheus' parser (no cluster)
#   make monitoring-e2e    a real Prometheus on 127.0.0.1 scrapes the operator process while objects are reconciled
#                          under SES faults: every expression returns series; the dashboard's key panels as a PNG
#                          (MONITORING_PNG, default .work/monitoring/e2e/dashboard.png; docs/dashboard.png is one)
#
# Env: MONITORING_BUILD=false skips building the jars (make test builds them once); TESTENV_WORK_DIR (a running
# control plane to use, as the other suites).

MONITORING_MVN ?= ./mvnw -B -ntp
MONITORING_BUILD ?= true
MONITORING_PNG ?= $(CURDIR)/.work/monitoring/e2e/dashboard.png
MONITORING_EXTRA ?=

.PHONY: monitoring-build monitoring-test monitoring-e2e

monitoring-build: ## promtool and prometheus, built from the Prometheus Go module (cached per version)
	@bash e2e/monitoring/monitoring.sh build

monitoring-test: ## promtool check/test rules on the rendered chart; the rules' and dashboard's PromQL parsed
	@bash e2e/monitoring/monitoring.sh test

monitoring-e2e: ## a real Prometheus scrapes the operator under load: every alert/dashboard expression has series
ifeq ($(MONITORING_BUILD),true)
	$(MONITORING_MVN) -q -DskipTests package
endif
	@bash e2e/monitoring/monitoring.sh build
	$(MONITORING_MVN) -f e2e/suite/pom.xml test -Dtest=MonitoringRun -Dsurefire.failIfNoSpecifiedTests=true \
	  -Dmonitoring.png=$(MONITORING_PNG) $(MONITORING_EXTRA)
