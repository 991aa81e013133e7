# rawbpf: one build for the library, the CLI, samples, tests, fuzzers and benchmarks.
# Objects go to build/ (normal) and build/asan/ (unit tests under ASan+UBSan).

CC        ?= gcc
BPF_CLANG ?= $(shell command -v clang-19 || command -v clang)
FUZZ_CC   ?= $(shell command -v clang-19 || command -v clang)
PREFIX    ?= /usr/local
DESTDIR   ?=
BUILD     := build
VERSION   := 0.1.0
ARCH_INC  := /usr/include/$(shell gcc -dumpmachine)

WARN      := -Wall -Wextra -Werror
BASEFLAGS := -std=gnu11 -g $(WARN) -D_GNU_SOURCE -Iinclude -I. -MMD -MP
CFLAGS    ?= -O2
LIB_CFLAGS = $(BASEFLAGS) $(CFLAGS) -fPIC -fvisibility=hidden
SAN       := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
LDLIBS    := -lelf -lz
CHECK_LIBS = $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lm -lrt -lpthread)

# Library sources: every .c file of the layers (loader/cli/ is the CLI, not the library).
LIB_DIRS  := util bpf btf relo loader
LIB_SRCS  := $(foreach d,$(LIB_DIRS),$(wildcard $(d)/*.c))
CLI_SRCS  := $(wildcard loader/cli/*.c)
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
CLI_OBJS  := $(CLI_SRCS:%.c=$(BUILD)/obj/%.o)
ASAN_OBJS := $(LIB_SRCS:%.c=$(BUILD)/asan/%.o)

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/unit/%)
KTEST_SRCS := $(wildcard tests/kernel/test_*.c)
KTEST_BINS := $(KTEST_SRCS:tests/kernel/%.c=$(BUILD)/tests/kernel/%)
TEST_HELPER_SRCS := $(wildcard tests/lib/*.c)

SAMPLE_SRCS := $(wildcard samples/*.bpf.c samples/*/*.bpf.c)
SAMPLE_OBJS := $(SAMPLE_SRCS:samples/%.bpf.c=$(BUILD)/samples/%.bpf.o)
# the checkout's path is mapped to '.' so objects (and their BTF) are the same wherever built
BPF_CFLAGS  := -target bpf -O2 -g -Wall -Werror -I$(ARCH_INC) -Isamples \
	       -fdebug-prefix-map=$(CURDIR)=.

FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(FUZZ_SRCS:tests/fuzz/%.c=$(BUILD)/fuzz/%)
BENCH_SRCS := $(wildcard bench/bench_*.c)
BENCH_BINS := $(BENCH_SRCS:bench/%.c=$(BUILD)/bench/%)

# Keep every intermediate object (the ASan objects are only pattern-rule inputs).
.SECONDARY:

.PHONY: all lib cli samples test unit-tests kernel-tests demo fuzz bench install clean deps format docs
all: lib cli

lib: $(BUILD)/librawbpf.a $(BUILD)/librawbpf.so
cli: $(BUILD)/rawbpf

deps:
	@scripts/deps.sh

# Generated headers (none yet); objects depend on them.
GEN_HDRS :=

$(BUILD)/obj/%.o: %.c $(GEN_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(LIB_CFLAGS) -I$(BUILD)/gen -c $< -o $@

$(BUILD)/asan/%.o: %.c $(GEN_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(BASEFLAGS) -O1 $(SAN) -I$(BUILD)/gen -c $< -o $@

$(BUILD)/librawbpf.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/librawbpf.so: $(LIB_OBJS)
	$(CC) -shared -Wl,-soname,librawbpf.so.0 -o $@ $^ $(LDLIBS)

$(BUILD)/rawbpf: $(CLI_OBJS) $(BUILD)/librawbpf.a
	$(CC) -o $@ $(CLI_OBJS) $(BUILD)/librawbpf.a $(LDLIBS)

# Unit tests: each tests/unit/test_X.c is its own Check program, built with ASan+UBSan.
$(BUILD)/tests/unit/%: tests/unit/%.c $(ASAN_OBJS) $(TEST_HELPER_SRCS)
	@mkdir -p $(dir $@)
	$(CC) $(BASEFLAGS) -O1 $(SAN) -I$(BUILD)/gen -Itests/lib -o $@ $< $(TEST_HELPER_SRCS) \
		$(ASAN_OBJS) $(LDLIBS) $(CHECK_LIBS)

# Kernel tests: Check programs that need root and bpf(2); linked with the normal library.
$(BUILD)/tests/kernel/%: tests/kernel/%.c $(BUILD)/librawbpf.a $(TEST_HELPER_SRCS)
	@mkdir -p $(dir $@)
	$(CC) $(BASEFLAGS) -O1 -I$(BUILD)/gen -Itests/lib -o $@ $< $(TEST_HELPER_SRCS) \
		$(BUILD)/librawbpf.a $(LDLIBS) $(CHECK_LIBS)

$(BUILD)/samples/%.bpf.o: samples/%.bpf.c $(wildcard samples/*.h)
	@mkdir -p $(dir $@)
	$(BPF_CLANG) $(BPF_CFLAGS) -c $< -o $@

samples: $(SAMPLE_OBJS)

unit-tests: $(UNIT_BINS) cli samples
kernel-tests: $(KTEST_BINS) cli samples

# The real-object corpus (tests/corpus/): carver built here, objects fetched by scripts/corpus.sh.
CARVE := $(BUILD)/tests/corpus/carve
$(CARVE): tests/corpus/carve.c
	@mkdir -p $(dir $@)
	$(CC) $(BASEFLAGS) $(CFLAGS) -o $@ $<
# The differential test's comparer (issue 9) uses the library's internal headers.
PROG_DIFF := $(BUILD)/tests/corpus/prog_diff
$(PROG_DIFF): tests/corpus/prog_diff.c $(BUILD)/librawbpf.a
	@mkdir -p $(dir $@)
	$(CC) $(BASEFLAGS) $(CFLAGS) -o $@ $< $(BUILD)/librawbpf.a $(LDLIBS)
.PHONY: corpus
corpus: $(CARVE)
	@BUILD=$(BUILD) scripts/corpus.sh

# Test oracles (tests/oracle/): libbpf runs the samples, so their behaviour is known apart from
# rawbpf. No -I. here: our bpf/ and btf/ directories would shadow <bpf/bpf.h>, <bpf/btf.h>.
ORACLE_SRCS := $(wildcard tests/oracle/oracle_*.c)
ORACLE_BINS := $(ORACLE_SRCS:tests/oracle/%.c=$(BUILD)/tests/oracle/%)
$(BUILD)/tests/oracle/%: tests/oracle/%.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -g $(WARN) -D_GNU_SOURCE -O1 -o $@ $< \
		$(shell pkg-config --libs libbpf) $(LDLIBS)

test: deps
	@$(MAKE) --no-print-directory all unit-tests kernel-tests $(CARVE) $(PROG_DIFF) $(ORACLE_BINS)
	@BUILD=$(BUILD) scripts/run-tests.sh
	@BUILD=$(BUILD) scripts/test-kernels.sh

# Other kernels under qemu (tests/kernels/, scripts/kernels.sh caches them in build/kernels/).
.PHONY: test-kernels
test-kernels: deps
	@$(MAKE) --no-print-directory all samples kernel-tests
	@BUILD=$(BUILD) scripts/test-kernels.sh

demo: deps
	@$(MAKE) --no-print-directory all samples
	@BUILD=$(BUILD) scripts/demo.sh

# The command output in docs/ regenerated from the real commands (tests/kernel/test_docs.sh).
docs: deps
	@$(MAKE) --no-print-directory all samples
	@BUILD=$(BUILD) scripts/gen-docs.sh

# Fuzzers: libFuzzer with ASan+UBSan, bounded run time (FUZZ_SECONDS per harness).
FUZZ_SECONDS ?= 60
FUZZ_LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/fuzzobj/%.o)
$(BUILD)/fuzzobj/%.o: %.c $(GEN_HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(BASEFLAGS) -O1 -fsanitize=fuzzer-no-link,address,undefined -I$(BUILD)/gen -c $< -o $@
$(BUILD)/fuzz/%: tests/fuzz/%.c $(FUZZ_LIB_OBJS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(BASEFLAGS) -O1 -fsanitize=fuzzer,address,undefined -I$(BUILD)/gen -o $@ $< \
		$(FUZZ_LIB_OBJS) $(LDLIBS)
fuzz: deps
	@$(MAKE) --no-print-directory $(FUZZ_BINS) samples
	@BUILD=$(BUILD) FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/run-fuzz.sh

# Benchmarks: the only place (with the test oracle) that links libbpf.
$(BUILD)/bench/%: bench/%.c $(BUILD)/librawbpf.a
	@mkdir -p $(dir $@)
	$(CC) $(BASEFLAGS) -O2 -I$(BUILD)/gen -o $@ $< $(BUILD)/librawbpf.a \
		$(shell pkg-config --libs libbpf) $(LDLIBS)
bench: deps
	@$(MAKE) --no-print-directory all samples $(BENCH_BINS)
	@BUILD=$(BUILD) scripts/run-bench.sh

$(BUILD)/rawbpf.pc: Makefile
	@mkdir -p $(BUILD)
	printf 'prefix=%s\nlibdir=$${prefix}/lib\nincludedir=$${prefix}/include\n\nName: rawbpf\nDescription: BPF object loader without libbpf\nVersion: %s\nLibs: -L$${libdir} -lrawbpf\nLibs.private: -lelf -lz\nCflags: -I$${includedir}\n' \
		'$(PREFIX)' '$(VERSION)' > $@

install: all $(BUILD)/rawbpf.pc
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include
	install -m 0755 $(BUILD)/rawbpf $(DESTDIR)$(PREFIX)/bin/rawbpf
	install -m 0644 $(BUILD)/librawbpf.a $(DESTDIR)$(PREFIX)/lib/librawbpf.a
	install -m 0755 $(BUILD)/librawbpf.so $(DESTDIR)$(PREFIX)/lib/librawbpf.so.0
	ln -sf librawbpf.so.0 $(DESTDIR)$(PREFIX)/lib/librawbpf.so
	install -m 0644 include/rawbpf.h $(DESTDIR)$(PREFIX)/include/rawbpf.h
	install -m 0644 $(BUILD)/rawbpf.pc $(DESTDIR)$(PREFIX)/lib/pkgconfig/rawbpf.pc

format:
	clang-format -i $(LIB_SRCS) $(CLI_SRCS) $(wildcard */*.h include/*.h)

clean:
	rm -rf $(BUILD)/obj $(BUILD)/asan $(BUILD)/fuzzobj $(BUILD)/tests $(BUILD)/samples \
		$(BUILD)/fuzz $(BUILD)/bench $(BUILD)/gen $(BUILD)/*.a $(BUILD)/*.so $(BUILD)/rawbpf \
		$(BUILD)/rawbpf.pc

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
