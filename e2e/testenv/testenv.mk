# Local Kubernetes control plane for the e2e tests (see e2e/testenv/README.md).
# Included from the root Makefile; paths are relative to the repository root.
#
#   make testenv-build              build kube-apiserver, etcd, helm, testenv (cached per version)
#   make testenv-up                 start in the background, wait until ready
#   make testenv-down               stop it
#   make testenv-restart-apiserver  restart only kube-apiserver (etcd, port, certs kept)
#   make testenv-status             exit 0 iff ready
#   make testenv-smoke              up + RBAC/CEL/PodSecurity/restart/helm checks
#   make cluster-up                 one-node cluster (root): + controller-manager, scheduler, kubelet, kube-proxy,
#                                   containerd; last line KUBECONFIG=<path>
#   make cluster-down               stop it, undo its bridge, iptables chains, cgroups, mounts (also after a crash)
#   make cluster-status             exit 0 iff the one-node cluster is ready
#
# Env: TESTENV_TOOLS_DIR, TESTENV_WORK_DIR, KUBEBUILDER_ASSETS, TESTENV_APISERVER_PORT.
# Default kubeconfig: .work/testenv/kubeconfig (also in .work/testenv/env).

TESTENV_SH ?= e2e/testenv/testenv.sh
TESTENV_KUBECONFIG ?= $(or $(TESTENV_WORK_DIR),$(CURDIR)/.work/testenv)/kubeconfig

.PHONY: testenv-build testenv-up testenv-down testenv-restart-apiserver testenv-status testenv-smoke \
	cluster-up cluster-down cluster-status

testenv-build:
	@bash $(TESTENV_SH) build

testenv-up:
	@bash $(TESTENV_SH) up

testenv-down:
	@bash $(TESTENV_SH) down

testenv-restart-apiserver:
	@bash $(TESTENV_SH) restart-apiserver

testenv-status:
	@bash $(TESTENV_SH) status

testenv-smoke:
	@bash e2e/testenv/smoke-test.sh

cluster-up: ## one-node Kubernetes (root): kubelet, kube-proxy, scheduler, controller-manager, containerd; prints KUBECONFIG=
	@bash $(TESTENV_SH) node-up

cluster-down: ## stop the one-node cluster and undo what it did to the machine (bridge, iptables, cgroups, mounts)
	@bash $(TESTENV_SH) node-down

cluster-status: ## exit 0 iff the one-node cluster is running and ready
	@bash $(TESTENV_SH) node-status

# The Kubernetes version matrix (e2e/testenv/matrix.sh; README "Kubernetes versions"): the oldest and the newest
# kube-apiserver of the supported range, built alone from the k8s.io/kubernetes module (+ the etcd each pins)
.PHONY: k8s-matrix-build k8s-matrix

k8s-matrix-build: ## kube-apiserver (+ etcd) of the matrix's versions (1.32, 1.37), cached per version
	@bash e2e/testenv/matrix.sh build

k8s-matrix: ## admission suite + short lifecycle against kube-apiserver 1.32 and 1.37, a control plane each
	@bash e2e/testenv/matrix.sh test
