# Shared by tests/cli.sh, tests/edges.sh and tests/props.sh (sourced, after
# NN is set): an absolute path for NN, the project root in $top, a scratch
# directory $T removed on exit, the pass/fail counters with ok and bad, and
# expect.  The caller ends with `summary NAME`.
NN=$(cd "$(dirname "$NN")" && pwd)/$(basename "$NN")
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "PASS $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $(echo "$*" | tr "\n" " ")"; }

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

summary() {
    echo "$1: $pass passed, $fail failed"
    [ "$fail" = 0 ]
}
