#!/bin/bash
# T1, the textbook run on Fashion-MNIST: 784-30-10, sigmoid, quadratic cost,
# eta 3.0, mini-batch 10, 30 epochs, default seed.  Must reach a final test
# accuracy >= 84.5% and a best epoch >= 85.5% (the textbook's Python program
# here: 85.3% final, 86.0% best; PyTorch with the same math: 84.7-85.9% final).
# Usage: tests/t1.sh [path/to/nn]; fetches the data with scripts/get-data.sh.
set -u
NN=${1:-./nn}
cd "$(dirname "$0")/.." || exit 1
if [ ! -f data/train-images-idx3-ubyte ] && ! scripts/get-data.sh fashion; then
    echo "FAIL T1: no Fashion-MNIST in data/ (install dataset-fashion-mnist)"
    echo "t1: 0 passed, 1 failed"
    exit 1
fi
log=$(mktemp)
trap 'rm -f "$log" "$log.bin"' EXIT
start=$(date +%s.%N)
"$NN" train --layers 784-30-10 --eta 3.0 --batch 10 --epochs 30 \
    --train data/train-images-idx3-ubyte --test data/t10k-images-idx3-ubyte --out "$log.bin" 2>"$log"
rc=$?
end=$(date +%s.%N)
final=$(sed -n 's/.*test accuracy \([0-9.]*\)%.*/\1/p' "$log")
best=$(sed -n 's/.*(best epoch \([0-9.]*\)% at epoch \([0-9]*\)).*/\1/p' "$log")
bepoch=$(sed -n 's/.*(best epoch \([0-9.]*\)% at epoch \([0-9]*\)).*/\2/p' "$log")
secs=$(awk -v a="$start" -v b="$end" 'BEGIN{printf "%.2f", b-a}')
p=0 f=0
if [ $rc = 0 ] && awk -v a="$final" 'BEGIN{exit !(a >= 84.5)}'; then
    echo "PASS T1 final test accuracy $final% >= 84.5%"; p=$((p+1))
else
    echo "FAIL T1 final test accuracy '$final' (exit $rc)"; tail -3 "$log"; f=$((f+1))
fi
if [ $rc = 0 ] && awk -v a="$best" 'BEGIN{exit !(a >= 85.5)}'; then
    echo "PASS T1 best epoch $best% (epoch $bepoch) >= 85.5%"; p=$((p+1))
else
    echo "FAIL T1 best epoch '$best'"; f=$((f+1))
fi
echo "T1 wall time ${secs} s (whole process, loading included)"
echo "t1: $p passed, $f failed"
[ $f = 0 ]
