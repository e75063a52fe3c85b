#!/bin/bash
# What a student meets while learning with nn: --rows (the first N training
# rows), the epoch chart (training and test accuracy on one scale, a narrow
# range not stretched, --chart fixed), and the mistakes nn says rather than
# training silently: a label column that does not look like labels, --test
# equal to --train, IDX images without their labels option, --labels for
# --train-labels, 784x30x10, saturated sigmoids (a note on --init scaled),
# an interrupted run without --checkpoint, --resume of a model, and with
# --val no best test epoch presented as a result.
#   tests/learning.sh path/to/nn
NN=${1:-./nn}
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1
D=$top/data

# --rows
expect "--rows N: the first N rows, said" 0 "digits.csv: training on its first 500 of 1797 rows \(--rows\)" \
    "$NN" train --train "$D/digits.csv" --label-col last --rows 500 --epochs 1 --out r.bin
grep -q "500 training rows" "$T/err" && ok "--rows 500: 500 training rows" || bad "--rows: $(cat "$T/err")"
expect "--rows past the data: all rows, with a warning" 0 "warning: --rows 5000: .*digits.csv has 1797 rows; all are used" \
    "$NN" train --train "$D/digits.csv" --label-col last --rows 5000 --epochs 1 --out r.bin
"$NN" train --train "$D/digits.csv" --label-col last --rows 500 --holdout 100 --epochs 1 --out r.bin 2>err >/dev/null
grep -q "400 training rows" err && ok "--holdout comes out of the --rows rows" || bad "--rows with --holdout: $(cat err)"
expect "--rows 0" 2 "--rows '0': expected a whole number from 1 to" "$NN" train --rows 0
expect "--rows x" 2 "--rows 'x'" "$NN" train --rows x

# the chart
"$NN" train --train "$D/digits.csv" --label-col last --holdout 300 --epochs 4 --out c.bin 2>err >/dev/null
grep -qE "^test accuracy by epoch: +[^ ]+$" err && grep -qE "^training accuracy \(first 512 rows\) by epoch: [^ ]+  \(both lines, on one scale: [0-9.]+% \.\. [0-9.]+%\)$" err &&
    [ "$(grep '^test accuracy by epoch' err | tr -cd '\342' | wc -c)" = 4 ] && [ "$(grep '^training accuracy' err | tr -cd '\342' | wc -c)" = 4 ] &&
    ok "the chart: test accuracy, and the training accuracy on the first 512 rows under it" || bad "chart: $(grep 'by epoch' err)"
"$NN" train --train "$D/iris.csv" --test "$D/iris.csv" --epochs 3 --eta 1e-9 --out c.bin 2>err >/dev/null
grep -q "(both lines, on one scale: 33.33% .. 33.33%: a narrow range, drawn on a scale of 10 percentage points)" err && grep -q "^test accuracy by epoch: *▄▄▄$" err &&
    ok "a flat run is drawn at mid height, its narrow range said" || bad "narrow chart: $(grep 'by epoch' err)"
"$NN" train --train "$D/iris.csv" --test "$D/iris.csv" --epochs 3 --eta 1e-9 --chart fixed --out c.bin 2>err >/dev/null
grep -q "drawn from 0 to 100%" err && grep -q "by epoch: *▃▃▃" err && ok "--chart fixed: 0 to 100%" || bad "chart fixed: $(grep 'by epoch' err)"
expect "--chart other" 2 "--chart 'log': expected auto or fixed" "$NN" train --chart log

# a label column that is a pixel: 100 rows, the last column 0 but in 2 rows
awk 'BEGIN { srand(3); for (r = 0; r < 100; r++) { l = ""; for (c = 0; c < 6; c++) l = l int(rand() * 200) ","; print l (r == 7 ? 30 : r == 50 ? 12 : 0) } }' >pix.csv
expect "a label column whose class numbers are mostly absent is refused, with its figures" 1 \
    "pix.csv: the labels \(column 7, chosen as no --label-col was given\) are 31 classes, 3 of them present, 98.0% of the rows class 0: is this column the label, or has the file none\? give --label-col N" \
    "$NN" train --train pix.csv --epochs 1 --out p.bin
[ ! -e p.bin ] && ok "no model from doubted labels" || bad "p.bin written from a pixel column"
awk 'BEGIN { srand(4); for (r = 0; r < 100; r++) { l = ""; for (c = 0; c < 6; c++) l = l int(rand() * 200) ","; print l (r < 3 ? 1 : 0) } }' >rare.csv
expect "a label column with one class in 97% of the rows: a warning" 0 "warning: rare.csv: the labels \(column 7, .*2 classes, 2 of them present, 97.0% of the rows class 0" \
    "$NN" train --train rare.csv --epochs 1 --out p.bin
"$NN" train --train pix.csv --label-col 7 --epochs 1 --out p.bin 2>err >/dev/null
! grep -q "is this column the label" err && ok "no warning when --label-col names the column" || bad "label warning with --label-col"
"$NN" train --train "$D/digits.csv" --label-col last --epochs 1 --out p.bin 2>err >/dev/null
! grep -q "is this column the label" err && ok "no label warning for real labels" || bad "label warning on digits"

expect "--test equal to --train is warned" 0 "warning: 1797 of the 1797 rows of .*digits.csv \(100%\) are rows of .*digits.csv too: its accuracy says how well the network remembers them" \
    "$NN" train --train "$D/digits.csv" --test "$D/digits.csv" --label-col last --epochs 1 --out t.bin
cp "$D/digits.csv" copy.csv
expect "--test equal by content under another name" 0 "1797 of the 1797 rows of copy.csv \(100%\) are rows of" \
    "$NN" train --train "$D/digits.csv" --test copy.csv --label-col last --epochs 1 --out t.bin
sort -R "$D/digits.csv" | head -1000 >some.csv
expect "--test of training rows in another order, a subset" 0 "1000 of the 1000 rows of some.csv \(100%\) are rows of" \
    "$NN" train --train "$D/digits.csv" --test some.csv --label-col last --epochs 1 --out t.bin
"$NN" train --train "$D/digits.csv" --label-col last --holdout 300 --epochs 1 --out t.bin 2>err >/dev/null
! grep -q "are rows of" err && ok "no overlap warning for a held-out test set" || bad "overlap warning on --holdout"

# IDX images without labels: 4 images of 2x2
printf '\x00\x00\x08\x03\x00\x00\x00\x04\x00\x00\x00\x02\x00\x00\x00\x02' >imgs.idx
head -c 16 /dev/urandom >>imgs.idx
expect "IDX images without labels: the option train takes" 1 "imgs.idx: IDX images need a labels file: give --train-labels FILE" \
    "$NN" train --train imgs.idx --epochs 1 --out i.bin
expect "--labels in train suggests --train-labels" 2 "unknown option --labels; did you mean --train-labels\?" \
    "$NN" train --train imgs.idx --labels x
expect "784x30x10: layers are separated by '-'" 2 "more than the limit of 65536 inputs \(layers are separated by '-': 784-30-10\)" \
    "$NN" train --layers 784x30x10
expect "'784 30 10': layers are separated by '-'" 2 "unexpected ' ' in part 1 \(layers are separated by '-': 784-30-10\)" "$NN" train --layers "784 30 10"
expect "'784, 30, 10': layers are separated by '-'" 2 "\(layers are separated by '-': 784-30-10\)" "$NN" train --layers "784, 30, 10"
expect "--label suggests --label-col" 2 "unknown option --label; did you mean --label-col\?" "$NN" train --label 3

# saturated sigmoids: digits undivided (0..16) into 100 sigmoids of N(0, 1) weights
expect "saturated sigmoids after epoch 1: a note on --init scaled" 0 \
    "note: after epoch 1, [0-9]+% of layer 1's sigmoid outputs on the first 512 training rows are within 0.02 of 0 or 1.*--init scaled" \
    "$NN" train --train "$D/digits.csv" --label-col last --layers 64-100-10 --scale 1 --epochs 1 --out s.bin
"$NN" train --train "$D/digits.csv" --label-col last --layers 64-100-10 --scale 1 --init scaled --epochs 1 --out s.bin 2>err >/dev/null
! grep -q "note: after epoch 1" err && ok "no saturation note with --init scaled" || bad "saturation note with --init scaled"

# an interrupted run without --checkpoint; --resume of a model
env --default-signal=INT "$NN" train --train "$D/digits.csv" --label-col last --epochs 5000 --out int.bin 2>ilog >/dev/null &
pid=$!
wait_for ilog '^epoch 2/' && kill -INT $pid
wait $pid
rc=$?
[ $rc = 130 ] && grep -q "SIGINT: saved the model as trained so far to int.bin; to be able to resume a run, start it with --checkpoint FILE" ilog &&
    ok "Ctrl-C without --checkpoint says how to be able to resume" || bad "SIGINT without checkpoint: exit $rc, $(tail -2 ilog)"
expect "--resume of a model says where runs resume from" 1 "is a model file, not a training checkpoint \(a run resumes from the --checkpoint FILE it was started with\)" \
    "$NN" train --resume int.bin

# with --val the test set chooses nothing
"$NN" train --train "$D/digits.csv" --label-col last --holdout 300 --val 200 --epochs 3 --out v.bin 2>err >/dev/null
grep -qE "^nn: saved the model of epoch [0-9]+ \(the best validation accuracy, [0-9.]+%\), v.bin: test accuracy [0-9.]+%, [0-9.]+ s$" err &&
    ! grep -q "best epoch" err && ok "with --val the last line shows no best test epoch" || bad "--val last line: $(tail -1 err)"
"$NN" train --train "$D/digits.csv" --label-col last --holdout 300 --epochs 3 --out v.bin 2>err >/dev/null
grep -q "(best epoch .* at epoch" err && ok "without --val the best test epoch is still shown" || bad "no --val last line: $(tail -1 err)"

# --class-names for numbered labels
names=zero,one,two,three,four,five,six,seven,eight,nine
expect "--class-names: names for numbered classes" 0 "" "$NN" train --train "$D/digits.csv" --label-col last --class-names $names --epochs 3 --out cn.bin
"$NN" predict cn.bin "$D/digits.csv" --label-col last 2>/dev/null | head -200 | sort -u >pn
[ "$(wc -l <pn)" -ge 5 ] && ! grep -qv -E '^(zero|one|two|three|four|five|six|seven|eight|nine)$' pn && ok "predict prints the class names" || bad "predict names: $(head -3 pn)"
"$NN" eval cn.bin "$D/digits.csv" --label-col last --errors 1 >ev 2>&1
grep -q "^accuracy 0\." ev && grep -q "  seven " ev && ok "eval reads numbered labels against a model with names, and reports by name" || bad "eval names: $(head -5 ev)"
"$NN" info cn.bin | grep -q "classes 0=zero, 1=one, 2=two" && ok "info lists the names" || bad "info names"
awk -F, 'BEGIN { split("zero one two three four five six seven eight nine", n, " ") } { $65 = n[$65 + 1]; print }' OFS=, "$D/digits.csv" >named-digits.csv
a=$("$NN" eval cn.bin "$D/digits.csv" --label-col last | head -1) b=$("$NN" eval cn.bin named-digits.csv --label-col last | head -1)
[ -n "$a" ] && [ "$a" = "$b" ] && ok "labels given by the class names are read as their numbers ($a)" || bad "named labels: '$b' against '$a'"
"$NN" train --train "$D/digits.csv" --label-col last --class-names ' zero, one ,two,three,four,five,six,seven,eight,nine ' --epochs 1 --out sp.bin 2>/dev/null
"$NN" info sp.bin | grep -q "classes 0=zero, 1=one, 2=two, .*9=nine$" && ok "spaces around a class name are dropped" || bad "names with spaces: $("$NN" info sp.bin | grep classes)"
printf 'zero\none\r\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\n' >names.txt
"$NN" train --train "$D/digits.csv" --label-col last --class-names names.txt --epochs 1 --out cf.bin 2>/dev/null && "$NN" info cf.bin | grep -q "1=one, 2=two" &&
    ok "--class-names FILE: one a line (CRLF too)" || bad "--class-names FILE"
expect "--class-names: too few" 2 "--class-names a,b,c: 3 names for 10 classes \(the labels go from 0 to 9\)" \
    "$NN" train --train "$D/digits.csv" --label-col last --class-names a,b,c --epochs 1 --out x.bin
expect "--class-names: a name twice" 2 "'a' is given twice \(names 1 and 3\)" "$NN" train --train "$D/digits.csv" --class-names a,b,a
expect "--class-names: an empty name" 2 "name 2 is empty" "$NN" train --train "$D/digits.csv" --class-names a,,b
expect "--class-names: a missing file" 2 "--class-names 'nosuch.txt': no such file" "$NN" train --train "$D/digits.csv" --class-names nosuch.txt
printf 'x,y\n1,a\n2,b\n3,a\n4,b\n' >named.csv
expect "--class-names for labels that are names already" 2 "the labels in named.csv are names already \(a, ...\)" \
    "$NN" train --train named.csv --class-names p,q --epochs 1 --out x.bin
[ ! -e x.bin ] && ok "no model written by the --class-names errors" || bad "x.bin written"
# a regression on one input draws the function it fitted (the universal-approximation chapter)
awk 'BEGIN { print "x,y"; for (i = 0; i < 200; i++) { x = i / 20; printf "%.3f,%.5f\n", x, sin(x) } }' >sin.csv
"$NN" train --train sin.csv --target y --layers 1-20tanh-1linear --epochs 150 --out sin.bin --quiet 2>/dev/null || bad "train sin"
"$NN" eval sin.bin sin.csv --ascii >fit.txt 2>/dev/null
grep -q "^the fitted function: y (up) against x (across), 200 rows; '.' the data, '\*' the prediction$" fit.txt &&
    [ "$(grep -c '^ .*|' fit.txt)" = 20 ] && [ "$(grep -o '\*' fit.txt | wc -l)" -gt 50 ] &&
    ok "eval of a regression on one input: the fitted function, data and prediction against the input" || bad "fitted function: $(head -c 600 fit.txt)"
# a names file may have comment lines
printf '# the digits, by name\nzero\none\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\n' >digits-names.txt
"$NN" train --train "$D/digits.csv" --label-col last --class-names digits-names.txt --epochs 1 --out dn.bin --quiet 2>dn.err &&
    "$NN" info dn.bin | grep -q '^classes 0=zero, 1=one, .*9=nine$' && ok "--class-names FILE: a '#' line is a comment" || bad "names file with a comment: $(cat dn.err)"
# show --class-names: numbered labels by name
"$NN" show "$D/digits.csv" --label-col last --count 2 --class-names zero,one,two,three,four,five,six,seven,eight,nine --ascii >sh.txt 2>/dev/null &&
    [ "$(grep '^row' sh.txt | tr '\n' ' ')" = "row 0: label zero row 1: label one " ] && ok "show --class-names prints the labels' names" || bad "show --class-names: $(grep '^row' sh.txt)"
expect "show --class-names: fewer names than classes" 2 "fewer names than classes" "$NN" show "$D/digits.csv" --label-col last --class-names a,b
# more epochs than the chart has columns: it says which it draws
"$NN" train --train "$D/digits.csv" --label-col last --holdout 297 --epochs 130 --out ch.bin 2>ch.err
grep -q '^test accuracy by epoch:.*; a bar every 3 epochs)$' ch.err || grep -q '^training accuracy .*; a bar every 3 epochs)$' ch.err &&
    ok "a chart of 130 epochs says it draws a bar every 3 epochs" || bad "chart squeeze: $(tail -2 ch.err)"
summary learning
