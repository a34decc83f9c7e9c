# ArgoCD as local processes and the gitops-e2e suite (see e2e/argocd/README.md). Included from the root Makefile;
# paths are relative to the repository root.
#
#   make argocd-build      build the pinned ArgoCD's `argocd` binary and the helm v4 its image ships, from Go modules
#                          (cached per version), install redis-server with apt-get when missing
#   make gitops-e2e        jars + control-plane binaries + ArgoCD (all cached) + the suite: ArgoCD syncs the chart and
#                          examples/ from a local Git repository, with the SES emulator and the operator
#   make gitops-e2e-suite  the suite only (everything built)
#
# Env: GITOPS_E2E_BUILD=false skips the builds (make test builds once); GITOPS_TESTENV_WORK_DIR (the suite's own
# control plane, default .work/testenv-gitops-e2e: the suite starts from a cluster without the CRD and installs
# ArgoCD cluster-wide, so it never runs on the control plane the other suites share); GITOPS_E2E_MAX_SECONDS
# (default 600; a warning, not a failure, when the suite takes longer).

GITOPS_MVN ?= ./mvnw -B -ntp
GITOPS_E2E_BUILD ?= true
GITOPS_E2E_MAX_SECONDS ?= 600
GITOPS_TESTENV_WORK_DIR ?= $(CURDIR)/.work/testenv-gitops-e2e
# the suite's areas; e2e/suite's POM leaves them out of every other run
GITOPS_E2E_TESTS := dev.mre.e2e.gitops.G*Test
GITOPS_E2E_RUN = TESTENV_WORK_DIR=$(GITOPS_TESTENV_WORK_DIR) E2E_KUBECONFIG= \
	$(GITOPS_MVN) -pl e2e/suite verify -Dtest='$(GITOPS_E2E_TESTS)' -Dsurefire.failIfNoSpecifiedTests=true

.PHONY: argocd-build gitops-e2e gitops-e2e-suite

argocd-build: ## build ArgoCD (application controller, repo server) and its helm from Go modules; cached per version
	@bash e2e/argocd/argocd.sh build

gitops-e2e: ## ArgoCD built from source syncs the chart and examples/ from Git: sync, health, drift, prune, Helm
	@t0=$$(date +%s); \
	if [ "$(GITOPS_E2E_BUILD)" = true ]; then \
	  $(GITOPS_MVN) -q -DskipTests package || exit $$?; \
	  bash e2e/testenv/testenv.sh build || exit $$?; \
	  bash e2e/argocd/argocd.sh build || exit $$?; \
	fi; \
	t1=$$(date +%s); \
	$(GITOPS_E2E_RUN); rc=$$?; \
	t2=$$(date +%s); \
	echo "make gitops-e2e: suite $$((t2 - t1)) s (target <= $(GITOPS_E2E_MAX_SECONDS) s), total $$((t2 - t0)) s, exit $$rc"; \
	if (( rc == 0 && t2 - t1 > $(GITOPS_E2E_MAX_SECONDS) )); then echo "make gitops-e2e: WARNING: the suite took longer than $(GITOPS_E2E_MAX_SECONDS) s"; fi; \
	exit $$rc

gitops-e2e-suite: ## the gitops-e2e suite only (jars, e2e/testenv and ArgoCD already built)
	@t1=$$(date +%s); \
	$(GITOPS_E2E_RUN); rc=$$?; \
	echo "make gitops-e2e-suite: $$(( $$(date +%s) - t1 )) s, exit $$rc"; \
	exit $$rc
