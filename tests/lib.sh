# Sourced by every test script of the nn command (tests/*.sh but run.sh), after
# NN is set to the nn under test:
#   - NN made an absolute path, the project root in $top, a scratch directory
#     $T removed on exit;
#   - the counters, with ok, bad and skip; the script ends with `summary NAME`,
#     whose line "NAME: P passed, F failed[, S skipped]" tests/run.sh adds up;
#   - expect (exit status, stderr and stdout of a command), early (an error
#     before training starts) and wait_for (a line in a log);
#   - finding the optional tools and data: find_python, find_ort, find_fashion,
#     find_chromium.
# A skip names what is not tested and the Debian package that would test it;
# with NN_TEST_NO_SKIP=1 (as CI sets) a skip is a failure.
# A job a script starts with & inherits SIGINT ignored, and nn keeps it so (as
# conventional tools do): a test that interrupts one starts it with
# env --default-signal=INT.
NN=$(cd "$(dirname "$NN")" && pwd)/$(basename "$NN")
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0 skips=0
ok() { pass=$((pass + 1)); echo "PASS $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $(echo "$*" | tr "\n" " ")"; }

# skip WHAT REASON PACKAGES: WHAT is not tested because REASON; PACKAGES
# (apt-get install's arguments, or a command line) would make it tested.
skip() {
    if [ "${NN_TEST_NO_SKIP:-0}" = 1 ]; then
        bad "$1: $2 (install: apt-get install $3) and NN_TEST_NO_SKIP=1 forbids skipping"
    else
        skips=$((skips + 1))
        echo "SKIP $1: $2 (install: apt-get install $3)"
    fi
}

# expect NAME STATUS PATTERN CMD...: CMD exits with STATUS, its stderr
# contains PATTERN (grep -E; empty: anything), and nothing reaches stdout on
# an error (nor at all, with quiet_ok=1 set for the call).
expect() {
    local name=$1 want=$2 pat=$3
    shift 3
    "$@" >"$T/out" 2>"$T/err"
    local got=$?
    if [ "$got" != "$want" ]; then
        bad "$name: exit $got, wanted $want; stderr: $(head -c 300 "$T/err")"
    elif [ -n "$pat" ] && ! grep -qE -- "$pat" "$T/err"; then
        bad "$name: stderr lacks /$pat/: $(head -c 300 "$T/err")"
    elif [ "$want" != 0 ] && [ -s "$T/out" ]; then
        bad "$name: wrote to stdout on error"
    elif [ -n "${quiet_ok:-}" ] && [ -s "$T/out" ]; then
        bad "$name: printed $(wc -l <"$T/out") lines"
    else
        ok "$name"
    fi
}

# early NAME PATTERN CMD...: CMD fails with exit 1 and a message matching
# PATTERN before it trains (no epoch line on stderr).
early() {
    local name=$1 pat=$2
    shift 2
    "$@" >"$T/out" 2>"$T/err"
    local got=$?
    if [ "$got" != 1 ] || ! grep -qE -- "$pat" "$T/err"; then
        bad "$name: exit $got: $(grep -v '^epoch' "$T/err" | head -c 300)"
    elif grep -q '^epoch' "$T/err"; then
        bad "$name: reported only after $(grep -c '^epoch' "$T/err") epochs of training"
    else
        ok "$name"
    fi
}

# Time limits are stretched NN_TEST_SLOW times (tests/run.sh sets 4 under the
# sanitizers, which run nn several times slower): timeout N CMD... is
# timeout(1) with N * NN_TEST_SLOW seconds.
timeout() {
    case $1 in
    *[!0-9]* | '') command timeout "$@" ;;
    *) command timeout $(($1 * ${NN_TEST_SLOW:-1})) "${@:2}" ;;
    esac
}

# wait_for FILE PATTERN: until PATTERN appears in FILE (at most 20 s, times
# NN_TEST_SLOW)
wait_for() { for _ in $(seq $((200 * ${NN_TEST_SLOW:-1}))); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done; return 1; }

# find_python [MODULE...]: set PY to a python3 that imports MODULEs: $PYTHON,
# else the first python3 on PATH that has them (a pyenv python3 may lack
# Debian's python3-numpy, which /usr/bin/python3 then has).
find_python() {
    local p
    PY=
    for p in ${PYTHON:-} $(type -ap python3); do
        if "$p" -c "import sys; [__import__(m) for m in sys.argv[1:]]" "$@" 2>/dev/null; then
            PY=$p
            return 0
        fi
    done
    return 1
}

# find_ort: set ORT to a directory holding node_modules/onnxruntime-node:
# $NN_ORT_DIR, else ~/.cache/nn-ort.  Nothing is installed from here.
ORT_HINT="nodejs npm; then mkdir -p DIR && cd DIR && npm install --ignore-scripts onnxruntime-node, and set NN_ORT_DIR=DIR"
# find_chromium: set CHROMIUM to a headless-capable Chromium (Debian's
# chromium, or chromium-browser, google-chrome), and CHROMIUM_RUN to run it
# without a sandbox (as root in CI) and without a GPU.
find_chromium() {
    local c
    CHROMIUM=
    for c in ${NN_CHROMIUM:-} chromium chromium-browser google-chrome; do
        if command -v "$c" >/dev/null; then
            CHROMIUM=$(command -v "$c")
            return 0
        fi
    done
    return 1
}

find_ort() {
    local d
    ORT=
    command -v node >/dev/null || return 1
    for d in ${NN_ORT_DIR:-} ${HOME:-/nonexistent}/.cache/nn-ort; do
        if [ -d "$d/node_modules/onnxruntime-node" ]; then
            ORT=$d
            return 0
        fi
    done
    return 1
}

# find_fashion: make sure data/ holds Fashion-MNIST's four IDX files; when it
# does not, unpack them from Debian's dataset-fashion-mnist ($NN_FASHION_DIR,
# by default /usr/share/datasets/fashion-mnist) with scripts/get-data.sh.
FASHION_HINT=dataset-fashion-mnist
find_fashion() {
    local f src=${NN_FASHION_DIR:-/usr/share/datasets/fashion-mnist}
    local files="train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte"
    for f in $files; do [ -f "$top/data/$f" ] || break; done
    [ -f "$top/data/$f" ] && return 0
    for f in $files; do [ -f "$src/$f.gz" ] || return 1; done
    if [ "$src" = /usr/share/datasets/fashion-mnist ]; then
        "$top/scripts/get-data.sh" fashion >/dev/null
    else
        for f in $files; do gzip -dc "$src/$f.gz" >"$top/data/$f.tmp.$$" && mv "$top/data/$f.tmp.$$" "$top/data/$f" || return 1; done
    fi
}

summary() {
    if [ "$skips" != 0 ]; then
        echo "$1: $pass passed, $fail failed, $skips skipped"
    else
        echo "$1: $pass passed, $fail failed"
    fi
    [ "$fail" = 0 ]
}
