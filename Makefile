# Cratos: the two commands a newcomer needs are `make demo` and `make test`.
GO ?= go
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.6.1
BIN := bin

.PHONY: all build demo test test-race test-plain test-full-data test-short tools lint fuzz bench clean

all: build

build:
	$(GO) build -o $(BIN)/cratos ./cmd/cratos
	$(GO) build -o $(BIN)/mispsim ./cmd/mispsim

# Start the service on embedded defaults against the built-in MISP emulator
# (make demo LISTEN=0.0.0.0:8080 to listen elsewhere).
LISTEN ?= 127.0.0.1:8080
demo:
	@echo "make demo: compiling bin/cratos (the first build downloads modules and takes a few minutes) ..."
	@$(GO) build -o $(BIN)/cratos ./cmd/cratos
	@echo "make demo: starting the demo on $(LISTEN) (make demo LISTEN=host:port for another address)"
	$(BIN)/cratos demo --listen $(LISTEN)

# Install the conformance tools when possible, then run every test: the
# renderers' packages (PLAIN_PKGS) without the race detector, every other
# package with it and, at the same time, their full-data checks without it.
#
# test-race: the packages whose tests take longest are named first so that
# they start first (none is left to run alone at the end); race_pkgs adds
# every other package once. -p 4 runs four packages at once on two cores:
# the process tests mostly wait (for timers, leases, child processes), and
# would otherwise hold a core's turn while idle.
#
# test-plain: PLAIN_PKGS, then the tests that check only a sample of their
# data under the race detector (testtool.RaceSample: it slows
# single-threaded checks some twenty-fold) check all of it without
# (test-full-data alone runs only these). It runs beside test-race rather
# than after it, so that it fills the cores test-race leaves idle.
#
# go vet runs in make lint, with every analyzer, so the tests skip go
# test's own subset (-vet=off); the test binaries are linked without
# DWARF (-ldflags=-w), which only debuggers read, and both test targets
# compile their packages without it as well (BUILD_FLAGS: 10 to 16 % less
# CPU time in building every race test binary; race reports and stack
# traces come from the binary's own line tables, not from DWARF). The
# programs the tests build (testtool.GoBuild) are compiled with the test
# binary's -gcflags, so they share test-plain's packages. The compiler and the linker run with GOGC=400 (-toolexec):
# collecting garbage a quarter as often, they build every race test
# binary in 7 % less CPU time (357 → 332 CPU-seconds, empty build cache)
# and use 450 rather than 420 MB at the most; the tests themselves keep
# the GOGC of the environment.
#
# RACE_OPTIONS: when the heap frees or reuses memory, the race detector
# clears its shadow (its record of past accesses) of that range; a range
# larger than clear_shadow_mmap_threshold (64 KiB by default) it clears by
# mapping fresh pages over it, so that the next use of the memory faults
# every page in again. Clearing in place finds the pages there. What is
# detected is the same; the tests take two fifths of the page faults and,
# where a fault is dear (a virtual machine), three fifths of the time.
# atexit_sleep_ms=0: a test binary built with -race otherwise sleeps a
# second before it exits (for races of goroutines still running then),
# holding one of -p's places idle; seventy binaries took half a minute of
# the run that way. no_huge_pages_for_shadow=0: the detector otherwise
# marks its shadow MADV_NOHUGEPAGE, so that every 4 KiB of it faults in
# on its own; allowed huge pages, the race half of make test takes 30 %
# fewer page faults and 4 to 11 % less CPU time. A GORACE of your own
# still applies, after these.
RACE_OPTIONS := clear_shadow_mmap_threshold=1073741824 atexit_sleep_ms=0 no_huge_pages_for_shadow=0
TEST_FIRST := ./cmd/cratos/ ./core/feedsnap/ ./core/server/ ./core/misp/ \
	./conformance/mispsim/ ./cmd/cratos-bench/ ./plugins/ ./core/cli/ ./internal/readmecheck/
FULL_DATA_TESTS := ^(TestSchemaValid|TestFuzzSeedsSchema|TestCheckBridge|TestTimestampMatchesTime|TestRefreshEqualsFullRead|TestDeviceRules|TestDecodePageRealEvents)$$
FULL_DATA_PKGS := ./core/feedsnap/ ./core/misp/ ./conformance/
# PLAIN_PKGS: the renderers' own packages, tested without the race
# detector (test-plain). A renderer is a function of its input that starts
# no goroutine (internal/archtest fails one that does), so its own tests,
# one goroutine each, give the detector nothing to find: what can race in
# a renderer is its use by many requests at once, which renderers/all
# checks for every built-in renderer (the contract's concurrent renders)
# and core/server's tests exercise, both under the detector. Without it
# these packages take about 100 CPU-seconds less, and their checks of
# large data run in full. Longest first.
PLAIN_PKGS := ./renderers/suricata/ ./renderers/suricata/internal/rulecheck/ ./renderers/stix21/ ./renderers/dnsmasq/ ./renderers/elastic/ ./renderers/rpz/ \
	./renderers/suricatadataset/ ./renderers/fortinet/ ./renderers/unbound/ ./renderers/xml/ ./renderers/csv/ \
	./renderers/edl/ ./renderers/squid/ ./renderers/haproxy/ ./renderers/nftables/ ./renderers/checkpoint/ \
	./renderers/b64/ ./renderers/defender/ ./renderers/ipset/ ./renderers/zeek/ ./renderers/f5/ ./renderers/yaml/ \
	./renderers/txt/ ./renderers/json/ ./renderers/junos/ ./renderers/internal/banner/ ./renderers/internal/feedlist/ \
	./renderers/internal/ioc/ ./renderers/internal/listkind/ ./renderers/internal/nameset/
MODULE := github.com/cratos-project/cratos
# race_pkgs: every package but PLAIN_PKGS (read when test-race runs).
race_pkgs = $(filter-out $(patsubst ./%/,$(MODULE)/%,$(PLAIN_PKGS)),$(shell $(GO) list ./...))
TEST_FLAGS := -timeout 20m -vet=off -ldflags=-w -toolexec 'env GOGC=400'
BUILD_FLAGS := -gcflags=all=-dwarf=false
test: tools
	@$(MAKE) --no-print-directory -j2 test-race test-plain

test-race:
	GORACE="$(RACE_OPTIONS) $(GORACE)" $(GO) test -race -p 4 $(TEST_FLAGS) $(BUILD_FLAGS) $(TEST_FIRST) $(race_pkgs)

# test-plain: the renderers' packages, then the full-data tests of the
# others, without the race detector, one after the other (the second
# reuses what the first compiled).
test-plain:
	$(GO) test $(TEST_FLAGS) $(BUILD_FLAGS) $(PLAIN_PKGS)
	$(GO) test $(TEST_FLAGS) $(BUILD_FLAGS) -run '$(FULL_DATA_TESTS)' $(FULL_DATA_PKGS)

test-full-data:
	$(GO) test $(TEST_FLAGS) $(BUILD_FLAGS) -run '$(FULL_DATA_TESTS)' $(FULL_DATA_PKGS)

# Tests without the race detector, for a quick local check.
test-short:
	$(GO) test -timeout 10m ./...

tools:
	@bash scripts/install-tools.sh || echo "make tools: could not install every tool; tests that need one will say which package is missing"

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); exit 1)
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

# Run every fuzz target for FUZZTIME each (default 30s).
FUZZTIME ?= 30s
fuzz:
	@bash scripts/fuzz.sh $(FUZZTIME)

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

clean:
	rm -rf $(BIN)
