#!/bin/bash
# valgrind memcheck of train, predict, eval, resume, info, a table's train
# (--folds), predict, eval, export and an error, and a convolutional
# network's train, resume, predict, eval, weights and export; train --report,
# report, explain --out (dense and convolutional), show and eval --out; on small data:
# no errors, no leaks (any is exit status 9).  nn.c is built here with -O1 -g
# for valgrind's reports.  Needs valgrind; skipped without it.
# Usage: tests/valgrind.sh   (prints PASS/FAIL/SKIP lines and a summary)
set -u
NN=/dev/null # this script builds the nn it runs
. "$(dirname "$0")/lib.sh"
cd "$top" || exit 1
if ! command -v valgrind >/dev/null; then
    skip "valgrind: memcheck of every command" "valgrind is not installed" "valgrind"
    summary valgrind
    exit
fi
${CC:-cc} -std=c11 -O1 -g -o "$T/nn" nn.c -lm -lpthread || { bad "valgrind: nn.c does not build"; summary valgrind; exit; }
V="valgrind --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all --error-exitcode=9 -q"
check() { # NAME WANT-STATUS CMD...
    local name=$1 want=$2
    shift 2
    "$@" >/dev/null 2>"$T/log"
    local rc=$?
    if [ $rc = "$want" ]; then ok "valgrind $name"; else bad "valgrind $name (exit $rc)"; tail -20 "$T/log"; fi
}
D=data/digits.csv
check train 0 $V "$T/nn" train --train $D --label-col last --holdout 297 --epochs 2 --layers 64-30relu-10softmax \
    --optimizer adam --dropout 0.1 --val 100 --checkpoint "$T/ck" --out "$T/m.bin" --threads 2
check predict 0 $V "$T/nn" predict "$T/m.bin" $D --label-col last --probs
check eval 0 $V "$T/nn" eval "$T/m.bin" $D --label-col last
check "eval of a bad file" 1 $V "$T/nn" eval "$T/m.bin" tests/fuzz/corpus/csv/ragged
check resume 0 $V "$T/nn" train --resume "$T/ck" --out "$T/m2.bin"
check info 0 $V "$T/nn" info "$T/m.bin"
check "mismatched IDX" 1 $V "$T/nn" predict "$T/m.bin" tests/fuzz/corpus/idx/tiny
gzip -c $D >"$T/d.csv.gz"
check "gzip CSV" 0 $V "$T/nn" eval "$T/m.bin" "$T/d.csv.gz" --label-col last
# a table: categories, missing values, a regression with --folds, predict through the table, export
C=data/cars.csv
check "table train --folds" 0 $V "$T/nn" train --train $C --target Miles_per_Gallon --ignore Name --epochs 3 --folds 2 \
    --threads 2 --out "$T/cars.bin"
cut -d, -f1,3- $C | sed 's/USA/Mars/' >"$T/cars-q.csv"
check "table predict (an unseen category)" 0 $V "$T/nn" predict "$T/cars.bin" "$T/cars-q.csv"
check "table eval --errors" 0 $V "$T/nn" eval "$T/cars.bin" $C --errors 3
check "table export" 0 $V "$T/nn" export "$T/cars.bin" --c "$T/cars.h"
check "table info" 0 $V "$T/nn" info "$T/cars.bin"
check "a free-text column (an error)" 1 $V "$T/nn" train --train $C --target Miles_per_Gallon --out "$T/x.bin"
# a convolutional network: train (dropout, augment, checkpoint, 2 threads), resume, predict, eval, weights, export
check "conv train" 0 $V "$T/nn" train --train $D --label-col last --holdout 297 --epochs 2 --layers 1x8x8-4c3p1-mp2-3c2-ap3-20-10 \
    --dropout 0.1 --augment shift:1,flip --val 100 --checkpoint "$T/cck" --out "$T/c.bin" --threads 2
check "conv resume" 0 $V "$T/nn" train --resume "$T/cck" --out "$T/c2.bin"
check "conv predict" 0 $V "$T/nn" predict "$T/c.bin" $D --label-col last --probs
check "conv eval --errors" 0 $V "$T/nn" eval "$T/c.bin" $D --label-col last --errors 2
check "conv weights" 0 $V "$T/nn" weights "$T/c.bin" --pgm "$T/c.pgm"
check "conv export" 0 $V "$T/nn" export "$T/c.bin" --c "$T/c.h"
check "train --report" 0 $V "$T/nn" train --train $D --label-col last --holdout 297 --epochs 2 --out "$T/r.bin" --report "$T/r.html"
check "report" 0 $V "$T/nn" report "$T/m.bin" $D --label-col last --out "$T/p.html"
check "explain --out" 0 $V "$T/nn" explain "$T/m.bin" $D --label-col last --index 3 --out "$T/ex"
check "conv explain --out" 0 $V "$T/nn" explain "$T/c.bin" $D --label-col last --index 3 --out "$T/cx"
check "show and eval --out" 0 sh -c "$V $T/nn show $D --label-col last --count 3 --out $T/s.png && $V $T/nn eval $T/c.bin $D --label-col last --errors 3 --out $T/e.png"
check "a bad spec (an error)" 2 $V "$T/nn" train --train $D --layers 1x8x8-4c9-10 --out "$T/x.bin"
summary valgrind
