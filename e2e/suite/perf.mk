# Benchmarks and chaos tests of the operator against the local control plane and the SES emulator.
# Included from the root Makefile (paths are relative to the repository root). Results: docs/benchmarks.md and
# docs/benchmarks.json, docs/reliability.md (full runs); e2e/suite/target/{bench,chaos}/ (smoke runs, raw JSON of every run).
#
#   make bench          1,000 objects, SES_MRE_OBSERVATION=batch and per-object side by side (3 runs each, interleaved),
#                       the steady state at two period scalings, two AWS accounts with one throttled. ~60 min.
#   make bench-large    out of make test: restart and memory with 1,000 and 10,000 READY objects (bench-restart), two
#                       shards of 5,000 against one operator (bench-shards). ~90 min.
#   make bench-smoke    20 objects, both modes, a short steady state, with the batch mode's call budget asserted;
#                       report in e2e/suite/target/bench/smoke/
#   make bench-churn    out of make test: 10,000 objects created and deleted in 5 rounds (every 10th finalizer
#                       removed by hand); live heap after a full GC against the idle baseline, /metrics checked for
#                       series of deleted objects. BENCH_CHURN_OBJECTS BENCH_CHURN_ROUNDS. docs/benchmarks.{md,json}
#   make chaos          200 objects under SES faults, 5 SIGKILLs of the leader, 1 kube-apiserver restart, two
#                       replicas with leader election; writes docs/reliability.md. ~10 min.
#   make chaos-smoke    the same with 30 objects; report in e2e/suite/target/chaos/smoke/
#   make perf-smoke     bench-smoke + chaos-smoke (what `make test` runs)
#   make soak           out of make test: SOAK_OBJECTS (1,000) objects for SOAK_MINUTES (60) with churn (create, tag
#                       edit, delete in turn, one per SOAK_CHURN_EVERY), SES faults (429, 500, dropped connections), a
#                       leader SIGKILL per SOAK_KILL_EVERY (SOAK_MINUTES/4) of two replicas; RSS and heap over time
#                       (gnuplot), SES calls per endpoint per hour, the chaos invariants, the RSS growth rule;
#                       writes docs/soak.md, docs/soak.json, docs/soak-full-memory.png
#   make soak-smoke     the same code for 3 minutes with 100 objects (part of make test); e2e/suite/target/soak/smoke/
#
# Knobs: BENCH_OBJECTS BENCH_RUNS BENCH_RATE BENCH_CREATE_DELAY BENCH_MODES BENCH_STEADY_K BENCH_ACCOUNTS
# BENCH_ACCOUNT_OBJECTS_A BENCH_ACCOUNT_OBJECTS_B, BENCH_LARGE_SIZES BENCH_RESTARTS BENCH_JVM_VARIANTS BENCH_SHARD_OBJECTS
# BENCH_SHARD_RATE, CHAOS_OBJECTS CHAOS_SEED;
# PERF_BUILD=false skips building the jars and the control plane (make test builds them once).
# Control plane: each run starts a fresh one of its own (.work/testenv-bench-<variant>, .work/testenv-chaos-<variant>)
# and stops it, unless TESTENV_WORK_DIR names a running one (make test shares one across its suites) or
# E2E_KUBECONFIG names a cluster (no apiserver restart there: the chaos run needs a testenv).

PERF_MVN ?= ./mvnw -B -ntp
PERF_POM ?= e2e/suite/pom.xml
# the report of the benchmark runs (BenchmarkReport) is a module of its own
BENCH_REPORT_POM ?= e2e/bench/pom.xml
PERF_TARGET ?= e2e/suite/target
PERF_BUILD ?= true

BENCH_OBJECTS ?= 1000
BENCH_RUNS ?= 3
BENCH_RATE ?= 10
BENCH_CREATE_DELAY ?= 3s
BENCH_MODES ?= batch per-object
# after the last batch run: the steady state with both resync periods divided by each factor
BENCH_STEADY_K ?= 60,120
BENCH_ACCOUNTS ?= true
# objects in the throttled account A (2 calls/s) and in account B (BENCH_RATE)
BENCH_ACCOUNT_OBJECTS_A ?= 500
BENCH_ACCOUNT_OBJECTS_B ?= $(BENCH_OBJECTS)
BENCH_DOC ?= docs/benchmarks.md
BENCH_JSON ?= docs/benchmarks.json
BENCH_SMOKE_OBJECTS ?= 20
BENCH_LARGE_SIZES ?= 1000,10000
BENCH_RESTARTS ?= 3
# JVM variants of bench-restart, NAME or NAME=FLAGS separated by ";" (flags added to the chart's; @WORK@ = its work
# folder), e.g. "chart;c2=-XX:TieredStopAtLevel=4 -XX:CICompilerCount=2": each restart round starts one of each
BENCH_JVM_VARIANTS ?= chart
BENCH_SHARD_OBJECTS ?= 10000
BENCH_SHARD_RATE ?= $(BENCH_RATE)
# extra -D settings for every run, e.g. -Dbench.timeout=20m (see the run classes)
BENCH_CHURN_OBJECTS ?= 10000
BENCH_CHURN_ROUNDS ?= 5
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

.PHONY: soak soak-smoke perf-build bench bench-smoke bench-large bench-restart bench-shards bench-fairness bench-churn chaos chaos-smoke perf-smoke

perf-build: ## jars (Maven) and the local control plane (Go), both cached when up to date; gnuplot for the plots
ifeq ($(PERF_BUILD),true)
	$(PERF_MVN) -q -DskipTests package
	bash e2e/testenv/testenv.sh build
endif
	@bash -c 'source hack/lib/debian-packages.sh && ensure_debian_packages "the benchmark plots" gnuplot=gnuplot-nox'

OPERATOR_JAR := operator/target/ses-mre-operator-all.jar
EMULATOR_JAR := e2e/ses-emulator/target/ses-emulator-all.jar
# the runs use copies of the jars taken at the start, so that a rebuild meanwhile cannot mix two builds; commit.txt
# names the commit they were built from (+dirty: operator/ or the emulator had uncommitted changes)
snapshot_jars = mkdir -p $(1) && cp -p $(OPERATOR_JAR) $(1)/operator.jar && cp -p $(EMULATOR_JAR) $(1)/emulator.jar \
  && echo "$$(git rev-parse --short HEAD)$$(git status --porcelain -- operator e2e/ses-emulator | grep -q . && echo +dirty)" \
  > $(1)/commit.txt

bench_dir = $(abspath $(PERF_TARGET))/bench/$(1)
bench_run = $(PERF_MVN) -f $(PERF_POM) test $(PERF_SUREFIRE) -Dbench.variant=$(1) -Dbench.results="$(call bench_dir,$(1))/results"
# $(call bench_report,variant,doc,json)
bench_report = $(PERF_MVN) -f $(BENCH_REPORT_POM) test -Dtest=BenchmarkReport $(PERF_SUREFIRE) \
  -Dbench.results="$(call bench_dir,$(1))/results" -Dbench.doc=$(abspath $(2)) -Dbench.json=$(abspath $(3))

# $(call bench_converge,variant,objects,runs,steadyK,extra -D flags): one Maven invocation per run (no surefire fork
# timeout can cut a long benchmark), the modes interleaved so that machine noise spreads evenly; the steady state
# after the last batch run.
define bench_converge
	(set -u; rc=0; results=$(call bench_dir,$(1))/results; mkdir -p "$$results"; rm -f "$$results"/converge-*.json; \
	for run in $$(seq 1 $(3)); do for mode in $(BENCH_MODES); do \
	  steady=; if [ "$$mode" = batch ] && [ "$$run" = "$(3)" ]; then steady="$(4)"; fi; \
	  echo "==== bench $(1): converge, $(2) objects, mode $$mode, run $$run of $(3), steady state k=$${steady:-none} ===="; \
	  $(call bench_run,$(1)) -Dtest=BenchmarkRun -Dbench.objects=$(2) -Dbench.rate=$(BENCH_RATE) \
	    -Dbench.createDelay=$(BENCH_CREATE_DELAY) -Dbench.mode=$$mode -Dbench.run=$$run -Dbench.steadyK="$$steady" \
	    $(5) $(BENCH_EXTRA) || rc=1; \
	done; done; exit $$rc)
endef

bench: perf-build ## benchmark: 1,000 objects, batch vs per-object observation, steady state, two accounts; docs/benchmarks.{md,json}
	@$(call snapshot_jars,$(call bench_dir,full)/jars)
	@rc=0; $(call bench_converge,full,$(BENCH_OBJECTS),$(BENCH_RUNS),$(BENCH_STEADY_K),) || rc=1; \
	if [ "$(BENCH_ACCOUNTS)" = true ]; then rm -f "$(call bench_dir,full)/results/accounts.json"; \
	  $(call bench_run,full) -Dtest=AccountsBenchmarkRun -Dbench.objectsA=$(BENCH_ACCOUNT_OBJECTS_A) \
	    -Dbench.objectsB=$(BENCH_ACCOUNT_OBJECTS_B) -Dbench.rate=$(BENCH_RATE) \
	    -Dbench.createDelay=$(BENCH_CREATE_DELAY) $(BENCH_EXTRA) || rc=1; fi; \
	$(call bench_report,full,$(BENCH_DOC),$(BENCH_JSON)) || rc=1; exit $$rc

bench-smoke: perf-build ## small benchmark (20 objects, both modes, short steady state): guards the batch mode's SES calls
	@$(call snapshot_jars,$(call bench_dir,smoke)/jars)
	@rc=0; rm -rf "$(call bench_dir,smoke)/results"; \
	$(call bench_converge,smoke,$(BENCH_SMOKE_OBJECTS),1,600,-Dbench.idleSeconds=5) || rc=1; \
	$(call bench_report,smoke,$(PERF_TARGET)/bench/smoke/benchmarks.md,$(PERF_TARGET)/bench/smoke/benchmarks.json) || rc=1; \
	exit $$rc

# the 10,000-object runs take longer than the suite's default surefire fork timeout (40 min)
LARGE_TIMEOUT := -De2e.forkTimeout=10800

bench-restart: perf-build ## out of make test: restart with 1,000 and 10,000 READY objects, memory per object
	@$(call snapshot_jars,$(call bench_dir,large)/jars)
	@rc=0; mkdir -p "$(call bench_dir,large)/results"; rm -f "$(call bench_dir,large)/results/restart.json"; \
	$(call bench_run,large) -Dtest=RestartBenchmarkRun -Dbench.sizes=$(BENCH_LARGE_SIZES) -Dbench.rate=$(BENCH_RATE) \
	  -Dbench.restarts=$(BENCH_RESTARTS) -Dbench.jvmVariants="$(BENCH_JVM_VARIANTS)" $(LARGE_TIMEOUT) $(BENCH_EXTRA) || rc=1; \
	$(call bench_report,large,$(BENCH_DOC),$(BENCH_JSON)) || rc=1; exit $$rc

bench-shards: perf-build ## out of make test: two shards of 5,000 objects against one operator with the same ceiling
	@$(call snapshot_jars,$(call bench_dir,large)/jars)
	@rc=0; mkdir -p "$(call bench_dir,large)/results"; rm -f "$(call bench_dir,large)/results"/shards-*.json; \
	for shards in 1 2; do \
	  $(call bench_run,large) -Dtest=ShardBenchmarkRun -Dbench.objects=$(BENCH_SHARD_OBJECTS) -Dbench.rate=$(BENCH_SHARD_RATE) \
	    -Dbench.createDelay=$(BENCH_CREATE_DELAY) -Dbench.shards=$$shards $(LARGE_TIMEOUT) $(BENCH_EXTRA) || rc=1; \
	done; \
	$(call bench_report,large,$(BENCH_DOC),$(BENCH_JSON)) || rc=1; exit $$rc

BENCH_FAIR_OBJECTS_A ?= 2000
BENCH_FAIR_OBJECTS_B ?= 10

bench-fairness: perf-build ## out of make test: 2,000 objects in one namespace then 10 in another, one account; docs/benchmarks.{md,json}
	@$(call snapshot_jars,$(call bench_dir,fairness)/jars)
	@rc=0; rm -rf "$(call bench_dir,fairness)/results"; mkdir -p "$(call bench_dir,fairness)/results"; \
	$(call bench_run,fairness) -Dtest=FairnessBenchmarkRun -Dbench.objectsA=$(BENCH_FAIR_OBJECTS_A) \
	  -Dbench.objectsB=$(BENCH_FAIR_OBJECTS_B) -Dbench.rate=$(BENCH_RATE) -Dbench.createDelay=$(BENCH_CREATE_DELAY) \
	  $(LARGE_TIMEOUT) $(BENCH_EXTRA) || rc=1; \
	$(call bench_report,fairness,$(BENCH_DOC),$(BENCH_JSON)) || rc=1; exit $$rc

bench-churn: perf-build ## out of make test: 10,000 objects created and deleted in 5 rounds; heap back to baseline, no series left
	@$(call snapshot_jars,$(call bench_dir,churn)/jars)
	@rc=0; mkdir -p "$(call bench_dir,churn)/results"; rm -f "$(call bench_dir,churn)/results/churn.json"; \
	$(call bench_run,churn) -Dtest=ChurnMemoryBenchmarkRun -Dbench.objects=$(BENCH_CHURN_OBJECTS) \
	  -Dbench.rounds=$(BENCH_CHURN_ROUNDS) $(LARGE_TIMEOUT) $(BENCH_EXTRA) || rc=1; \
	$(call bench_report,churn,$(BENCH_DOC),$(BENCH_JSON)) || rc=1; exit $$rc

bench-large: ## out of make test: bench-restart + bench-shards (10,000 objects each); docs/benchmarks.{md,json}
	@rc=0; $(MAKE) -f $(firstword $(MAKEFILE_LIST)) --no-print-directory bench-restart || rc=1; \
	$(MAKE) -f $(firstword $(MAKEFILE_LIST)) --no-print-directory bench-shards PERF_BUILD=false || rc=1; exit $$rc

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

SOAK_OBJECTS ?= 1000
SOAK_MINUTES ?= 60
# empty: a quarter of the duration
SOAK_KILL_EVERY ?=
SOAK_CHURN_EVERY ?= 3s
SOAK_RATE ?= 10
SOAK_SMOKE_OBJECTS ?= 100
SOAK_SMOKE_MINUTES ?= 3
SOAK_DOC ?= docs/soak.md
SOAK_JSON ?= docs/soak.json
SOAK_EXTRA ?=

soak: perf-build ## out of make test: 1,000 objects for SOAK_MINUTES (60) with churn, SES faults, leader kills; docs/soak.{md,json}
	@$(call snapshot_jars,$(abspath $(PERF_TARGET))/soak/full/jars)
	$(PERF_MVN) -f $(PERF_POM) test -Dtest=SoakRun $(PERF_SUREFIRE) -Dsoak.variant=full \
	  -Dsoak.objects=$(SOAK_OBJECTS) -Dsoak.duration=$(SOAK_MINUTES)m $(if $(SOAK_KILL_EVERY),-Dsoak.killEvery=$(SOAK_KILL_EVERY)) \
	  -Dsoak.churnEvery=$(SOAK_CHURN_EVERY) -Dsoak.rate=$(SOAK_RATE) \
	  -Dsoak.doc=$(abspath $(SOAK_DOC)) -Dsoak.json=$(abspath $(SOAK_JSON)) \
	  -Dsoak.work=$(abspath $(PERF_TARGET))/soak/full/work -De2e.forkTimeout=$$(( $(SOAK_MINUTES) * 60 + 3600 )) \
	  $(SOAK_EXTRA)

soak-smoke: perf-build ## the soak's code for 3 minutes with 100 objects (part of make test); e2e/suite/target/soak/smoke/
	@$(call snapshot_jars,$(abspath $(PERF_TARGET))/soak/smoke/jars)
	$(PERF_MVN) -f $(PERF_POM) test -Dtest=SoakRun $(PERF_SUREFIRE) -Dsoak.variant=smoke \
	  -Dsoak.objects=$(SOAK_SMOKE_OBJECTS) -Dsoak.duration=$(SOAK_SMOKE_MINUTES)m -Dsoak.churnEvery=2s -Dsoak.rate=$(SOAK_RATE) \
	  -Dsoak.doc=$(abspath $(PERF_TARGET))/soak/smoke/soak.md -Dsoak.json=$(abspath $(PERF_TARGET))/soak/smoke/soak.json \
	  -Dsoak.work=$(abspath $(PERF_TARGET))/soak/smoke/work \
	  $(SOAK_EXTRA)
