# Local Kubernetes control plane for the e2e tests (see e2e/testenv/README.md).
# Included from the root Makefile; paths are relative to the repository root.
#
#   make testenv-build              build kube-apiserver, etcd, helm, testenv (cached per version)
#   make testenv-up                 start in the background, wait until ready
#   make testenv-down               stop it
#   make testenv-restart-apiserver  restart only kube-apiserver (etcd, port, certs kept)
#   make testenv-status             exit 0 iff ready
#   make testenv-smoke              up + RBAC/CEL/PodSecurity/restart/helm checks
#
# Env: TESTENV_TOOLS_DIR, TESTENV_WORK_DIR, KUBEBUILDER_ASSETS, TESTENV_APISERVER_PORT.
# Default kubeconfig: .work/testenv/kubeconfig (also in .work/testenv/env).

TESTENV_SH ?= e2e/testenv/testenv.sh
TESTENV_KUBECONFIG ?= $(or $(TESTENV_WORK_DIR),$(CURDIR)/.work/testenv)/kubeconfig

.PHONY: testenv-build testenv-up testenv-down testenv-restart-apiserver testenv-status testenv-smoke

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
