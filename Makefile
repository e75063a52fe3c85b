# nn -- see README.md.
#   make              build ./nn tuned for this machine (-O3 -march=native)
#   make PORTABLE=1   build plain C11 that runs anywhere C11 does
#   make check        the quick tests (under a minute): unit tests and the scripts that need only cc
#   make test         every test; ends with "N passed, N failed[, K skipped]" (tests/README.md)
#   make asan         the tests under AddressSanitizer + UndefinedBehaviorSanitizer
#   make bench        the benchmarks (scripts/bench.sh)
#   make fuzz         fuzz every parser with libFuzzer, FUZZ_SECONDS each (needs clang)
#   make install PREFIX=/usr/local DESTDIR=
CC      ?= cc
WARN    = -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes
ifeq ($(PORTABLE),1)
OPT     = -O2
else
OPT     = -O3 -march=native
endif
CFLAGS  ?= $(OPT)
LDLIBS  = -lm -lpthread
PREFIX  ?= /usr/local
FUZZ_SECONDS ?= 60
FUZZ_TARGETS = idx csv gzip model args table npy npz http
DESTDIR ?=
BIN     = nn

nn: nn.c
	$(CC) $(WARN) $(CFLAGS) -o $@ nn.c $(LDLIBS)

# make check: ./nn and build/unit built side by side, then the quick tests two at a time
check:
	@$(MAKE) -s --no-print-directory -j2 nn build/unit
	@tests/run.sh check

build/unit: tests/unit.c nn.c
	@mkdir -p build
	$(CC) $(WARN) -Wno-unused-function $(CFLAGS) -o $@ tests/unit.c $(LDLIBS)

# make test builds its own build/nn (warnings are failures there), not ./nn
test:
	@tests/run.sh test

asan:
	@SANITIZE=1 tests/run.sh test

print-fuzz-targets:
	@echo $(FUZZ_TARGETS)

bench: nn
	@scripts/bench.sh

fuzz:
	@mkdir -p build/fuzz
	@for t in $(FUZZ_TARGETS); do \
	  clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -DNN_LIBFUZZER -Wno-unused-function \
	    -o build/fuzz/$$t tests/fuzz/fuzz_$$t.c -lm -lpthread || exit 1; \
	  mkdir -p build/fuzz/corpus-$$t; \
	  echo "fuzzing $$t for $(FUZZ_SECONDS) s"; \
	  build/fuzz/$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
	    -print_final_stats=1 -artifact_prefix=build/fuzz/$$t- build/fuzz/corpus-$$t tests/fuzz/corpus/$$t \
	    2>build/fuzz/$$t.log || { tail -30 build/fuzz/$$t.log; exit 1; }; \
	  grep -E 'stat::number_of_executed_units|stat::peak_rss_mb' build/fuzz/$$t.log; \
	done

install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/nn
	install -m 644 nn.1 $(DESTDIR)$(PREFIX)/share/man/man1/nn.1

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/nn $(DESTDIR)$(PREFIX)/share/man/man1/nn.1

clean:
	rm -f nn model.bin
	rm -rf build

.PHONY: check test asan print-fuzz-targets bench fuzz install uninstall clean
