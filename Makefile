# nn -- see README.md.
#   make              build ./nn tuned for this machine (-O3 -march=native)
#   make PORTABLE=1   build plain C11 that runs anywhere C11 does
#   make test         every test; ends with "N passed, N failed"
#   make asan         the tests under AddressSanitizer + UndefinedBehaviorSanitizer
#   make bench        the benchmarks (scripts/bench.sh)
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
DESTDIR ?=

nn: nn.c
	$(CC) $(WARN) $(CFLAGS) -o $@ nn.c $(LDLIBS)

test: nn
	@tests/run.sh

asan:
	@SANITIZE=1 tests/run.sh

bench: nn
	@scripts/bench.sh

install: nn
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 nn $(DESTDIR)$(PREFIX)/bin/nn
	install -m 644 nn.1 $(DESTDIR)$(PREFIX)/share/man/man1/nn.1

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/nn $(DESTDIR)$(PREFIX)/share/man/man1/nn.1

clean:
	rm -f nn model.bin
	rm -rf build

.PHONY: test asan bench install uninstall clean
