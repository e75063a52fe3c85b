#!/bin/bash
# `make test`: every test of nn, ending with the line "N passed, N failed".
#   - nn.c builds warning-free under the strict flags with gcc and clang;
#   - the unit tests (tests/unit.c) with the machine's SIMD kernels, with
#     AVX2 kernels where the CPU has them, and with plain C;
#   - each fault-injected build (NN_FAULT=1..4) must FAIL the gradient check;
#   - the gzip/DEFLATE tests (tests/gzip.sh);
#   - the fuzz corpora (tests/fuzz/corpus) replayed under ASan+UBSan;
#   - the command-line tests (tests/cli.sh) on the default and portable builds;
#   - the edge tests of issue 9 (tests/edges.sh: one or more per defect) and
#     the property tests (tests/props.sh: random bad rows, /dev/full for
#     every output, BOM/CRLF/quotes/NA for every reader, name escaping);
#   - the tables and regression tests of issue 11 (tests/tables.sh);
#   - the convolutional network tests of issue 12 (tests/conv.sh);
#   - the hand-over tests of issue 13 (tests/handover.sh: NumPy in and out
#     against python3-numpy, ONNX against onnx.checker and ONNX Runtime,
#     the int8 header against nn, Cortex-M4/M0 builds);
#   - valgrind memcheck of every command on small data (tests/valgrind.sh);
#   - T1, the textbook run on Fashion-MNIST (tests/t1.sh).
# With SANITIZE=1 everything is built with -fsanitize=address,undefined.
set -u
cd "$(dirname "$0")/.." || exit 1
CC=${CC:-cc}
WARN="-std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes"
SAN=""
[ "${SANITIZE:-0}" = 1 ] && SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
B=build
mkdir -p $B
P=0 F=0
pass() { P=$((P + 1)); echo "PASS $*"; }
fail() { F=$((F + 1)); echo "FAIL $*"; }

# counted NAME CMD...: run a test program whose last line is "...: N passed,
# M failed"; add its counts (a crash or a missing summary is one failure).
counted() {
    local name=$1 out rc line p f
    shift
    out=$("$@" 2>&1)
    rc=$?
    echo "$out" | grep -v '^PASS'
    line=$(echo "$out" | grep -E '[0-9]+ passed, [0-9]+ failed' | tail -1)
    p=$(echo "$line" | sed -n 's/.* \([0-9]*\) passed, \([0-9]*\) failed.*/\1/p')
    f=$(echo "$line" | sed -n 's/.* \([0-9]*\) passed, \([0-9]*\) failed.*/\2/p')
    if [ -z "$p" ]; then
        fail "$name: no summary (exit $rc)"
        return
    fi
    [ "$rc" != 0 ] && [ "$f" = 0 ] && f=1
    P=$((P + p)) F=$((F + f))
}

build() { # build OUT FLAGS... (nn.c or a test); a warning is a failure
    local out=$1 src=$2
    shift 2
    if $CC $WARN "$@" $SAN -o "$out" "$src" -lm -lpthread 2>$B/warn; then
        if [ -s $B/warn ]; then fail "build $out: $(head -c 400 $B/warn)"; else pass "build $out ($*)"; fi
    else
        fail "build $out: $(head -c 600 $B/warn)"
        return 1
    fi
}

build $B/nn nn.c -O3 -march=native
build $B/nn-portable nn.c -O2
if command -v clang >/dev/null && [ -z "$SAN" ]; then
    CC=clang build $B/nn-clang nn.c -O2 -march=native
fi
UW="-Wno-unused-function"
build $B/unit tests/unit.c $UW -O3 -march=native && counted "unit native" $B/unit
build $B/unit-plain tests/unit.c $UW -O2 && counted "unit plain" $B/unit-plain
if grep -q avx2 /proc/cpuinfo 2>/dev/null && grep -q fma /proc/cpuinfo; then
    build $B/unit-avx2 tests/unit.c $UW -O2 -mavx2 -mfma && counted "unit avx2" $B/unit-avx2
fi
for f in 1 2 3 4; do
    if $CC $WARN $UW -O2 -march=native -DNN_FAULT=$f -o $B/unit-fault$f tests/unit.c -lm -lpthread 2>/dev/null; then
        if $B/unit-fault$f >$B/fault.log 2>&1; then
            fail "NN_FAULT=$f: the gradient check did not notice the fault"
        else
            grep -q 'gradient check [0-9]x' $B/fault.log && pass "NN_FAULT=$f caught: $(grep -c FAIL $B/fault.log) gradient checks fail, convolutions' among them" ||
                fail "NN_FAULT=$f: the convolutions' gradient checks did not notice the fault"
        fi
    else
        fail "NN_FAULT=$f does not build"
    fi
done
build $B/gunzip_tool tests/gunzip_tool.c $UW -O3 -march=native && counted "gzip" tests/gzip.sh $B/gunzip_tool $B/nn
# the fuzz corpora, replayed under ASan+UBSan (plain programs, no libFuzzer)
for t in idx csv gzip model args table npy npz; do
    if $CC -std=c11 -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -Wno-unused-function \
        -o $B/replay-$t tests/fuzz/fuzz_$t.c -lm -lpthread 2>$B/warn; then
        if out=$($B/replay-$t tests/fuzz/corpus/$t 2>&1) && ! echo "$out" | grep -q 'runtime error\|AddressSanitizer'; then
            pass "fuzz corpus $t under ASan+UBSan: $(echo "$out" | tail -1)"
        else
            fail "fuzz corpus $t: $(echo "$out" | grep -m3 'ERROR\|runtime error')"
        fi
    else
        fail "fuzz target $t does not build: $(head -c 300 $B/warn)"
    fi
done
# the man page renders without warnings; make install and uninstall
if command -v man >/dev/null; then
    w=$(MANWIDTH=80 man --warnings -l nn.1 2>&1 >/dev/null)
    [ -z "$w" ] && MANWIDTH=80 man -l nn.1 2>/dev/null | grep -q -- '--checkpoint' && pass "man -l nn.1 renders without warnings" || fail "man page: $w"
else
    fail "man is not installed (apt-get install man-db)"
fi
inst=$(mktemp -d)
if make -s install PREFIX=/usr/local DESTDIR="$inst" >/dev/null 2>&1 && [ -x "$inst/usr/local/bin/nn" ] &&
    [ -f "$inst/usr/local/share/man/man1/nn.1" ] && "$inst/usr/local/bin/nn" --version >/dev/null &&
    make -s uninstall PREFIX=/usr/local DESTDIR="$inst" >/dev/null 2>&1 && [ ! -e "$inst/usr/local/bin/nn" ]; then
    pass "make install and uninstall with PREFIX and DESTDIR"
else
    fail "make install/uninstall"
fi
rm -rf "$inst"
counted "cli" tests/cli.sh $B/nn
counted "cli portable" tests/cli.sh $B/nn-portable
counted "edges" tests/edges.sh $B/nn
counted "props" tests/props.sh $B/nn
counted "tables" tests/tables.sh $B/nn
counted "conv" tests/conv.sh $B/nn
counted "handover" tests/handover.sh $B/nn
if [ -z "$SAN" ]; then
    counted "valgrind" tests/valgrind.sh
    counted "T1" tests/t1.sh $B/nn
fi
echo "$P passed, $F failed"
[ "$F" = 0 ]
