#!/bin/bash
# The test driver: tests/run.sh test (`make test`) or tests/run.sh check
# (`make check`); see tests/README.md.
#
# `make test`, everything:
#   - nn.c builds warning-free under the strict flags (build/nn, the portable
#     build/nn-portable, and with clang when it is installed);
#   - the unit tests (tests/unit.c) with the machine's SIMD kernels, with AVX2
#     kernels where the CPU has them, and with plain C;
#   - each fault-injected build (NN_FAULT=1..4) must FAIL the gradient check;
#   - the fuzz corpora (tests/fuzz/corpus) replayed under ASan+UBSan;
#   - the man page renders without warnings; make install and uninstall;
#   - every test script, by feature (tests/README.md), on build/nn, and the
#     command-line scripts on build/nn-portable too.
# `make check`, the inner loop: the unit tests (build/unit) and the test
# scripts in $CHECK below, which need no tool beyond a C compiler, on ./nn,
# two at a time (make builds ./nn and build/unit first); under a minute.
#
# On the terminal: the PASS, FAIL and SKIP lines, the log's name, then the
# last line "N passed, N failed" or "N passed, N failed, K skipped".  All
# the rest (each script's whole output, compiler messages) is in the log,
# build/test.log (build/check.log for check, build/asan.log for make asan).
# A skip names the Debian package that would make it run; with
# NN_TEST_NO_SKIP=1 (as .ci/run sets) a skip is a failure.  With SANITIZE=1 (`make asan`) nn and the tests are
# built with -fsanitize=address,undefined, and valgrind and the textbook
# run, which would take too long under the sanitizers, are left out, as are
# the checks of make test that do not run nn under them (the warning-only
# builds, fault injection, the fuzz corpora, already replayed under ASan,
# the man page, make install).
set -u
cd "$(dirname "$0")/.." || exit 1
mode=${1:-test}
CC=${CC:-cc}
WARN="-std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes"
SAN=""
[ "${SANITIZE:-0}" = 1 ] && SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
B=build
mkdir -p $B
case $mode in
test) LOG=$B/test.log; [ -n "$SAN" ] && LOG=$B/asan.log ;;
check) LOG=$B/check.log ;;
*) echo "usage: tests/run.sh [test|check]" >&2; exit 2 ;;
esac
exec 3>&1 >"$LOG" 2>&1 # fd 3: the terminal; the rest: the log
P=0 F=0 S=0
say() { echo "$*"; echo "$*" >&3; }
pass() { P=$((P + 1)); say "PASS $*"; }
fail() { F=$((F + 1)); say "FAIL $*"; }
skipped() { # skipped WHAT REASON PACKAGES: as lib.sh's skip
    if [ "${NN_TEST_NO_SKIP:-0}" = 1 ]; then
        fail "$1: $2 (install: apt-get install $3) and NN_TEST_NO_SKIP=1 forbids skipping"
    else
        S=$((S + 1))
        say "SKIP $1: $2 (install: apt-get install $3)"
    fi
}

# report NAME OUT RC: the PASS/FAIL/SKIP lines of a test program's output OUT
# to the terminal, the whole of it to the log, and its closing line "...: N
# passed, M failed[, K skipped]" added up (a crash or a missing summary is a
# failure, and so is a non-zero exit with no failure counted)
report() {
    local name=$1 out=$2 rc=$3 line p f s
    grep -E '^(PASS|FAIL|SKIP) ' "$out" >&3
    echo "---- $name (exit $rc)"
    cat "$out"
    line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$out" | tail -1)
    p=$(echo "$line" | sed -n 's/.* \([0-9]*\) passed, \([0-9]*\) failed.*/\1/p')
    f=$(echo "$line" | sed -n 's/.* \([0-9]*\) passed, \([0-9]*\) failed.*/\2/p')
    s=$(echo "$line" | sed -n 's/.* failed, \([0-9]*\) skipped.*/\1/p')
    if [ -z "$p" ]; then
        fail "$name: no summary (exit $rc); see $LOG"
        return
    fi
    [ "$rc" != 0 ] && [ "$f" = 0 ] && f=1
    P=$((P + p)) F=$((F + f)) S=$((S + ${s:-0}))
}

# counted NAME CMD...: run a test program now, then report it
counted() {
    local name=$1 rc
    shift
    local s0=$SECONDS
    "$@" >"$B/suite.out" 2>&1
    rc=$?
    echo "($((SECONDS - s0)) s)" >>"$B/suite.out"
    report "$name" "$B/suite.out" $rc
}

# parallel NN SUFFIX NAME...: run the unit tests (NAME unit) and test scripts
# on NN, $JOBS at a time, and report each as soon as it is done, as NAME SUFFIX.
# Two at a time; under the sanitizers, which slow nn down several times, the
# scripts' time limits are stretched (NN_TEST_SLOW, tests/lib.sh).
JOBS=2
[ -n "$SAN" ] && export NN_TEST_SLOW=4
parallel() {
    local nn=$1 suf=$2 name
    shift 2
    rm -f "$B"/par-*.out "$B"/par-*.rc
    (
        for name; do
            while [ "$(jobs -rp | wc -l)" -ge $JOBS ]; do wait -n; done
            if [ "$name" = unit ]; then set -- $B/unit; else set -- tests/$name.sh "$nn"; fi
            (s0=$SECONDS; "$@" >"$B/par-$name.out" 2>&1; r=$?; echo "($((SECONDS - s0)) s)" >>"$B/par-$name.out"; echo $r >"$B/par-$name.rc") &
        done
        wait
    ) &
    local left=("$@") next
    while [ ${#left[@]} != 0 ]; do
        next=()
        for name in "${left[@]}"; do
            if [ -s "$B/par-$name.rc" ]; then
                report "$name$suf" "$B/par-$name.out" "$(cat "$B/par-$name.rc")"
            else
                next+=("$name")
            fi
        done
        left=("${next[@]}")
        [ ${#left[@]} = 0 ] || sleep 0.2
    done
    wait
}

# compile NAME CMD...: a compile started in the background, two at a time
# (the machine's two cores); its messages go to $B/NAME.warn, its exit
# status to $B/NAME.crc.  `built` reports it once `wait` has seen it end.
compile() {
    local name=$1
    shift
    while [ "$(jobs -rp | wc -l)" -ge 2 ]; do wait -n; done
    ("$@" 2>"$B/$name.warn"; echo $? >"$B/$name.crc") &
}

# build OUT SRC FLAGS...: compile nn.c or a test under the strict flags (and
# the sanitizers when asked); built OUT then says whether it built without
# a warning (a warning is a failure).
build() {
    local out=$1 src=$2
    shift 2
    compile "$(basename "$out")" $CC $WARN "$@" $SAN -o "$out" "$src" -lm -lpthread
    echo "$*" >"$B/$(basename "$out").flags"
}
built() {
    local n
    n=$(basename "$1")
    cat "$B/$n.warn"
    if [ "$(cat "$B/$n.crc" 2>/dev/null)" != 0 ]; then
        fail "build $1: $(head -c 600 "$B/$n.warn")"
        return 1
    elif [ -s "$B/$n.warn" ]; then
        fail "build $1: $(head -c 400 "$B/$n.warn")"
    else
        pass "build $1 ($(cat "$B/$n.flags"))"
    fi
}

finish() {
    say "the whole output: $LOG"
    if [ "$S" != 0 ]; then say "$P passed, $F failed, $S skipped"; else say "$P passed, $F failed"; fi
    [ "$F" = 0 ]
    exit
}

# the test scripts of make check (longest first, for two at a time); make
# test runs them and the others, two at a time too
CHECK="tables predict csv train cli output cexport eval pictures idx learning explain"
OTHERS="onnx numpy modelfile conv report serve"

if [ "$mode" = check ]; then
    for f in nn $B/unit; do [ -x $f ] || { fail "$f is not built (make check builds it)"; finish; }; done
    parallel ./nn "" unit $CHECK
    finish
fi

# ---- make test ------------------------------------------------------------------------------
# Every compile first, two at a time; then their reports and the programs
# they built.  Under the sanitizers (make asan, after make test) only what
# runs under them is built: the warning checks, the fault injection, the
# fuzz corpora (replayed under ASan in make test already), the man page and
# make install are make test's.
UW="-Wno-unused-function"
HAVE_AVX2=0
grep -q avx2 /proc/cpuinfo 2>/dev/null && grep -q fma /proc/cpuinfo && HAVE_AVX2=1
build $B/nn nn.c -O3 -march=native
build $B/nn-portable nn.c -O2
build $B/unit tests/unit.c $UW -O3 -march=native
build $B/unit-plain tests/unit.c $UW -O2
[ $HAVE_AVX2 = 1 ] && build $B/unit-avx2 tests/unit.c $UW -O2 -mavx2 -mfma
build $B/gunzip_tool tests/gunzip_tool.c $UW -O3 -march=native
targets=
if [ -z "$SAN" ]; then
    build $B/nn-O0 nn.c -O0 # (some warnings, -Wformat-truncation among them, show only without optimisation)
    # ThreadSanitizer: nn serve's event loop and workers, and training on two threads
    compile nn-tsan $CC -std=c11 -g -O1 -fsanitize=thread -o $B/nn-tsan nn.c -lm -lpthread
    command -v clang >/dev/null && CC=clang build $B/nn-clang nn.c -O2 -march=native
    for f in 1 2 3 4; do
        compile unit-fault$f $CC $WARN $UW -O2 -march=native -DNN_FAULT=$f -o $B/unit-fault$f tests/unit.c -lm -lpthread
    done
    # the fuzz corpora, replayed under ASan+UBSan (plain programs, no
    # libFuzzer); the targets are the Makefile's FUZZ_TARGETS
    targets=$(make -s --no-print-directory print-fuzz-targets)
    [ -n "$targets" ] || fail "make print-fuzz-targets printed no fuzz targets"
    for t in $targets; do
        compile replay-$t $CC -std=c11 -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all $UW \
            -o $B/replay-$t tests/fuzz/fuzz_$t.c -lm -lpthread
    done
    # README's one-line build without make, as written there
    line=$(grep -m1 '^cc -std=c11 .* -o nn nn.c' README.md | sed 's/ *#.*//')
    rm -rf $B/oneline && mkdir -p $B/oneline && cp nn.c $B/oneline/
    [ -n "$line" ] && compile oneline sh -c "cd $B/oneline && $line"
fi
wait
built $B/nn
built $B/nn-portable
if [ -z "$SAN" ]; then
    built $B/nn-O0
    if [ -n "$line" ] && [ "$(cat $B/oneline.crc)" = 0 ] && [ ! -s $B/oneline.warn ] &&
        (cd $B/oneline && ./nn train --train ../../data/digits.csv --label-col last --epochs 1 --quiet --out m.bin); then
        pass "README's one-line build: $line"
    else
        fail "README's one-line build '$line': $(head -c 300 $B/oneline.warn 2>/dev/null)"
    fi
    if command -v clang >/dev/null; then
        built $B/nn-clang
    else
        skipped "build with clang" "clang is not installed" "clang"
    fi
fi
built $B/unit && counted "unit native" $B/unit
built $B/unit-plain && counted "unit plain" $B/unit-plain
[ $HAVE_AVX2 = 1 ] && built $B/unit-avx2 && counted "unit avx2" $B/unit-avx2
for f in $( [ -z "$SAN" ] && echo 1 2 3 4); do
    if [ "$(cat $B/unit-fault$f.crc)" = 0 ]; then
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
built $B/gunzip_tool && counted "gzip" tests/gzip.sh $B/gunzip_tool $B/nn
# the threads under ThreadSanitizer: serve.sh's server (its workers, SIGHUP
# and SIGTERM under load), and networks trained on two and three threads
# (three: groups of images split unevenly): a dense one, convolutions and
# pools after each other, a pool on the input, batch normalisation; any
# report fails (each goes to a file of its own)
if [ -z "$SAN" ]; then
    if [ "$(cat $B/nn-tsan.crc)" = 0 ]; then
        rm -f $B/tsan.*
        export TSAN_OPTIONS="log_path=$PWD/$B/tsan"
        counted "serve under ThreadSanitizer" env NN_TEST_SLOW=4 tests/serve.sh $B/nn-tsan
        for run in 1x8x8-4c3-mp2-10:2 64-30-10:2 1x8x8-4c3p1-mp2-6c3p1-mp2-10:3 1x8x8-mp2-4c2-10:3 1x8x8-4c3p1-bn-mp2-12-bn-10:3; do
            spec=${run%:*} th=${run#*:}
            if $B/nn-tsan train --train data/digits.csv --label-col last --layers $spec --epochs 2 --threads $th --quiet --out $B/tsan-model.bin; then
                pass "training $spec on $th threads under ThreadSanitizer ran"
            else
                fail "training $spec on $th threads under ThreadSanitizer: exit $?"
            fi
        done
        unset TSAN_OPTIONS
        if ls $B/tsan.* >/dev/null 2>&1; then
            fail "ThreadSanitizer reported: $(grep -h -m2 -A3 'WARNING' $B/tsan.* | head -c 600)"
        else
            pass "ThreadSanitizer: no report from nn serve or training on two and three threads"
        fi
    else
        fail "nn does not build with -fsanitize=thread: $(head -c 300 $B/nn-tsan.warn)"
    fi
fi
for t in $targets; do
    if [ "$(cat $B/replay-$t.crc)" = 0 ]; then
        if out=$($B/replay-$t tests/fuzz/corpus/$t 2>&1) && ! echo "$out" | grep -q 'runtime error\|AddressSanitizer'; then
            pass "fuzz corpus $t under ASan+UBSan: $(echo "$out" | tail -1)"
        else
            fail "fuzz corpus $t: $(echo "$out" | grep -m3 'ERROR\|runtime error')"
        fi
    else
        fail "fuzz target $t does not build: $(head -c 300 $B/replay-$t.warn)"
    fi
done
# the man page renders without warnings; make install and uninstall
if [ -n "$SAN" ]; then
    :
elif command -v man >/dev/null; then
    w=$(MANWIDTH=80 man --warnings -l nn.1 2>&1 >/dev/null)
    [ -z "$w" ] && MANWIDTH=80 man -l nn.1 2>/dev/null | grep -q -- '--checkpoint' && pass "man -l nn.1 renders without warnings" || fail "man page: $w"
else
    skipped "man -l nn.1 renders without warnings" "man is not installed" "man-db"
fi
inst=$(mktemp -d)
if [ -n "$SAN" ]; then
    :
elif make -s install BIN=$B/nn PREFIX=/usr/local DESTDIR="$inst" >/dev/null 2>&1 && [ -x "$inst/usr/local/bin/nn" ] &&
    [ -f "$inst/usr/local/share/man/man1/nn.1" ] && "$inst/usr/local/bin/nn" --version >/dev/null &&
    make -s uninstall PREFIX=/usr/local DESTDIR="$inst" >/dev/null 2>&1 && [ ! -e "$inst/usr/local/bin/nn" ]; then
    pass "make install and uninstall with PREFIX and DESTDIR"
else
    fail "make install/uninstall"
fi
rm -rf "$inst"
# the scripts, two at a time; then the portable build through those of the command line
parallel $B/nn "" $OTHERS $CHECK
# (under the sanitizers without modelfile and output, the slowest there, whose
# plain-C paths the others and the plain unit tests cover: CI's time)
parallel $B/nn-portable " portable" cli csv idx predict eval train $([ -z "$SAN" ] && echo modelfile output)
if [ -z "$SAN" ]; then
    counted "valgrind" tests/valgrind.sh
    counted "textbook" tests/textbook.sh $B/nn
fi
finish
