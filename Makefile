# ses-mre-operator: the front door. `make help` lists the targets.
SHELL := /bin/bash
MVN ?= ./mvnw -B -ntp
REPO := $(abspath .)
# kubectl and helm of the pinned Kubernetes release, built by e2e/testenv (make testenv-build), come first on PATH
TESTENV_TOOLS := $(shell bash e2e/testenv/testenv.sh tools-dir 2>/dev/null)
export PATH := $(TESTENV_TOOLS):$(PATH)

.PHONY: help build test unit generate crds clean demo demo-test

help: ## list targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

build: ## compile and package the operator jar and the SES emulator jar (no tests)
	$(MVN) -DskipTests package

unit: ## unit, emulator-conformance and reconciler tests (Maven: every module's tests, CRD drift check)
	$(MVN) verify

test: ## every test the project has
	$(MAKE) unit
	$(MAKE) gitops-test
	$(MAKE) helm-test
	$(MAKE) e2e
	$(MAKE) demo-test
	$(MAKE) perf-smoke
	@echo "make test: all suites passed"

generate: ## regenerate what is generated from the Java model: crds/, the chart's crds/, README's settings table
	$(MVN) -pl operator -am -DskipTests install -q
	$(MVN) -pl operator test -Dtest='CrdDriftTest,SettingsTableTest' -Dcrd.update=true -Dsettings.update=true \
	  -Dsurefire.failIfNoSpecifiedTests=false

crds: generate ## the same as make generate

demo: ## local control plane + SES emulator + operator; applies examples/ and shows them becoming Ready
	@bash hack/demo.sh

demo-test: ## runs the demo unattended: exits 0 once every example is Ready
	@DEMO_KEEP_RUNNING=false DEMO_WORK_DIR=$(REPO)/.work/demo-test bash hack/demo.sh > $(REPO)/.work/demo-test.log 2>&1 \
	  || { tail -50 $(REPO)/.work/demo-test.log; exit 1; }
	@echo "demo-test: all examples Ready"

clean: ## remove build output
	$(MVN) -q clean

-include e2e/testenv/testenv.mk
-include helm/chart.mk
-include gitops/gitops.mk
-include e2e/suite/e2e.mk
-include e2e/suite/perf.mk
