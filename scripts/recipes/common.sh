# Sourced by the recipes: make sure ./nn and Fashion-MNIST in data/ exist,
# then `recipe ARGS...` trains with them and prints the test accuracy of the
# saved model as the last line.
set -eu
cd "$(dirname "$0")/../.."
[ -x ./nn ] || make -s nn
[ -f data/train-images-idx3-ubyte ] || scripts/get-data.sh fashion
recipe() {
    local out log
    out=$(mktemp) log=$(mktemp)
    ./nn train --train data/train-images-idx3-ubyte --test data/t10k-images-idx3-ubyte --class-names data/fashion-classes.txt --out "$out" "$@" 2>&1 | tee "$log" >&2
    ./nn eval "$out" data/t10k-images-idx3-ubyte | head -1
    rm -f "$out" "$log"
}
