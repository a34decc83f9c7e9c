# Benchmarks and chaos tests of the operator against the local control plane and the SES emulator.
# Included from the root Makefile (paths are relative to the repository root). Results: docs/benchmarks.md,
# docs/reliability.md (full runs); e2e/suite/target/{bench,chaos}/ (smoke runs and raw JSON of every run).
#
#   make bench          N=500 objects, 3 runs x 2 modes (operator-wide adaptive limiting on / off) + the resync
#                       steady state; writes docs/benchmarks.md (the section for that N). ~45-60 min.
#   make bench-smoke    20 objects, 1 run per mode + a short steady state; report in e2e/suite/target/bench/smoke/
#   make chaos          200 objects under SES faults, 5 SIGKILLs of the leader, 1 kube-apiserver restart, two
#                       replicas with leader election; writes docs/reliability.md. ~10 min.
#   make chaos-smoke    the same with 30 objects; report in e2e/suite/target/chaos/smoke/
#   make perf-smoke     bench-smoke + chaos-smoke (what `make test` runs)
#
# Knobs: BENCH_OBJECTS BENCH_RUNS BENCH_RATE BENCH_CREATE_DELAY BENCH_MODES BENCH_STEADY, CHAOS_OBJECTS CHAOS_SEED,
# PERF_BUILD=false skips building the jars and the control plane (make test builds them once).
# Control plane: each run starts a fresh one of its own (.work/testenv-bench-<variant>, .work/testenv-chaos-<variant>)
# and stops it, unless TESTENV_WORK_DIR names a running one (make test shares one across its suites) or
# E2E_KUBECONFIG names a cluster (no apiserver restart there: the chaos run needs a testenv).

PERF_MVN ?= ./mvnw -B -ntp
PERF_POM ?= e2e/suite/pom.xml
PERF_TARGET ?= e2e/suite/target
PERF_BUILD ?= true

BENCH_OBJECTS ?= 500
BENCH_RUNS ?= 3
BENCH_RATE ?= 10
BENCH_CREATE_DELAY ?= 3s
BENCH_MODES ?= adaptive per-object
BENCH_STEADY ?= true
BENCH_DOC ?= docs/benchmarks.md
BENCH_SMOKE_OBJECTS ?= 20
# extra words in the report's section name (one section per object count and label)
BENCH_SECTION ?=
# extra -D settings for every run, e.g. -Dbench.timeout=20m (see BenchmarkRun / ChaosSettings)
BENCH_EXTRA ?=
CHAOS_EXTRA ?=

CHAOS_OBJECTS ?= 200
CHAOS_SMOKE_OBJECTS ?= 30
CHAOS_SEED ?= 20261125
CHAOS_DOC ?= docs/reliability.md

# the test classes are named so that surefire's default includes (*Test, Test*, *Tests, *TestCase) never pick
# them up in a plain e2e run (and carry @Tag("bench") / @Tag("chaos")); here they are selected explicitly, and a
# selection that matches nothing fails the build
PERF_SUREFIRE :=

.PHONY: perf-build bench bench-smoke chaos chaos-smoke perf-smoke

perf-build: ## jars (Maven) and the local control plane (Go), both cached when up to date
ifeq ($(PERF_BUILD),true)
	$(PERF_MVN) -q -DskipTests package
	bash e2e/testenv/testenv.sh build
endif

OPERATOR_JAR := operator/target/ses-mre-operator-all.jar
EMULATOR_JAR := e2e/ses-emulator/target/ses-emulator-all.jar
# the runs use copies of the jars taken at the start, so that a rebuild meanwhile cannot mix two builds
snapshot_jars = mkdir -p $(1) && cp -p $(OPERATOR_JAR) $(1)/operator.jar && cp -p $(EMULATOR_JAR) $(1)/emulator.jar

# $(call bench_runs,variant,objects,runs,doc,extra -D flags): one Maven invocation per run (no surefire fork timeout can cut a
# long benchmark), modes interleaved so that machine noise spreads evenly, then the report.
define bench_runs
	@set -u; rc=0; results=$(abspath $(PERF_TARGET))/bench/$(1)/N$(2); rm -rf "$$results"; mkdir -p "$$results"; \
	$(call snapshot_jars,$(abspath $(PERF_TARGET))/bench/$(1)/jars); \
	for run in $$(seq 1 $(3)); do for mode in $(BENCH_MODES); do \
	  steady=false; if [ "$(BENCH_STEADY)" = true ] && [ "$$mode" = adaptive ] && [ "$$run" = "$(3)" ]; then steady=true; fi; \
	  echo "==== bench $(1): $(2) objects, mode $$mode, run $$run of $(3), steady state $$steady ===="; \
	  $(PERF_MVN) -f $(PERF_POM) test -Dtest=BenchmarkRun $(PERF_SUREFIRE) -Dbench.variant=$(1) \
	    -Dbench.objects=$(2) -Dbench.rate=$(BENCH_RATE) -Dbench.createDelay=$(BENCH_CREATE_DELAY) \
	    -Dbench.mode=$$mode -Dbench.run=$$run -Dbench.steady=$$steady -Dbench.results="$$results" $(5) $(BENCH_EXTRA) \
	    || rc=1; \
	done; done; \
	$(PERF_MVN) -f $(PERF_POM) test -Dtest=BenchmarkReport $(PERF_SUREFIRE) -Dbench.results="$$results" \
	  -Dbench.doc=$(abspath $(4)) -Dbench.section="$(BENCH_SECTION)" || rc=1; \
	exit $$rc
endef

bench: perf-build ## benchmark: BENCH_OBJECTS (500) at once, SES at BENCH_RATE/s, adaptive limiting on vs off
	$(call bench_runs,full,$(BENCH_OBJECTS),$(BENCH_RUNS),$(BENCH_DOC))

bench-smoke: perf-build ## small benchmark (20 objects, 1 run per mode): checks the benchmark runs
	$(call bench_runs,smoke,$(BENCH_SMOKE_OBJECTS),1,$(PERF_TARGET)/bench/smoke/benchmarks.md,-Dbench.idleSeconds=5)

chaos: perf-build ## chaos run: 200 objects, SES faults, 5 leader SIGKILLs, apiserver restart; docs/reliability.md
	@$(call snapshot_jars,$(abspath $(PERF_TARGET))/chaos/full/jars)
	$(PERF_MVN) -f $(PERF_POM) test -Dtest=ChaosRun $(PERF_SUREFIRE) -Dchaos.variant=full \
	  -Dchaos.objects=$(CHAOS_OBJECTS) -Dchaos.seed=$(CHAOS_SEED) -Dchaos.doc=$(abspath $(CHAOS_DOC)) \
	  -Dchaos.work=$(abspath $(PERF_TARGET))/chaos/full/work \
	  $(CHAOS_EXTRA)

chaos-smoke: perf-build ## reduced chaos run (30 objects); report in e2e/suite/target/chaos/smoke/
	@$(call snapshot_jars,$(abspath $(PERF_TARGET))/chaos/smoke/jars)
	$(PERF_MVN) -f $(PERF_POM) test -Dtest=ChaosRun $(PERF_SUREFIRE) -Dchaos.variant=smoke \
	  -Dchaos.objects=$(CHAOS_SMOKE_OBJECTS) -Dchaos.seed=$(CHAOS_SEED) \
	  -Dchaos.doc=$(abspath $(PERF_TARGET))/chaos/smoke/reliability.md \
	  -Dchaos.work=$(abspath $(PERF_TARGET))/chaos/smoke/work \
	  $(CHAOS_EXTRA)

perf-smoke: ## bench-smoke + chaos-smoke (part of make test)
	$(MAKE) -f $(firstword $(MAKEFILE_LIST)) --no-print-directory bench-smoke
	$(MAKE) -f $(firstword $(MAKEFILE_LIST)) --no-print-directory chaos-smoke PERF_BUILD=false
