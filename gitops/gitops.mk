# GitOps targets. Included from the root Makefile; paths are relative to the repository root.
#
#   make gitops-test   the ArgoCD health check (gitops/argocd/ses.mre.dev/MultiRegionEndpoint/health.lua) against
#                      every case of its health_test.yaml, run with gopher-lua as ArgoCD's own harness does, plus
#                      the check that docs/gitops.md carries the same script
#
# Env: GO (a Go toolchain, 1.24 or newer; default go on the PATH).

GITOPS_GO ?= $(or $(GO),$(shell command -v go 2>/dev/null))
# a clear error, at use, when there is none
GITOPS_GO_CHECK = @[ -n "$(GITOPS_GO)" ] || { echo "no Go toolchain: install Go 1.24 or newer (https://go.dev/dl/) and put it on PATH, or set GO" >&2; exit 1; }

.PHONY: gitops-test

gitops-test: ## ArgoCD health.lua tests (gopher-lua, every health_test.yaml case; docs snippet in sync)
	$(GITOPS_GO_CHECK)
	cd gitops/argocd/test && nice -n 15 "$(GITOPS_GO)" test -count=1 ./...

# kstatus of live objects (sigs.k8s.io/cli-utils, what Flux and kstatus-based tools compute); the e2e suite
# runs it against the real control plane. Built from gitops/kstatus into .tools/kstatus/kstatus.
KSTATUS_BIN := $(CURDIR)/.tools/kstatus/kstatus

.PHONY: kstatus-tool
kstatus-tool: ## build the kstatus checker used by the e2e suite
	$(GITOPS_GO_CHECK)
	@mkdir -p .tools/kstatus && cd gitops/kstatus && nice -n 15 "$(GITOPS_GO)" build -trimpath -o "$(KSTATUS_BIN)" .
