# End-to-end suite (see e2e/suite/README.md). Included from the root Makefile (-include e2e/suite/e2e.mk);
# also usable alone: make -f e2e/suite/e2e.mk e2e. Paths are relative to the repository root.
#
#   make e2e          jars (no tests) + control-plane binaries (cached) + the suite; prints how long it took
#   make e2e-suite    the suite only (jars and testenv already built)
#
# Env: E2E_BUILD=false skips building the jars and the control plane (make test builds them once);
# TESTENV_WORK_DIR (a running control plane there is reused and left running, else one is started there and stopped;
# default .work/testenv-e2e), E2E_KUBECONFIG (run against that cluster instead), KUBECTL, HELM,
# E2E_MAX_SECONDS (default 600).

SHELL := /bin/bash
MVN ?= ./mvnw -B -ntp
E2E_MAX_SECONDS ?= 600
E2E_BUILD ?= true

.PHONY: e2e e2e-suite

e2e: ## end-to-end suite: real control plane, SES emulator, operator as a process under its ServiceAccount
	@t0=$$(date +%s); \
	if [ "$(E2E_BUILD)" = true ]; then \
	  $(MVN) -q -DskipTests package || exit $$?; \
	  bash e2e/testenv/testenv.sh build || exit $$?; \
	fi; \
	t1=$$(date +%s); \
	$(MVN) -Pe2e -pl e2e/suite verify; rc=$$?; \
	t2=$$(date +%s); \
	echo "make e2e: suite $$((t2 - t1)) s (target <= $(E2E_MAX_SECONDS) s warm), total $$((t2 - t0)) s, exit $$rc"; \
	if (( rc == 0 && t2 - t1 > $(E2E_MAX_SECONDS) )); then echo "make e2e: WARNING: the suite took longer than $(E2E_MAX_SECONDS) s"; fi; \
	exit $$rc

e2e-suite: ## the end-to-end suite only (jars and e2e/testenv already built)
	@t1=$$(date +%s); \
	$(MVN) -Pe2e -pl e2e/suite verify; rc=$$?; \
	echo "make e2e-suite: $$(( $$(date +%s) - t1 )) s, exit $$rc"; \
	exit $$rc
