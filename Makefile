# ses-mre-operator: the front door. `make help` lists the targets.
SHELL := /bin/bash
MVN ?= ./mvnw -B -ntp
REPO := $(abspath .)
# kubectl and helm of the pinned Kubernetes release, built by e2e/testenv (make testenv-build), come first on PATH
TESTENV_TOOLS := $(shell bash e2e/testenv/testenv.sh tools-dir 2>/dev/null)
export PATH := $(TESTENV_TOOLS):$(PATH)

.PHONY: help build test unit generate crds clean demo demo-test

# The suites of `make test` that need a Kubernetes API server share one control plane, started once in this folder
# and stopped at the end (also on failure or Ctrl-C): each suite uses its own namespaces and Helm release, cleans
# up after itself and leaves the API server healthy (see e2e/suite/README.md). They run one after the other.
SHARED_TESTENV := $(REPO)/.work/testenv-shared
CLUSTER_SUITES := helm-test e2e demo-test perf-smoke monitoring-e2e soak-smoke
TEST_TIMES := $(REPO)/.work/make-test-times.txt

help: ## list targets
	@grep -hE '^[a-zA-Z0-9_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

build: ## compile and package the operator jar and the SES emulator jar (no tests)
	$(MVN) -DskipTests package

unit: ## unit, emulator-conformance and reconciler tests (Maven: every module's tests, CRD drift check)
	$(MVN) verify

test: ## every test the project has; the cluster suites share one control plane
	@mkdir -p $(REPO)/.work && : > $(TEST_TIMES)
	@# unit (./mvnw verify) also packages the jars the cluster suites run: they do not build them again
	@$(MAKE) --no-print-directory timed-unit timed-gitops-test timed-testenv-build timed-argocd-build timed-monitoring-test \
	  timed-k8s-matrix-build
	@TESTENV_WORK_DIR=$(SHARED_TESTENV) bash e2e/testenv/testenv.sh with \
	  $(MAKE) --no-print-directory $(addprefix timed-,$(CLUSTER_SUITES)) E2E_BUILD=false PERF_BUILD=false DEMO_BUILD=false \
	  MONITORING_BUILD=false
	@# the admission suite and a short lifecycle on the oldest and the newest kube-apiserver: a control plane each
	@$(MAKE) --no-print-directory timed-k8s-matrix
	@# ArgoCD installs itself cluster-wide and starts from a cluster without the CRD: a control plane of its own
	@$(MAKE) --no-print-directory timed-gitops-e2e GITOPS_E2E_BUILD=false
	@# the chart on a real node: its own one-node cluster (e2e/testenv node mode, root), started and stopped by the suite
	@$(MAKE) --no-print-directory timed-cluster-e2e
	@echo "make test: all suites passed"; sed 's/^/  /' $(TEST_TIMES)

timed-%: # make <target>, its duration appended to $(TEST_TIMES)
	@t0=$$(date +%s); $(MAKE) --no-print-directory $*; rc=$$?; \
	  printf '%-14s %5d s%s\n' "$*" $$(( $$(date +%s) - t0 )) "$$( ((rc)) && echo "  FAILED (exit $$rc)")" >> $(TEST_TIMES); exit $$rc

generate: ## regenerate what is generated from the Java model: crds/, the chart's crds/, README's settings table
	$(MVN) -pl operator -am -DskipTests install -q
	$(MVN) -pl operator test -Dtest='CrdDriftTest,SettingsTableTest' -Dcrd.update=true -Dsettings.update=true \
	  -Dsurefire.failIfNoSpecifiedTests=false

crds: generate ## the same as make generate

demo: ## local control plane + SES emulator + operator; applies examples/ and shows them becoming Ready
	@bash hack/demo.sh

demo-test: ## runs the demo unattended: exits 0 once every example is Ready (TESTENV_WORK_DIR: on that control plane)
	@mkdir -p $(REPO)/.work && DEMO_KEEP_RUNNING=false DEMO_WORK_DIR=$(REPO)/.work/demo-test bash hack/demo.sh \
	  > $(REPO)/.work/demo-test.log 2>&1 || { tail -50 $(REPO)/.work/demo-test.log; exit 1; }
	@echo "demo-test: all examples Ready, one message sent through an endpoint with send-check"

clean: ## remove build output
	$(MVN) -q clean

-include e2e/testenv/testenv.mk
-include image/image.mk
-include helm/chart.mk
-include gitops/gitops.mk
-include e2e/suite/e2e.mk
-include e2e/suite/perf.mk
-include e2e/argocd/argocd.mk
-include e2e/suite/cluster.mk
-include e2e/monitoring/monitoring.mk
