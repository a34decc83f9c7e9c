# Helm chart targets (helm/ses-mre-operator). Included from the root Makefile; paths are relative to the
# repository root. helm is the one e2e/testenv builds from Go modules (cached); see e2e/testenv/README.md.
#
#   make helm-test      chart tests: lint, rendering, schema, docs, install into a local kube-apiserver
#   make helm-lint      helm lint --strict with the defaults and every value set of helm/test/values/
#   make helm-template  render the chart with its defaults (HELM_VALUES=helm/test/values/ha.yaml to pick a set)
#   make helm-package   package the chart into .work/helm/ses-mre-operator-<version>.tgz
#
# Env: HELM (a helm binary; default the testenv's), KUBECTL, TESTENV_WORK_DIR, CHART_TEST_SKIP_CLUSTER=1.

CHART_DIR ?= helm/ses-mre-operator
HELM_VALUES ?=
HELM_BIN = $(or $(HELM),$(shell bash e2e/testenv/testenv.sh tools-dir)/helm)

.PHONY: helm-test helm-lint helm-template helm-package helm-tool

helm-test: ## Helm chart tests: lint, rendering, schema, install + PodSecurity + RBAC checks on a local control plane
	@bash helm/test/chart-test.sh

helm-tool:
	@[ -n "$(HELM)" ] || [ -x "$(HELM_BIN)" ] || bash e2e/testenv/testenv.sh build

helm-lint: helm-tool ## helm lint --strict of the chart, with the defaults and every helm/test/values/*.yaml
	@"$(HELM_BIN)" lint --strict $(CHART_DIR)
	@for f in helm/test/values/*.yaml; do echo "--- $$f"; "$(HELM_BIN)" lint --strict --quiet $(CHART_DIR) -f "$$f" || exit 1; done

helm-template: helm-tool ## render the chart (HELM_VALUES=<values file> to choose a value set)
	@"$(HELM_BIN)" template ses-mre-operator $(CHART_DIR) --namespace ses-mre-system $(if $(HELM_VALUES),-f $(HELM_VALUES))

helm-package: helm-tool ## package the chart into .work/helm/
	@mkdir -p .work/helm && "$(HELM_BIN)" package $(CHART_DIR) --destination .work/helm
