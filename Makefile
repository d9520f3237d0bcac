# blip - build, test, run. See README.md.
# `make` builds bin/blip-generator, bin/blip-detector and bin/blip-visualizer.

CC ?= cc
PREFIX ?= /usr/local
DESTDIR ?=
BUILD ?= build
BIN ?= bin

PKGS = hiredis libevent libcjson ncursesw
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LIBS_NET = $(shell pkg-config --libs hiredis libevent 2>/dev/null)
LIBS_JSON = $(shell pkg-config --libs libcjson 2>/dev/null)
LIBS_CURSES = $(shell pkg-config --libs ncursesw 2>/dev/null)
LIBS_CMOCKA = $(shell pkg-config --libs cmocka 2>/dev/null)

WARN = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CFLAGS ?= -O2 -g
SAN_FLAGS =
ALL_CFLAGS = -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L $(CFLAGS) $(WARN) $(SAN_FLAGS) \
	-Icommon -Idetector -Igenerator -Ivisualizer -Ieval $(PKG_CFLAGS) -MMD -MP
LDFLAGS ?=
ALL_LDFLAGS = $(LDFLAGS) $(SAN_FLAGS)

COMMON_SRC = $(wildcard common/*.c)
GEN_SRC = $(filter-out generator/main.c,$(wildcard generator/*.c))
DET_SRC = $(filter-out detector/main.c,$(wildcard detector/*.c))
VIS_SRC = $(filter-out visualizer/main.c,$(wildcard visualizer/*.c))
EVAL_SRC = $(wildcard eval/*.c)
TEST_SRC = $(wildcard tests/test_*.c)
HELPER_SRC = $(wildcard tests/helpers/*.c)

# `make V=1` shows the full commands.
ifeq ($(V),1)
Q =
say = @:
else
Q = @
say = @printf '  %-6s %s\n'
endif

obj = $(patsubst %.c,$(BUILD)/%.o,$(1))
COMMON_LIB = $(BUILD)/common/libblipcommon.a
GEN_LIB = $(BUILD)/generator/libgenerator.a
DET_LIB = $(BUILD)/detector/libdetector.a
VIS_LIB = $(BUILD)/visualizer/libvisualizer.a
PROGRAMS = $(BIN)/blip-generator $(BIN)/blip-detector $(if $(wildcard visualizer/main.c),$(BIN)/blip-visualizer)
TESTS = $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_SRC))
HELPERS = $(patsubst tests/helpers/%.c,$(BUILD)/tests/helpers/%,$(HELPER_SRC))
BENCH_TOOLS = $(patsubst bench/%.c,$(BUILD)/bench/%,$(wildcard bench/*.c))

.PHONY: all deps test test-build test-containers asan run install uninstall clean bench bench-build \
	eval fuzz fuzz-build
all: $(PROGRAMS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(say) CC $<
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(COMMON_LIB): $(call obj,$(COMMON_SRC))
	@mkdir -p $(dir $@)
	$(say) AR $@
	$(Q)rm -f $@ && ar rcs $@ $^
$(GEN_LIB): $(call obj,$(GEN_SRC))
	@mkdir -p $(dir $@)
	$(say) AR $@
	$(Q)rm -f $@ && ar rcs $@ $^
$(DET_LIB): $(call obj,$(DET_SRC))
	@mkdir -p $(dir $@)
	$(say) AR $@
	$(Q)rm -f $@ && ar rcs $@ $^
$(VIS_LIB): $(call obj,$(VIS_SRC))
	@mkdir -p $(dir $@)
	$(say) AR $@
	$(Q)rm -f $@ && ar rcs $@ $^

$(BIN)/blip-generator: $(call obj,generator/main.c) $(GEN_LIB) $(COMMON_LIB)
	@mkdir -p $(dir $@)
	$(say) LD $@
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS_NET) -lm
$(BIN)/blip-detector: $(call obj,detector/main.c) $(DET_LIB) $(COMMON_LIB)
	@mkdir -p $(dir $@)
	$(say) LD $@
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS_NET) $(LIBS_JSON) -lm
$(BIN)/blip-visualizer: $(call obj,visualizer/main.c) $(VIS_LIB) $(COMMON_LIB)
	@mkdir -p $(dir $@)
	$(say) LD $@
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS_NET) $(LIBS_CURSES) $(LIBS_JSON) -lm

$(BUILD)/blip-eval: $(call obj,$(EVAL_SRC)) $(DET_LIB) $(GEN_LIB) $(COMMON_LIB)
	$(say) LD $@
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS_JSON) -lm

# How well each detector does on generated series with known answers, and on a NAB-format
# labelled corpus when NAB=DIR is given (DIR/labels/combined_windows.json, DIR/data/...).
eval: $(BUILD)/blip-eval
	@$(BUILD)/blip-eval $(if $(NAB),--nab $(NAB))

# Unit tests link every pure module; the linker takes only what each test uses.
EVAL_LIB_OBJS = $(call obj,eval/metrics.c)
$(BUILD)/tests/%: $(call obj,tests/%.c) $(EVAL_LIB_OBJS) $(DET_LIB) $(GEN_LIB) $(if $(VIS_SRC),$(VIS_LIB)) $(COMMON_LIB)
	@mkdir -p $(dir $@)
	$(say) LD $@
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS_CMOCKA) $(LIBS_NET) $(LIBS_JSON) -lm

# Small programs the integration tests run (an HTTP receiver for the webhook tests).
$(BUILD)/tests/helpers/%: $(call obj,tests/helpers/%.c)
	@mkdir -p $(dir $@)
	$(say) LD $@
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS_NET)

test-build: all $(TESTS) $(HELPERS)

# Benchmark helpers (baseline subscribers, flood and latency probes), same flags as the programs.
$(BENCH_TOOLS): $(BUILD)/bench/%: $(BUILD)/bench/%.o
	@mkdir -p $(dir $@)
	$(say) LD $@
	$(Q)$(CC) $(ALL_LDFLAGS) -pthread -o $@ $^ $(LIBS_NET)

bench-build: all $(BENCH_TOOLS)

# Installs the Debian packages that are missing (apt-get; sudo when not root).
deps:
	@sh scripts/deps.sh

# The whole test suite: unit tests, then integration tests against a real redis-server.
# Ends with one line "N passed, N failed".
test:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory -j2 test-build
	@BUILD=$(BUILD) BIN=$(BIN) sh tests/run.sh

# Builds the images and runs docker-compose.yml for real in a private Docker engine (as root;
# installs docker.io, docker-compose and debootstrap when missing; needs no image registry).
# Ends with one line "N passed, N failed".
test-containers:
	@bash tests/containers.sh

# The same suite under AddressSanitizer and UndefinedBehaviorSanitizer.
asan:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory -j2 BUILD=build/asan BIN=build/asan/bin CFLAGS="-O1 -g -fno-omit-frame-pointer" \
		SAN_FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all" test-build
	@BUILD=build/asan BIN=build/asan/bin ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 sh tests/run.sh

# libFuzzer harnesses fuzz/fuzz_<target>.c (clang, ASan + UBSan), each run for FUZZ_SECONDS from
# its seed corpus fuzz/corpus/<target>; fails on the first crash or sanitizer report.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_TARGETS = $(patsubst fuzz/fuzz_%.c,%,$(wildcard fuzz/fuzz_*.c))
FUZZ_SAN = -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all

fuzz:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory -j2 BUILD=build/fuzz CC=$(FUZZ_CC) \
		CFLAGS="-O1 -g -fno-omit-frame-pointer" SAN_FLAGS="$(FUZZ_SAN)" fuzz-build
	@sh scripts/fuzz.sh build/fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-build: $(patsubst %,$(BUILD)/fuzz/fuzz_%,$(FUZZ_TARGETS))

$(BUILD)/fuzz/fuzz_%: $(call obj,fuzz/fuzz_%.c) $(DET_LIB) $(COMMON_LIB)
	$(say) LD $@
	$(Q)$(CC) $(ALL_LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(LIBS_JSON) -lm

# Generator + detector (+ the live chart when there is a terminal) against a local Redis,
# started here when none answers.
run:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory -j2 all
	@sh scripts/run.sh

# Throughput, latency, memory and offline speed, each beside a baseline measured in the same run
# on a private redis-server; ends with a Markdown table for the README. Takes a few minutes.
bench:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory -j2 bench-build
	@BUILD=$(BUILD) BIN=$(BIN) bash bench/run.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(PROGRAMS) $(DESTDIR)$(PREFIX)/bin/

uninstall:
	rm -f $(addprefix $(DESTDIR)$(PREFIX)/bin/,$(notdir $(PROGRAMS)))

clean:
	rm -rf $(BUILD) $(BIN) tests/out

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
