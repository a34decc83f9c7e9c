# ArgoCD as local processes and the gitops-e2e suite (see e2e/argocd/README.md). Included from the root Makefile;
# paths are relative to the repository root.
#
#   make argocd-build   build the pinned ArgoCD's `argocd` binary from its Go module (cached), install redis-server
#                       with apt-get when missing
#   make gitops-e2e     jars + control-plane binaries + ArgoCD (all cached) + the suite: ArgoCD syncs the chart and
#                       examples/ from a local Git repository, with the SES emulator and the operator
#
# Env: GITOPS_E2E_MAX_SECONDS (default 600; a warning, not a failure, when the suite takes longer), ARGOCD_TOOLS_DIR.

GITOPS_MVN ?= ./mvnw -B -ntp
GITOPS_E2E_MAX_SECONDS ?= 600
# the suite's classes; surefire excludes them from a plain `make e2e`
GITOPS_E2E_TESTS := dev.mre.e2e.gitops.G*Test

.PHONY: argocd-build gitops-e2e gitops-e2e-suite

argocd-build: ## build ArgoCD (application controller, repo server) from its Go module; cached per version
	@bash e2e/argocd/argocd.sh build

gitops-e2e: ## ArgoCD built from source syncs the chart and examples/ from Git: sync, health, drift, prune, Helm
	@t0=$$(date +%s); \
	$(GITOPS_MVN) -DskipTests install || exit $$?; \
	bash e2e/testenv/testenv.sh build || exit $$?; \
	bash e2e/argocd/argocd.sh build || exit $$?; \
	t1=$$(date +%s); \
	$(GITOPS_MVN) -f e2e/suite/pom.xml verify -Dtest='$(GITOPS_E2E_TESTS)'; rc=$$?; \
	t2=$$(date +%s); \
	echo "make gitops-e2e: suite $$((t2 - t1)) s (target <= $(GITOPS_E2E_MAX_SECONDS) s), total $$((t2 - t0)) s, exit $$rc"; \
	if (( rc == 0 && t2 - t1 > $(GITOPS_E2E_MAX_SECONDS) )); then echo "make gitops-e2e: WARNING: the suite took longer than $(GITOPS_E2E_MAX_SECONDS) s"; fi; \
	exit $$rc

gitops-e2e-suite: ## the gitops-e2e suite only (jars, e2e/testenv and ArgoCD already built)
	@t1=$$(date +%s); \
	$(GITOPS_MVN) -f e2e/suite/pom.xml verify -Dtest='$(GITOPS_E2E_TESTS)'; rc=$$?; \
	echo "make gitops-e2e-suite: $$(( $$(date +%s) - t1 )) s, exit $$rc"; \
	exit $$rc
