# The cluster suite: the chart on a Kubernetes cluster with a node (see e2e/suite/README.md, "The cluster suite").
# Included from the root Makefile; paths are relative to the repository root.
#
#   make cluster-e2e    the operator image (make image, on the Debian base built from Debian packages), the one-node
#                       cluster of e2e/testenv (root; a running one, from make cluster-up, is reused and left
#                       running), then the suite: helm install/upgrade/uninstall, two replicas, crashes, credentials
#   make cluster-bench  1,000 objects through the chart's pod under its default resources and JVM flags; writes the
#                       container's memory figures into docs/benchmarks.md (about 10 minutes; not in make test)
#
# Against another cluster: E2E_KUBECONFIG=<kubeconfig> E2E_IMAGE=<repository:tag, loaded there>
# E2E_EMULATOR_HOST=<this machine's address as pods see it> [E2E_IMAGE_UPGRADE_TAG=<second tag>]
# [E2E_POD_CIDR=<pods' range, default 10.244.0.0/24>] make cluster-e2e (no image is built or loaded then).
# Env: CLUSTER_IMAGE_BASE (default debian; the image build packages the operator jar itself),
# TESTENV_NODE_WORK_DIR (default .work/cluster), CLUSTER_MAX_SECONDS (default 900).

CLUSTER_IMAGE_BASE ?= debian
CLUSTER_MAX_SECONDS ?= 900
CLUSTER_BENCH_OBJECTS ?= 1000
CLUSTER_BENCH_DOC ?= docs/benchmarks.md
# -Dtest selects the suite (the module's surefire configuration excludes it from make e2e)
CLUSTER_MVN_SUITE = $(MVN) -Pe2e -pl e2e/suite verify -Dsurefire.failIfNoSpecifiedTests=false

.PHONY: cluster-e2e cluster-bench cluster-image

cluster-image: # the image archive the suite loads into the node (path on the last line)
	@if [ -n "$$E2E_KUBECONFIG" ]; then echo "E2E_KUBECONFIG set: using E2E_IMAGE=$$E2E_IMAGE, no image built"; \
	else IMAGE_BASE=$(CLUSTER_IMAGE_BASE) MVN="$(MVN)" bash image/build.sh; fi

cluster-e2e: ## the chart on a one-node Kubernetes (root): restricted namespace, HA, upgrade, OOM/force kills, uninstall
	@t0=$$(date +%s); \
	archive=$$($(MAKE) --no-print-directory cluster-image | tail -1) || exit $$?; \
	if [ -z "$$E2E_KUBECONFIG" ]; then bash e2e/testenv/testenv.sh node-build || exit $$?; fi; \
	t1=$$(date +%s); \
	$(CLUSTER_MVN_SUITE) '-Dtest=dev/mre/e2e/cluster/C*Test.java' "-Dcluster.image=$$archive"; rc=$$?; \
	t2=$$(date +%s); \
	echo "make cluster-e2e: suite $$((t2 - t1)) s (target <= $(CLUSTER_MAX_SECONDS) s), image and node build $$((t1 - t0)) s, exit $$rc"; \
	if (( rc == 0 && t2 - t1 > $(CLUSTER_MAX_SECONDS) )); then echo "make cluster-e2e: WARNING: the suite took longer than $(CLUSTER_MAX_SECONDS) s"; fi; \
	exit $$rc

cluster-bench: ## memory of the chart's pod with CLUSTER_BENCH_OBJECTS (1,000) objects; writes docs/benchmarks.md
	@archive=$$($(MAKE) --no-print-directory cluster-image | tail -1) || exit $$?; \
	if [ -z "$$E2E_KUBECONFIG" ]; then bash e2e/testenv/testenv.sh node-build || exit $$?; fi; \
	$(CLUSTER_MVN_SUITE) -Dtest=ClusterMemoryRun "-Dcluster.image=$$archive" \
	  -Dcluster.bench.objects=$(CLUSTER_BENCH_OBJECTS) -Dcluster.bench.doc=$(abspath $(CLUSTER_BENCH_DOC))
