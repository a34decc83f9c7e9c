# ses-mre-operator: the front door. `make help` lists the targets.
SHELL := /bin/bash
MVN ?= ./mvnw -B -ntp
REPO := $(abspath .)

.PHONY: help build test unit crds clean

help: ## list targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

build: ## compile and package the operator jar and the SES emulator jar (no tests)
	$(MVN) -DskipTests package

unit: ## unit, emulator-conformance and reconciler tests (Maven: every module's tests, CRD drift check)
	$(MVN) verify

test: unit ## every test the project has
	@echo "make test: all suites passed"

crds: ## regenerate crds/ and the chart's crds/ from the Java model
	$(MVN) -pl operator -am -DskipTests install -q
	$(MVN) -pl operator test -Dtest=CrdDriftTest -Dcrd.update=true -Dsurefire.failIfNoSpecifiedTests=false

clean: ## remove build output
	$(MVN) -q clean

-include e2e/testenv/testenv.mk
