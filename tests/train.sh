#!/bin/bash
# Training: accuracy on the digits (sigmoid, relu/softmax, momentum, adam,
# L2, dropout, schedules, early stopping), the same model byte for byte on
# any thread count, another seed another model, divergence stopped with a
# clear message and the old model kept, --log, the chart and the progress
# bar, --quiet, --standardize, --val, allocation failure under ulimit -v.
# Usage: tests/train.sh [path/to/nn]   (prints PASS/FAIL/SKIP lines and a summary)
set -u
NN=${1:-./nn}
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1 # outputs that an nn might wrongly create (a file named '-') land here
D="$top/data/digits.csv"
tail -n +2 "$top/data/iris.csv" >iris.csv # numbered classes, no header

# ---- learning the digits; the same model on any thread count -----------------------------------
"$NN" train --train "$D" --label-col last --holdout 297 --out "$T/dh.bin" 2>"$T/log"
acc=$(sed -n 's/.*test accuracy \([0-9.]*\)%.*/\1/p' "$T/log")
awk -v a="$acc" 'BEGIN{exit !(a >= 93)}' && ok "digits 64-30-10 held-out accuracy $acc% >= 93%" || bad "digits accuracy '$acc'"
"$NN" train --train "$D" --label-col last --holdout 297 --out "$T/d2.bin" --threads 1 2>/dev/null
"$NN" train --train "$D" --label-col last --holdout 297 --out "$T/d3.bin" --threads 3 2>/dev/null
cmp -s "$T/dh.bin" "$T/d2.bin" && cmp -s "$T/dh.bin" "$T/d3.bin" && ok "same seed: byte-identical model with 1, 2, 3 threads" || bad "models differ across threads"
"$NN" train --train "$D" --label-col last --holdout 297 --out "$T/d4.bin" --seed 2 2>/dev/null
cmp -s "$T/dh.bin" "$T/d4.bin" && bad "another seed gives the same model" || ok "another seed gives another model"
cut -d, -f1-64 "$D" >"$T/feat.csv"

# ---- modern training on the digits ------------------------------------------------
"$NN" train --train "$D" --label-col last --holdout 297 --layers 64-100relu-10softmax --optimizer momentum --eta 0.05 \
    --epochs 20 --lambda 1 --dropout 0.2 --schedule cosine --val 150 --patience 5 --out "$T/m.bin" 2>"$T/mlog"
acc=$(sed -n 's/.*test accuracy \([0-9.]*\)%.*/\1/p' "$T/mlog")
awk -v a="$acc" 'BEGIN{exit !(a >= 95)}' && ok "relu/softmax/momentum/L2/dropout/cosine/val on digits: $acc% >= 95%" || bad "modern recipe on digits: '$acc' $(tail -2 "$T/mlog")"
grep -q "validation" "$T/mlog" && grep -q "saved the model of epoch" "$T/mlog" && ok "the log says which epoch was kept" || bad "kept epoch not logged"
"$NN" info "$T/m.bin" >"$T/mi" && grep -q "optimizer momentum, momentum 0.9" "$T/mi" && grep -q "relu" "$T/mi" && grep -q "softmax" "$T/mi" &&
    grep -q "lambda 1, dropout 0.2" "$T/mi" && grep -q "cost log-likelihood" "$T/mi" && grep -q "schedule cosine" "$T/mi" && ok "info shows the recorded settings" || bad "info: $(cat "$T/mi")"
"$NN" predict "$T/m.bin" "$T/feat.csv" --probs | head -1 | awk -F, '{s=0; for(i=1;i<=NF;i++) s+=$i; exit !(NF==10 && s>0.999 && s<1.001)}' && ok "softmax probabilities sum to 1" || bad "softmax probs"
"$NN" train --train "$D" --label-col last --holdout 297 --layers 64-50relu-10softmax --optimizer adam --epochs 8 --out "$T/a.bin" 2>"$T/alog"
acc=$(sed -n 's/.*test accuracy \([0-9.]*\)%.*/\1/p' "$T/alog")
awk -v a="$acc" 'BEGIN{exit !(a >= 93)}' && ok "adam on digits: $acc%" || bad "adam on digits '$acc'"
"$NN" train --train "$D" --label-col last --holdout 297 --val 200 --patience 1 --epochs 200 --eta 8 --out "$T/p.bin" 2>"$T/plog"
grep -q "stopping early" "$T/plog" && [ "$(grep -c '^epoch' "$T/plog")" -lt 200 ] && ok "early stopping with --patience" || bad "patience: $(tail -2 "$T/plog")"
"$NN" train --train "$D" --label-col last --holdout 297 --layers 64-40tanh-10 --cost cross-entropy --schedule step --step 3 --gamma 0.5 --eta 0.5 --epochs 7 --out "$T/s.bin" 2>"$T/slog"
grep -q "epoch 4/7: .*eta 0.25," "$T/slog" && grep -q "epoch 7/7: .*eta 0.125," "$T/slog" && ok "step schedule halves eta every 3 epochs" || bad "step schedule: $(grep ^epoch "$T/slog" | head -7)"
cp "$T/dh.bin" "$T/div.bin"
"$NN" train --train "$D" --label-col last --layers 64-30relu-10linear --eta 1000 --epochs 3 --out "$T/div.bin" 2>"$T/dlog"; rc=$?
[ $rc = 1 ] && grep -q "diverged in epoch 1, mini-batch" "$T/dlog" && grep -q "smaller --eta than 1000" "$T/dlog" &&
    cmp -s "$T/div.bin" "$T/dh.bin" && ok "divergence: exit 1, names the epoch, suggests a smaller --eta, keeps the old model" || bad "divergence: rc $rc $(cat "$T/dlog")"

# ---- the log, the chart, the progress bar, --quiet -------------------------------------------
"$NN" train --train "$D" --label-col last --holdout 297 --val 100 --epochs 5 --log "$T/log.csv" --out "$T/l.bin" 2>"$T/llog"
[ "$(head -1 "$T/log.csv")" = "epoch,train_cost,train_accuracy,validation_accuracy,test_accuracy,eta,seconds" ] &&
    [ "$(wc -l <"$T/log.csv")" = 6 ] && awk -F, 'NR>1 && (NF!=7 || $3<=0 || $4<=0 || $5<=0) {exit 1}' "$T/log.csv" &&
    ok "--log: a header and one CSV row per epoch with every column" || bad "--log: $(cat "$T/log.csv")"
grep -q "validation accuracy by epoch: " "$T/llog" && ok "training ends with a chart of accuracy per epoch" || bad "no chart"
grep -q $'\r' "$T/llog" && bad "progress bar drawn when stderr is not a terminal" || ok "plain lines when stderr is not a terminal"
if command -v script >/dev/null; then
    for i in $(seq 40); do cat "$D"; done >"$T/big.csv"   # an epoch long enough for the bar to be drawn
    script -q -c "'$NN' train --train '$T/big.csv' --label-col last --layers 64-1000-10 --epochs 1 --batch 1 --threads 1 --out '$T/pty.bin'" /dev/null >"$T/pty" 2>&1
    grep -q "examples/s" "$T/pty" && ok "a progress bar with examples/s on a terminal" || bad "no progress bar on a terminal"
else
    skip "train: the progress bar on a terminal (made with script)" "script is not installed" "bsdutils"
fi
"$NN" train --train "$D" --label-col last --epochs 2 --quiet --out "$T/q.bin" 2>"$T/qlog"
[ ! -s "$T/qlog" ] && ok "--quiet: nothing on stderr" || bad "--quiet printed: $(cat "$T/qlog")"

# ---- --standardize ------------------------------------------------------------------
printf '1,10,0\n3,10,1\n1,10,0\n3,10,1\n' >"$T/st.csv"   # column 1: mean 2, deviation 1; column 2: constant
"$NN" train --train "$T/st.csv" --label-col last --standardize --epochs 500 --batch 2 --quiet --out "$T/st.bin" &&
    "$NN" export "$T/st.bin" --c "$T/st.h" --prefix nn && tr -d ' \n' <"$T/st.h" | grep -q 'nn_mean\[2\]={2.0f,10.0f};' &&
    tr -d ' \n' <"$T/st.h" | grep -q 'nn_rsd\[2\]={1.0f,1.0f};' && "$NN" info "$T/st.bin" | grep -q "inputs standardized" &&
    "$NN" eval "$T/st.bin" "$T/st.csv" --label-col last | grep -q "accuracy 1.0000" &&
    ok "--standardize: mean 2 and deviation 1 stored (a constant column left as is), used by eval" || bad "--standardize: $(grep -A1 nn_mean "$T/st.h")"
"$NN" train --train "$D" --label-col last --holdout 297 --standardize --layers 64-40tanh-10softmax --eta 0.1 --epochs 20 --out "$T/sd.bin" 2>"$T/sdlog"
acc=$(sed -n 's/.*test accuracy \([0-9.]*\)%.*/\1/p' "$T/sdlog")
awk -v a="$acc" 'BEGIN{exit !(a >= 93)}' && ok "--standardize on the digits: $acc%" || bad "--standardize digits '$acc'"
"$NN" predict "$T/sd.bin" - --probs <"$T/feat.csv" | cmp -s - <("$NN" predict "$T/sd.bin" "$D" --label-col last --probs) && ok "standardized: streamed and file predictions agree" || bad "standardize stream"
"$NN" export "$T/sd.bin" --c "$T/sd.h" --prefix nn && cc -std=c11 -O2 -DNN_HEADER="\"$T/sd.h\"" -o "$T/fw2" "$top/tests/export_main.c" -lm &&
    "$T/fw2" <"$T/feat.csv" | cut -d, -f1 | cmp -s - <("$NN" predict "$T/sd.bin" "$T/feat.csv") && ok "export --c of a standardized model gives the same labels" || bad "export standardized"
expect "scale and standardize" 2 "--scale or --standardize" "$NN" train --train "$D" --scale 16 --standardize

# ---- divergence that is not NaN -------------------------------------------------------------
for spec in 64-30-10 64-30relu-10softmax; do
    timeout 20 "$NN" train --train "$D" --label-col last --layers $spec --eta 100000 --epochs 5 --threads 1 --out dv.bin >/dev/null 2>err
    rc=$?
    [ $rc = 1 ] && grep -qE 'smaller --eta' err && grep -qi 'epoch' err && ok "$spec at --eta 100000: stops, exit 1, names the epoch, suggests a smaller --eta" ||
        bad "$spec --eta 100000: exit $rc: $(tail -1 err)"
done
rm -f dv1.bin
timeout 20 "$NN" train --train "$D" --label-col last --layers 64-30-10linear --epochs 5 --threads 1 --out dv1.bin >/dev/null 2>err
rc=$?
[ $rc = 1 ] && [ ! -e dv1.bin ] && grep -qi 'no model' err && ok "divergence in epoch 1 says no model was saved" || bad "epoch 1: exit $rc: $(tail -1 err)"

# ---- --val, --standardize and --dropout at their edges; memory ---------------------------------
# the rows a --val fraction holds out
head -20 iris.csv >s20.csv
early "--val 0.01 of 20 rows: says 0 rows held out" "--val holds out 0 of the 20 rows" "$NN" train --train s20.csv --label-col last --val 0.01 --epochs 1 --out x.bin
# --standardize of values float cannot centre: a clear error, not "diverged"
printf '0,3e38,1\n1,-3e38,2\n0,3e38,4\n1,3e38,6\n' >ov.csv
early "--standardize with 3e38: says why" "ov.csv: feature 1: a value of -3e\+38 is too far from the feature.s mean" "$NN" train --train ov.csv --standardize --epochs 2 --out x.bin
expect "--dropout with no hidden layer: a warning" 0 "warning: --dropout has no effect" "$NN" train --train iris.csv --label-col last --layers 4-3 --dropout 0.5 --epochs 1 --out x.bin
if [ "${SANITIZE:-0}" = 1 ]; then
    echo "not run under AddressSanitizer, which reserves terabytes of address space: ulimit -v"
else
(ulimit -v 400000; "$NN" train --train "$D" --label-col last --layers 64-65536-1000-10 --epochs 1 --threads 1 --out "$T/huge.bin" 2>"$T/err"; echo $? >"$T/rc")
[ "$(cat "$T/rc")" = 1 ] && grep -q "out of memory" "$T/err" && ok "ulimit -v: allocation failure is a clear error" || bad "ulimit -v: rc $(cat "$T/rc") $(cat "$T/err")"
fi

summary train
