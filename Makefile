# nn -- see README.md.  `make` builds ./nn tuned for this machine;
# `make PORTABLE=1` builds plain C11 that runs anywhere.
CC      ?= cc
WARN    = -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes
ifeq ($(PORTABLE),1)
OPT     = -O2
else
OPT     = -O3 -march=native
endif
CFLAGS  ?= $(OPT)
LDLIBS  = -lm -lpthread

nn: nn.c
	$(CC) $(WARN) $(CFLAGS) -o $@ nn.c $(LDLIBS)

clean:
	rm -f nn model.bin tests/*.o
	rm -rf build

.PHONY: clean
