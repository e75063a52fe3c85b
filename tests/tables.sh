#!/bin/bash
# Tables and regression: targets and label columns by name, categorical
# columns one-hot encoded, missing values (every spelling) and unseen
# categories, the table defaults on data/cars.csv, predict/eval in the data's
# units, several targets, --log, SIGINT and resume of a regression, --folds
# reproduced by hand, headers told from rows (case, extra columns, pandas'
# index, decimal commas, a header through a pipe), the exported C header of a
# table model against nn itself, and the errors for bad input.  Each test
# checks the answer (values, figures, messages), not only that nn ran.
# Usage: tests/tables.sh [path/to/nn]   (prints PASS/FAIL/SKIP lines and a summary)
set -u
NN=${1:-./nn}
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1
CARS=$top/data/cars.csv

# the split: rows without a target dropped, every 5th remaining row is a test row
awk -F, 'NR == 1 { print > "ctr.csv"; print > "cte.csv"; next } $2 == "" { next }
         { k++; print > (k % 5 == 0 ? "cte.csv" : "ctr.csv") }' "$CARS"

# ---- the table defaults on cars.csv ------------------------------------------------------
"$NN" train --train "$CARS" --target Miles_per_Gallon --ignore Name --out all.bin --epochs 3 2>err >out
if grep -qF "a table of 9 columns: 6 numbers, 1 category one-hot encoded ('Origin': 3 values), 1 target ('Miles_per_Gallon'), 1 ignored; 6 missing values filled in with the column means" err &&
    grep -qF "8 rows without a target dropped" err && grep -qF "nn: table defaults, for a table (--target, --ignore given; text columns; missing values; a header of names; see the table above): a 9-ple8v-64-1 network of relu units" err &&
    grep -qF "each input as its value and 8 bins between its quantiles (398 rows, at least 256, and a column of more than two values)" err && [ ! -s out ]; then
    ok "cars.csv: the table, its missing values and the dropped rows are said on stderr"
else
    bad "cars.csv notices: $(head -c 400 err)"
fi
"$NN" train --train ctr.csv --target Miles_per_Gallon --ignore Name --out cars.bin 2>err
r2=$("$NN" eval cars.bin cte.csv 2>/dev/null | sed -n '1s/^r2 \([-0-9.]*\),.*/\1/p')
if awk -v r="$r2" 'BEGIN { exit !(r >= 0.89) }'; then
    ok "cars: the table defaults alone reach test R^2 $r2 (>= 0.89)"
else
    bad "cars: test R^2 '$r2' with the table defaults, wanted >= 0.89"
fi

# the bins of the table defaults: 256 rows or more, and a column of more than two values
awk 'BEGIN { srand(3); print "a,b,c,y"; for (i = 0; i < 300; i++) { a = int(2 * rand()); b = int(2 * rand()); c = rand(); print a "," b "," c "," (a + b > 1 ? "yes" : "no") } }' >bins.csv
head -256 bins.csv >bins255.csv
cut -d, -f1,2,4 bins.csv >flags.csv
"$NN" train --train bins.csv --label-col y --epochs 1 --out b.bin 2>err >/dev/null
grep -qF "a 3-ple8v-64-2 network" err && grep -qF "(300 rows, at least 256," err && "$NN" info b.bin 2>/dev/null | grep -q "^1 *ple8v *27 " &&
    ok "the table defaults: 300 rows and a column of numbers, each input as its value and 8 bins (ple8v), said" || bad "bins on 300 rows: $(grep defaults err | head -c 300)"
"$NN" train --train bins255.csv --label-col y --epochs 1 --out b.bin 2>err >/dev/null
grep -qF "a 3-64-2 network" err && ! grep -q "bins between" err && ok "the table defaults: 255 rows, no bins" || bad "bins on 255 rows: $(grep defaults err | head -c 300)"
"$NN" train --train flags.csv --label-col y --epochs 1 --out b.bin 2>err >/dev/null
grep -qF "a 2-64-2 network" err && ! grep -q "bins between" err && ok "the table defaults: columns of two values only, no bins" || bad "bins on flags: $(grep defaults err | head -c 300)"

# ---- regression in the data's units: predict and eval agree ------------------------------
awk 'BEGIN { srand(5); print "id,x1,x2,price"
             for (i = 0; i < 600; i++) { a = rand(); b = rand(); printf "%d,%.6f,%.6f,%.4f\n", i, a, b, 1000 + 300 * a - 200 * b * b } }' >lin.csv
head -401 lin.csv >lintr.csv
(head -1 lin.csv; tail -n +402 lin.csv) >linte.csv
"$NN" train --train lintr.csv --target price --ignore id --val 0 --epochs 200 --quiet --out lin.bin
"$NN" predict lin.bin linte.csv >p.out 2>err
rmse=$(awk -F, 'NR > 1 { print $4 }' linte.csv | paste -d, - <(tail -n +2 p.out) | awk -F, '{ s += ($1 - $2)^2 } END { printf "%.6g", sqrt(s / NR) }')
ev=$("$NN" eval lin.bin linte.csv 2>/dev/null | head -1)
evr=$(echo "$ev" | sed -n 's/.*rmse \([0-9.e+-]*\).*/\1/p')
if [ "$(wc -l <p.out)" = 201 ] && [ "$(head -1 p.out)" = price ] && awk -v a="$rmse" -v b="$evr" 'BEGIN { exit !(a < 10 && (a - b)^2 < (1e-4 * b)^2) }' &&
    echo "$ev" | grep -qE '^r2 0\.99'; then
    ok "regression: predict prints values in the data's units under the target's name (RMSE $rmse on values near 1000), eval agrees ($ev)"
else
    bad "regression round trip: predict RMSE '$rmse', eval '$ev'"
fi
"$NN" predict lin.bin linte.csv --format json | head -1 >j.out
if grep -qE '^\{"schema":"nn-predict/1","value":1[0-9]{3}(\.[0-9]+)?\}$' j.out; then ok "regression: --format json gives {\"value\":...}"; else bad "json: $(cat j.out)"; fi
"$NN" eval lin.bin linte.csv --errors 3 >e.out 2>/dev/null
if grep -qE '^price +[0-9.e+-]+ +[0-9.e+-]+ +[0-9.e+-]+ +0\.99' e.out && [ "$(grep -cE '^[0-9]+ +price ' e.out)" = 3 ] &&
    grep -q "predicted (up) against true (across), 200 rows" e.out; then
    ok "eval: MSE, RMSE, MAE and R^2 per target, --errors 3 lists 3 residuals, and the scatter"
else
    bad "eval regression report: $(head -c 300 e.out)"
fi
expect "predict --probs on a regression model is a usage error" 2 "for classifiers" "$NN" predict lin.bin linte.csv --probs
# two targets: one output each, comma-separated values, {"values":[...]}
awk -F, 'BEGIN { OFS = "," } NR == 1 { print $0, "half"; next } { print $0, $4 / 2 }' lintr.csv >two.csv
"$NN" train --train two.csv --target price,half --ignore id --val 0 --epochs 100 --quiet --out two.bin
"$NN" predict two.bin linte.csv --format json | head -1 >j2.out
if grep -qE '^\{"schema":"nn-predict/1","values":\[[0-9.e+-]+,[0-9.e+-]+\]\}$' j2.out && [ "$("$NN" predict two.bin linte.csv | head -1 | tr ',' '\n' | wc -l)" = 2 ]; then
    ok "two targets: two values per line, {\"values\":[...]}"
else
    bad "two targets: $(cat j2.out)"
fi

# ---- a regression run: --log, SIGINT, checkpoint and resume --------------------------------
RA="--train lintr.csv --target price --ignore id --layers 2-300relu-200tanh-1linear --batch 2 --val 50 --epochs 150 --threads 1"
"$NN" train $RA --out full.bin --quiet --log rlog.csv
head -1 rlog.csv | grep -qx "epoch,train_cost,train_r2,validation_r2,test_r2,eta,seconds" && [ "$(wc -l <rlog.csv)" -gt 2 ] &&
    ok "regression --log: its columns are R^2" || bad "regression log: $(head -2 rlog.csv | tr '\n' ' ')"
env --default-signal=INT "$NN" train $RA --out int.bin --checkpoint ck.bin 2>ilog &
pid=$!
wait_for ilog "^epoch 3/" && kill -INT $pid
wait $pid
rc=$?
if [ $rc = 130 ] && "$NN" train --resume ck.bin --quiet && cmp -s int.bin full.bin; then
    ok "regression: interrupted (exit 130) and resumed = uninterrupted, byte for byte"
else
    bad "regression resume: exit $rc, $(tail -2 ilog | tr '\n' ' ')"
fi

# fields_program FILE HEADER N COLS ROWS: a C program printing nn_predict_fields' first output for each of N rows of
# COLS fields (ROWS: the C initializer of a const char *[N][COLS] array)
fields_program() {
    printf '#include <stdio.h>\n#include "%s"\nint main(void)\n{\n    static const char *const rows[%s][%s] = %s;\n' "$2" "$3" "$4" "$5" >"$1"
    printf '    for (int r = 0; r < %s; r++) {\n        float out[NN_OUTPUTS];\n        if (nn_predict_fields(rows[r], out) < 0) return 1;\n' "$3" >>"$1"
    printf '        printf("%%.9g\\n", out[0]);\n    }\n    return 0;\n}\n' >>"$1"
}
# ---- categories and missing values: file, stdin, reordered columns, the C header --------
cat >cat.csv <<'EOF'
colour,size,weight,y
red,1.0,10,5.5
blue,2.0,,7.0
green,,30,9.1
red,4.0,40,NA
,5.0,50,11.8
blue,6.0,60,14.2
green,7.0,70,15.9
red,8.0,80,17.7
blue,9.0,90,20.3
green,10.0,100,21.8
red,11.0,110,24.4
blue,12.0,120,26.1
EOF
"$NN" train --train cat.csv --target y --val 0 --epochs 50 --out cat.bin 2>err
if grep -qF "a table of 4 columns: 2 numbers, 1 category one-hot encoded ('colour': 4 values), 1 target ('y'); 2 missing values filled in with the column means" err &&
    grep -qF "1 row without a target dropped" err; then
    ok "categories and missing values: said on stderr (the missing colour is a category of its own)"
else
    bad "categories notice: $(head -c 300 err)"
fi
printf 'colour,size,weight\nred,3,33\nblue,,44\n,5,55\ngreen,7,NA\n' >q.csv
"$NN" predict cat.bin q.csv >q1.out 2>/dev/null
"$NN" predict cat.bin - <q.csv >q2.out 2>/dev/null
printf 'weight,colour,y,size\n33,red,1,3\n44,blue,2,\n55,,3,5\nNA,green,4,7\n' | "$NN" predict cat.bin - >q3.out 2>/dev/null
tail -n +2 q.csv | "$NN" predict cat.bin - --header no >q4.out 2>/dev/null
if [ "$(wc -l <q1.out)" = 5 ] && [ "$(head -1 q1.out)" = y ] && cmp -s q1.out q2.out && cmp -s q1.out q3.out && tail -n +2 q1.out | cmp -s - q4.out; then
    ok "a table model: the same answers from a file, stdin, columns reordered by name (the target there), no header (then no header line out)"
else
    bad "table predict paths differ: $(paste q1.out q2.out q3.out q4.out | head -4 | tr '\n' ' ')"
fi
if command -v cc >/dev/null; then
    "$NN" export cat.bin --c cat.h --prefix nn
    fields_program usecat.c cat.h 4 4 '{{"red", "3", "33", NULL}, {"blue", "", "44", NULL}, {"", "5", "55", NULL}, {"green", "7", "NA", NULL}}'
    if cc -std=c99 -Wall -Wextra -Werror -o usecat usecat.c -lm 2>cc.err && ./usecat >h.out &&
        tail -n +2 q1.out | paste h.out - | awk '{ d = $1 - $2; if (d < 0) d = -d; if (d > 1e-4 * ($2 < 0 ? -$2 : $2) + 1e-5) bad++ } END { exit bad > 0 }'; then
        ok "the exported header encodes categories and missing values as nn does: the same answers"
    else
        bad "exported header: $(head -c 200 cc.err) $(paste h.out q1.out | tr '\n' ' ')"
    fi
else
    bad "cc is not installed"
fi
# pandas' round trip of R's factors: level "6" comes back as 6.0, TRUE as True; nn and the exported header take both as the level
awk 'BEGIN { srand(6); print "\"cyl\",\"am\",\"x\",\"y\""; for (i = 0; i < 60; i++) { c = 4 + 2 * (i % 3); a = i % 2 ? "TRUE" : "FALSE"; x = rand();
     printf "\"%d\",%s,%.3f,%.3f\n", c, a, x, x + c / 4 + (a == "TRUE") } }' >lv.csv
"$NN" train --train lv.csv --target y --val 0 --epochs 30 --out lv.bin 2>/dev/null
printf 'cyl,am,x\n6.0,True,0.5\n6,TRUE,0.5\n8.0,false,0.5\n' | "$NN" predict lv.bin - --no-header >lv1.out 2>lv1.err
"$NN" export lv.bin --c lv.h --prefix nn 2>/dev/null
fields_program uselv.c lv.h 3 4 '{{"6.0", "True", "0.5", NULL}, {"6", "TRUE", "0.5", NULL}, {"8.0", "false", "0.5", NULL}}'
if cc -std=c99 -Wall -Wextra -Wconversion -Werror -o uselv uselv.c -lm 2>cc.err && ./uselv >lv2.out &&
    paste lv1.out lv2.out | awk '{ d = $1 - $2; if (d < 0) d = -d; if (d > 1e-4 * ($1 < 0 ? -$1 : $1) + 1e-5) bad++ } END { exit bad > 0 || NR != 3 }' &&
    [ "$(sed -n 1p lv1.out)" = "$(sed -n 2p lv1.out)" ] && ! grep -q unseen lv1.err; then
    ok "pandas' 6.0 and True for R's levels \"6\" and TRUE: the levels in nn and in the exported header's fields, the same answers"
else
    bad "levels as pandas writes them: $(head -c 200 cc.err) $(cat lv1.err) $(paste lv1.out lv2.out | tr '\n' ' ')"
fi
# R's factor level "None" (quoted in training; bare when written with quote = FALSE) is a level, in nn and its C header
awk 'BEGIN { srand(5); print "\"bags\",\"x\",\"y\""; for (i = 0; i < 60; i++) { b = i % 3 == 0 ? "None" : i % 3 == 1 ? "Driver" : "Both";
     x = rand(); printf "\"%s\",%.3f,%.3f\n", b, x, x + (b == "None") * 2 } }' >none.csv
"$NN" train --train none.csv --target y --val 0 --epochs 30 --out none.bin 2>/dev/null
printf 'bags,x\nNone,0.5\nDriver,0.5\n,0.5\n' | "$NN" predict none.bin - --no-header >none1.out 2>/dev/null
"$NN" export none.bin --c none.h --prefix nn 2>/dev/null
fields_program usenone.c none.h 3 3 '{{"None", "0.5", NULL}, {"Driver", "0.5", NULL}, {"", "0.5", NULL}}'
if cc -std=c99 -Wall -Wextra -Werror -o usenone usenone.c -lm 2>cc.err && ./usenone >none2.out &&
    paste none1.out none2.out | awk '{ d = $1 - $2; if (d < 0) d = -d; if (d > 1e-4 * ($1 < 0 ? -$1 : $1) + 1e-5) bad++ } END { exit bad > 0 || NR != 3 }' &&
    [ "$(sed -n 1p none1.out)" != "$(sed -n 3p none1.out)" ]; then
    ok "R's level None: a level in nn (not the missing value) and in the exported header's fields, the same answers"
else
    bad "level None: $(head -c 200 cc.err) $(paste none1.out none2.out | tr '\n' ' ')"
fi

# ---- every missing-value spelling is the training mean ----------------------------------
mean=$(awk -F, 'NR > 1 && $4 != "NA" && $2 != "" { s += $2; n++ } END { printf "%.9g", s / n }' cat.csv)
"$NN" info cat.bin | sed -n 's/.*size .*number, missing -> //p' >fill.out
awk -v m="$mean" '{ exit !(($1 - m)^2 < (1e-6 * m)^2) }' fill.out && ok "info: the size column's fill value is its training mean ($mean)" ||
    bad "info fill: $(cat fill.out), wanted $mean"
printf 'colour,size,weight\nred,%s,33\n' "$mean" | "$NN" predict cat.bin - >m0.out 2>/dev/null
for sp in '' NA N/A n/a na NaN nan NAN null NULL None '?'; do
    printf 'colour,size,weight\nred,%s,33\n' "$sp" | "$NN" predict cat.bin - >m1.out 2>err
    if cmp -s m0.out m1.out && grep -qF "1 missing value filled in with the training means" err; then
        ok "missing '$sp': the training mean, said on stderr"
    else
        bad "missing '$sp': $(cat m1.out) vs $(cat m0.out); $(head -c 200 err)"
    fi
done
printf 'colour,size,weight\n"NA",3,33\n' | "$NN" predict cat.bin - >m2.out 2>err
grep -qF "'NA' in column 'colour'" err && ok "a quoted \"NA\" is a name, not a missing value" || bad "quoted NA: $(head -c 200 err)"

# ---- an unseen category -----------------------------------------------------------------
printf 'colour,size,weight\nmauve,3,33\nmauve,4,44\n' | "$NN" predict --no-header cat.bin - >u.out 2>err
if [ "$(wc -l <u.out)" = 2 ] && [ "$(grep -c "2 rows with a category not seen in training (its one-hot inputs are all 0): 'mauve' in column 'colour'" err)" = 1 ]; then
    ok "an unseen category: one warning naming it, and an answer per row"
else
    bad "unseen category: $(head -c 300 err)"
fi

# ---- --missing drop and error ---------------------------------------------------------
"$NN" train --train cat.csv --target y --missing drop --val 0 --epochs 5 --out d.bin 2>err
grep -qF "3 rows with a missing value dropped (--missing drop)" err && ok "--missing drop: rows dropped, with a count" || bad "--missing drop: $(head -c 300 err)"
expect "--missing error: names the file, line and column" 1 "cat.csv:3: column 3 \(weight\): a missing value" "$NN" train --train cat.csv --target y --missing error --out e.bin

# ---- --folds, reproduced by hand ---------------------------------------------------------
awk 'BEGIN { srand(9); print "a,b,y"; for (i = 0; i < 31; i++) { a = rand(); b = rand(); printf "%.5f,%.5f,%.5f\n", a, b, a + 2 * b + 0.1 * rand() } }' >f.csv
F="--target y --val 0 --epochs 40 --threads 1"
"$NN" train --train f.csv $F --folds 3 --out f.bin 2>err >/dev/null
good=1
for k in 0 1 2; do
    awk -F, -v k=$k 'NR == 1 || (NR - 2) % 3 != k' f.csv >ftr.csv
    awk -F, -v k=$k 'NR == 1 || (NR - 2) % 3 == k' f.csv >fte.csv
    "$NN" train --train ftr.csv $F --quiet --out fk.bin
    want=$("$NN" eval fk.bin fte.csv | sed -n '1s/^r2 \([-0-9.]*\),.*/\1/p')
    got=$(sed -n "s/^nn: fold $((k + 1))\/3: R^2 \([-0-9.]*\),.*/\1/p" err)
    [ -n "$want" ] && [ "$want" = "$got" ] || { good=0; bad "--folds: fold $((k + 1)) R^2 '$got', by hand '$want'"; }
done
mean=$(sed -n 's/^nn: 3 folds: R^2 \([-0-9.]*\) +- \([0-9.]*\),.*/\1 \2/p' err)
byhand=$(sed -n 's/^nn: fold [0-9]\/3: R^2 \([-0-9.]*\),.*/\1/p' err | awk '{ x[NR] = $1; s += $1 } END { m = s / NR; for (i = 1; i <= NR; i++) v += (x[i] - m)^2; printf "%.4f %.4f", m, sqrt(v / (NR - 1)) }')
[ "$good" = 1 ] && [ -n "$mean" ] && awk -v a="$mean" -v b="$byhand" 'BEGIN { split(a, x, " "); split(b, y, " "); exit !((x[1] - y[1])^2 < 2e-8 && (x[2] - y[2])^2 < 2e-8) }' &&
    ok "--folds 3: each fold's R^2 and their mean and deviation reproduced by hand ($mean)" || bad "--folds summary '$mean', by hand '$byhand'"
[ -s f.bin ] && ok "--folds: the final model is written" || bad "--folds wrote no model"

# ---- columns by name, and bad input ----------------------------------------------------------
printf 'sepal_length,sepal_width,petal_length,petal_width,species\n' >iris_named.csv
awk -F, 'NR > 1 { split("setosa versicolor virginica", n, " "); print $1 "," $2 "," $3 "," $4 "," n[$5 + 1] }' "$top/data/iris.csv" >>iris_named.csv
"$NN" train --train iris_named.csv --label-col species --out iris.bin --epochs 30 --quiet 2>err
"$NN" eval iris.bin iris_named.csv 2>/dev/null | head -1 >ie.out
grep -qE '^accuracy 0\.9[0-9]+ \([0-9]+/150\)$' ie.out && ok "--label-col species: classes by a header name ($(cat ie.out))" || bad "--label-col NAME: $(cat ie.out) $(head -c 200 err)"
expect "an unknown column name is an error naming the header" 1 "--target 'mpg': no such column; the header names Name, Miles_per_Gallon" "$NN" train --train "$CARS" --target mpg --out x.bin
expect "a column name in the wrong case gets a suggestion" 1 "did you mean 'Miles_per_Gallon'" "$NN" train --train "$CARS" --target miles_per_gallon --out x.bin
expect "a target that is also ignored is an error" 1 "--ignore: column 'Miles_per_Gallon' is a target already" "$NN" train --train "$CARS" --target Miles_per_Gallon --ignore Name,Miles_per_Gallon --out x.bin
expect "a non-numeric target is an error naming the line" 1 "cars.csv:2: column 1 \(Name\): 'chevrolet chevelle malibu' is not a number" "$NN" train --train "$CARS" --target Name --out x.bin
expect "a free-text column without --ignore is an error that says how to drop it" 1 "column 'Name' holds text with .* not a category; give --ignore Name" "$NN" train --train "$CARS" --target Miles_per_Gallon --out x.bin
expect "--target and --label-col together are a usage error" 2 "not both" "$NN" train --train "$CARS" --target Miles_per_Gallon --label-col Origin --out x.bin
expect "--missing with a bad value is a usage error" 2 "expected mean, drop or error" "$NN" train --train "$CARS" --target Miles_per_Gallon --missing zero --out x.bin
expect "a header name without a header is an error" 1 "line 1 was not taken as a header" "$NN" train --train "$top/data/iris.csv" --header no --target petal --out x.bin
cut -d, -f1,2,4- cte.csv >nohp.csv
expect "predict without a column the model needs names it" 1 "no column 'Cylinders' in the header" "$NN" predict cars.bin nohp.csv
expect "rows of another layout are an error counting the columns" 1 "65 columns, but the model's table has 9 \(8 without its label or target\)" "$NN" eval cars.bin "$top/data/digits.csv" --header no

# ---- the files people have: a BOM, CRLF, pandas' index column -------------------------------
printf '\xef\xbb\xbf' >bom.csv
sed 's/$/\r/' cte.csv >>bom.csv
"$NN" predict cars.bin cte.csv >b0.out 2>/dev/null
"$NN" predict cars.bin bom.csv >b1.out 2>/dev/null
cmp -s b0.out b1.out && [ -s b0.out ] && ok "a BOM and CRLF line ends: the same answers" || bad "BOM/CRLF answers differ"
awk -F, 'BEGIN { OFS = "," } NR == 1 { print "", $0; next } { print NR - 2, $0 }' ctr.csv >pandas.csv
"$NN" train --train pandas.csv --target Miles_per_Gallon --ignore 1,Name --epochs 5 --quiet --out pd.bin 2>err &&
    "$NN" info pd.bin | grep -qE '^ +1 +\(empty name\) +ignored$' && ok "pandas' unnamed index column: --ignore 1" || bad "pandas index: $(head -c 200 err) $("$NN" info pd.bin 2>&1 | grep -m1 '^  1')"

# ---- quoted numbers, headers told from rows, decimal commas, column numbers and names ---------
# a quoted number is a number in a table too
printf '"a","b","y"\n"1","2","3"\n"2","3","5"\n"3","1","4"\n"4","4","8"\n' >q.csv
printf 'a,b,y\n1,2,3\n2,3,5\n3,1,4\n4,4,8\n' >u.csv
"$NN" train --train q.csv --target y --val 0 --epochs 5 --quiet --out q.bin 2>err &&
    "$NN" train --train u.csv --target y --val 0 --epochs 5 --quiet --out u.bin && cmp -s q.bin u.bin &&
    ok "quoted numbers in a table are numbers: the same model as unquoted" || bad "quoted numbers: $(head -c 200 err)"
# R's write.csv of a table of factors without row names quotes every field: quoted whole numbers of a few repeated
# values are its factors' levels, as in the same file with R's row names
awk 'BEGIN { srand(9); print "\"\",\"a\",\"b\",\"cls\""; for (i = 1; i <= 80; i++) { a = 1 + int(3 * rand()); b = 2 * int(2 * rand());
     printf "\"%d\",\"%d\",\"%d\",\"%s\"\n", i, a, b, (a == 2) != (b == 0) ? "y" : "n" } }' >fq.csv
cut -d, -f2- fq.csv >fq0.csv
"$NN" train --train fq.csv --label-col cls --epochs 5 --out fq.bin 2>/dev/null && "$NN" train --train fq0.csv --label-col cls --epochs 5 --out fq0.bin 2>fq.err &&
    "$NN" predict fq.bin fq0.csv --probs >fq1.out 2>/dev/null && "$NN" predict fq0.bin fq0.csv --probs >fq2.out 2>/dev/null && [ -s fq1.out ] && cmp -s fq1.out fq2.out &&
    grep -qF "2 categories one-hot encoded ('a': 3 values; 'b': 2 values)" fq.err && grep -qF "(every number in the file is quoted: whole numbers of at most 16 values, repeated)" fq.err &&
    ok "a file quoting every field (R's factors, no row names): quoted levels are categories, said, the model of the file with row names" || bad "all quoted: $(cat fq.err)"
# a header with a name in another case, or an extra column, is a header, never a row
awk 'BEGIN { srand(3); print "colour,size,y"; split("red green blue", C, " "); split("S M L", S, " ")
             for (i = 0; i < 200; i++) { c = int(rand() * 3); s = int(rand() * 3); printf "%s,%s,%d\n", C[c + 1], S[s + 1], 10 * c + s + 1 } }' >cs.csv
"$NN" train --train cs.csv --target y --quiet --out cs.bin
printf 'colour,size\nred,S\nblue,L\n' | "$NN" predict cs.bin - >c0.out 2>/dev/null
expect "a header with a name in another case is an error naming both" 1 "no column 'colour' in the header, which has 'Colour'" \
    sh -c "printf 'Colour,size\nred,S\n' | '$NN' predict cs.bin -"
printf 'size,colour,note\nS,red,a\nL,blue,b\n' | "$NN" predict cs.bin - >c1.out 2>err
cmp -s c0.out c1.out && grep -qF "column 'note' not among the model's; ignored" err &&
    ok "an extra column: a notice, and the same answers by name" || bad "extra column: $(cat c1.out | tr '\n' ' ') $(head -c 200 err)"
printf 'red,S\nblue,L\n' | "$NN" predict cs.bin - >c2.out 2>/dev/null
tail -n +2 c0.out | cmp -s - c2.out && ok "rows of categories without a header are rows" || bad "headerless categories: $(cat c2.out | tr '\n' ' ')"
# the header alone first through a pipe; a header and no rows
(printf 'colour,size\n'; sleep 1; printf 'red,S\nblue,L\n') | "$NN" predict cs.bin - >c3.out 2>err
cmp -s c0.out c3.out && ok "a header arriving before its rows through a pipe" || bad "header first: $(head -c 200 err)"
quiet_ok=1 expect "a header and no rows: nothing printed, exit 0" 0 "" sh -c "printf 'colour,size\n' | '$NN' predict cs.bin -"
# decimal commas (R's write.csv2, Excel): read as numbers when ';' separates the fields, and said
printf 'x;y\n1,5;3\n2,5;5\n1,5;3\n3,5;7\n2,5;5\n' >dc.csv
tr , . <dc.csv >dp.csv
"$NN" train --train dp.csv --target y --epochs 20 --out dp.bin 2>/dev/null
expect "decimal commas in a table: numbers, and said" 0 "dc.csv: numbers with a decimal comma \(1,5\) read as 1.5" "$NN" train --train dc.csv --target y --epochs 20 --out dc.bin
cmp -s dc.bin dp.bin && ok "decimal commas: the model equals the one from decimal points" || bad "decimal commas: a different model"
expect "--decimal . refuses decimal commas, with the hint" 1 "dc.csv:2: column 'x': '1,5' is not a number \(a decimal comma\? give --decimal ,\)" "$NN" train --train dc.csv --target y --decimal . --out dc2.bin
"$NN" predict dp.bin dp.csv >dp.out 2>/dev/null
"$NN" predict dp.bin dc.csv >dc.out 2>err
cmp -s dp.out dc.out && grep -qF "decimal comma" err && ok "predict reads decimal commas from a file, and says so" || bad "predict dc: $(head -c 200 err)"
(head -2 dc.csv; sleep 1; tail -n +3 dc.csv) | "$NN" predict dp.bin - >dc2.out 2>err
cmp -s dp.out dc2.out && grep -qF "decimal comma" err && ok "predict reads decimal commas through a slow pipe" || bad "predict dc pipe: $(head -c 200 err)"
printf 'x;y\n1.5;3\n2,5;5\n' >mix.csv
expect "decimal points first, then a comma: the hint" 1 "mix.csv:3: column 'x': '2,5' is not a number \(a decimal comma" "$NN" train --train mix.csv --target y --out mix.bin
printf '"";"dose";"x";"y"\n"1";"0.5";-0,63;"hi"\n"2";"1";1,25;"lo"\n"3";"2";0,5;"hi"\n"4";"0.5";2,5;"lo"\n' >dose2.csv
tr ';' , <dose2.csv | sed 's/\([0-9]\),\([0-9]\)/\1.\2/g' >dose.csv
"$NN" train --train dose.csv --label-col y --epochs 5 --out dose.bin 2>/dev/null
"$NN" train --train dose2.csv --label-col y --epochs 5 --out dose2.bin 2>err
cmp -s dose.bin dose2.bin && grep -qF "decimal comma" err && ok "write.csv2 with a quoted factor level \"0.5\" first: decimal commas still found (quoted fields do not decide)" || bad "quoted 0.5: $(head -c 300 err)"
expect "--decimal , with --sep ,: a usage error" 2 "--decimal , with --sep ," "$NN" train --train dc.csv --target y --decimal , --sep , --out mix.bin
tr ";" , <dp.csv >dpc.csv
expect "--decimal , in a file of commas: the error names the file" 1 "dpc.csv: --decimal ,: the fields are separated by commas" "$NN" predict --decimal , dp.bin dpc.csv
tail -n +2 "$top/data/iris.csv" >pt.csv
tr , ';' <pt.csv | sed 's/\./,/g' >eu.csv
"$NN" train --train pt.csv --label-col last --epochs 3 --out pt.bin 2>/dev/null
expect "a headerless file of decimal commas: read as numbers" 0 "eu.csv: numbers with a decimal comma" "$NN" train --train eu.csv --label-col last --epochs 3 --out eu.bin
cmp -s eu.bin pt.bin && ok "a headerless file of decimal commas: the model of the same file with points" || bad "eu.csv: a different model"
# a number is a column's position, said when a header names another column so
awk 'BEGIN { srand(12); print ",0,1,2,3"; for (i = 0; i < 100; i++) { a = rand(); b = rand(); printf "%d,%.4f,%.4f,%.4f,%.4f\n", i, a, b, rand(), a + 2 * b } }' >arr.csv
"$NN" train --train arr.csv --target 5 --ignore 1 --epochs 2 --out arr.bin 2>err
"$NN" info arr.bin >info.out
grep -qE '^ +1 +\(empty name\) +ignored$' info.out && grep -qE "^ +5 +3 +target" info.out && grep -qF -- "--ignore 1 is column 1; the column named '1' is column 3" err &&
    ok "numbers are positions (pandas' 0, 1, 2 names too), and nn says which column a number took" || bad "numbers are positions: $(head -c 300 err) $(grep -A5 '^table' info.out | tr '\n' ' ')"
"$NN" train --train arr.csv --target 5 --epochs 2 --out arr2.bin 2>err
grep -qF "column 1 ('') holds row names (R's write.csv, pandas' index): not a feature; give --row-names feature to use it as one" err &&
    "$NN" info arr2.bin | grep -qE '^ +1 +\(empty name\) +ignored$' && ok "pandas' index column (an empty header name): left out, and said" ||
    bad "index column: $(head -c 300 err)"
"$NN" train --train arr.csv --target 5 --row-names feature --epochs 2 --out arr3.bin 2>err
grep -qF "column '' counts 0, 1, 2 ... 99 like a row index; if it is one, give --ignore 1" err && ok "--row-names feature: the index is a feature, with a warning" ||
    bad "index warning: $(head -c 300 err)"
# duplicate header names
printf 'x,x,y\n1,2,3\n2,3,5\n3,1,4\n' >dup.csv
expect "duplicate header names are refused at training" 1 "the header names columns 1 and 2 both 'x'" "$NN" train --train dup.csv --target y --out dup.bin
# several targets: the headline RMSE is the mean, and said so
awk -F, 'BEGIN { OFS = "," } NR == 1 { print $0, "half"; next } { print $0, $4 / 2 }' linte.csv >twote.csv
"$NN" eval two.bin twote.csv 2>/dev/null | head -1 | grep -q "(means over the targets, 200 rows)" && ok "two targets: eval's headline says its figures are means" ||
    bad "headline: $("$NN" eval two.bin twote.csv 2>&1 | head -1)"
# --errors names the file's line, dropped rows or not
awk 'BEGIN { srand(4); print "a,y"; for (i = 0; i < 50; i++) { a = rand(); printf "%.4f,%s\n", a, (i < 10 ? "NA" : sprintf("%.4f", 2 * a + (i == 30 ? 5 : 0)))} }' >e.csv
"$NN" train --train e.csv --target y --val 0 --epochs 300 --quiet --out e.bin
"$NN" eval e.bin e.csv --errors 1 2>/dev/null | grep -A1 '^line' | tail -1 | grep -qE '^32 ' && ok "--errors: the outlier's file line (32), dropped rows and all" ||
    bad "--errors: $("$NN" eval e.bin e.csv --errors 1 2>/dev/null | grep -A1 '^line' | tr '\n' ' ')"
# every unseen category, and the rows they are in
printf 'colour,size\nzz,S\nqq,L\nzz,M\nred,S\n' | "$NN" predict cs.bin - >/dev/null 2>err
grep -qF "3 rows with a category not seen in training (its one-hot inputs are all 0): 'zz' in column 'colour', 'qq' in column 'colour'" err &&
    ok "unseen categories: each named, with the rows counted" || bad "unseen categories: $(head -c 300 err)"
# a constant target: a warning; R^2 0, never -inf or nan
awk 'BEGIN { srand(1); print "a,b,y"; for (i = 0; i < 100; i++) printf "%.3f,%.3f,5\n", rand(), rand() }' >k.csv
"$NN" train --train k.csv --target y --epochs 20 --out k.bin 2>err
grep -qF "every training value of target 'y' is 5: a constant" err && ! grep -qiE 'nan|inf' err && "$NN" eval k.bin k.csv | head -1 | grep -qE '^r2 (0|1)\.0000' &&
    ok "a constant target: a warning, and R^2 by scikit-learn's convention" || bad "a constant target: $(grep -v '^epoch' err | head -c 300) $("$NN" eval k.bin k.csv | head -1)"
"$NN" eval k.bin k.csv 2>err >/dev/null
grep -qF "warning: k.csv: every true value of 'y' is 5 (100 rows): R^2 is undefined, and given as 1 when every answer is exact, else 0" err &&
    ok "eval on a constant truth: R^2's convention said" || bad "eval constant truth: $(cat err)"
"$NN" eval k.bin <(head -2 k.csv) 2>err | head -1 | grep -qE '^r2 (0|1)\.0000, .*\(1 row\)' && grep -qF "(1 row): R^2 is undefined" err &&
    ok "eval on one row: R^2's convention said" || bad "eval one row: $(cat err)"
# '#' in a table's rows is data
awk 'BEGIN { srand(3); print "name,x,y"; for (i = 0; i < 100; i++) { x = rand(); printf "item %d,%.3f,%.3f\n", i, x, 2 * x } }' >h.csv
"$NN" train --train h.csv --target y --ignore name --quiet --out h.bin
[ "$(printf 'name,x\nfirst,0.1\n#2 best seller,0.2\nthird,0.3\n' | "$NN" predict --no-header h.bin - | wc -l)" = 3 ] && ok "a row starting with '#' in a table is a row" || bad "'#' rows dropped"
# the column's number when its name is empty; a name asked of a file whose line 1 is data
printf 'a,b,y,\n1,2,3,\n2,3,5,\n3,1,4,\n' >t.csv
expect "an empty-named column: --ignore by number" 1 "give --ignore 4$" "$NN" train --train t.csv --target y --out t.bin
printf '2019,2020,y\n1,2,3\n' >yr.csv
expect "a name when line 1 was not taken as a header: says so" 1 "line 1 was not taken as a header.*--header yes" "$NN" train --train yr.csv --target y --out yr.bin
# a name with a comma, quoted
awk 'BEGIN { srand(4); print "\"price, USD\",\"size, m2\",city"; for (i = 0; i < 50; i++) { a = rand() * 100; printf "%.2f,%.2f,c%d\n", a * 30, a, i % 3 } }' >n.csv
"$NN" train --train n.csv --target '"price, USD"' --epochs 2 --quiet --out n.bin && "$NN" info n.bin | grep -qE '^ +1 +price, USD +target' &&
    ok "--target '\"price, USD\"': a name with a comma, quoted" || bad "quoted name"
# the header of a table without numbers compiles with -Werror; --missing error is kept
"$NN" export cs.bin --c cs.h --prefix nn
printf '#include <stdio.h>\n#include "cs.h"\nint main(void) { const char *r[3] = {"blue", "L", NULL}; float o[1]; nn_predict_fields(r, o); printf("%%.9g\\n", (double)o[0]); return 0; }\n' >use.c
if cc -std=c99 -Wall -Wextra -Werror -o use use.c -lm 2>cc.err; then
    awk -v a="$(./use)" -v b="$(sed -n 3p c0.out)" 'BEGIN { exit !((a - b)^2 < (1e-5 * b)^2) }' && ok "a header of categories only compiles under -Werror and agrees" || bad "header answer $(./use) vs $(sed -n 3p c0.out)"
else
    bad "header: $(head -c 300 cc.err)"
fi
# --label-col with a regression table model: an error, not a guess
expect "--label-col with a regression table model: an error" 1 "cte.csv: --label-col names a classifier's label column, and the model is a regression" "$NN" predict cars.bin cte.csv --label-col first
# a value too large for the scaling is an error, not "nan"
"$NN" train --train lintr.csv --target price --ignore id --val 0 --epochs 5 --quiet --out big.bin
printf 'id,x1,x2\n1,0.5,0.5\n2,3e38,3e38\n' | "$NN" predict big.bin - --format json >big.out 2>err
rc=$?
[ $rc = 1 ] && [ "$(wc -l <big.out)" = 1 ] && ! grep -q nan big.out && grep -qF "(stdin):3: the row's values give an output that is not a finite number" err &&
    ok "3e38: the row before answered, then an error naming the line" || bad "3e38: exit $rc $(cat big.out) $(head -c 200 err)"
# a target finer than single precision: a warning
awk 'BEGIN { print "x,t"; for (i = 0; i < 100; i++) printf "%d,%d\n", i, 1700000000 + i }' >ts.csv
"$NN" train --train ts.csv --target t --epochs 2 --out ts.bin 2>err
grep -qF "finer than single precision" err && ok "a target finer than float precision: a warning" || bad "a target finer than float precision: $(grep -v '^epoch' err | head -c 300)"
# a header and no rows, at training
head -1 "$CARS" >hdr.csv
expect "a header and no rows at training: 'no data rows'" 1 "hdr.csv: no data rows" "$NN" train --train hdr.csv --target Miles_per_Gallon --ignore Name --out h.bin

# ---- rows that look like headers, tiny and huge values, the header's input checks, folds -------
printf 'name,x\n#1 best seller,0.1\nsecond,0.2\nthird,0.3\n' | "$NN" predict --no-header h.bin - >n1.out 2>/dev/null
[ "$(wc -l <n1.out)" = 3 ] && ok "a '#' row just after a table's header is a row" || bad "a '#' row just after a table's header is a row: $(wc -l <n1.out) answers for 3 rows"
printf 'name,x\n#1 best seller,0.1\n' | "$NN" predict --no-header h.bin - >n2.out 2>/dev/null
[ "$(wc -l <n2.out)" = 1 ] && ok "a '#' row alone after a table's header is a row" || bad "a '#' row alone after a table's header: $(wc -l <n2.out) answers for 1 row"
awk 'BEGIN { srand(2); print "a,b,y"; for (i = 0; i < 300; i++) { a = rand(); b = rand(); printf "%.6g,%.4f,%.5f\n", 1e-7 * a, b, 3 * a + b } }' >fs.csv
"$NN" train --train fs.csv --target y --val 0 --epochs 200 --quiet --out fs.bin
"$NN" eval fs.bin fs.csv | head -1 | grep -qE '^r2 (0\.99|1\.00)' && ok "a feature of spread 1e-7 is standardised, not dropped" || bad "a feature of spread 1e-7 is standardised, not dropped: $("$NN" eval fs.bin fs.csv | head -1)"
awk 'BEGIN { srand(2); print "a,y"; for (i = 0; i < 200; i++) { a = rand(); printf "%.4f,%.6g\n", a, 1e-30 * (a + 0.5) } }' >sc.csv
"$NN" train --train sc.csv --target y --val 0 --epochs 300 --quiet --out sc.bin && "$NN" eval sc.bin sc.csv | head -1 | grep -qE '^r2 (0\.99|1\.00)' &&
    ok "a target of size 1e-30 keeps its real deviation" || bad "a target of size 1e-30 keeps its real deviation: $("$NN" eval sc.bin sc.csv 2>&1 | head -1)"
printf '5,0,1,2\n6,1,0.5,0.5\n' | "$NN" predict arr.bin - >n4.out 2>n4.err
[ ! -s n4.out ] && grep -qF "4 columns: the model's columns without its row names, or without its label or target" n4.err &&
    ok "rows whose numbers equal pandas' column names are rows (and their 4 columns fit two readings: an error, not a guess)" ||
    bad "numbers: $(wc -l <n4.out) answers, $(cat n4.err)"
printf '5,0,1,2,3\n6,1,0.5,0.5,1\n' | "$NN" predict arr.bin - >n5.out 2>/dev/null
[ "$(wc -l <n5.out)" = 2 ] && ok "rows of every column whose numbers equal pandas' column names are rows" || bad "numbers: $(wc -l <n5.out) answers for 2 rows"
printf 'purple,S\nblue,L\n' | "$NN" predict cs.bin - >n4b.out 2>err
[ "$(wc -l <n4b.out)" = 2 ] && grep -qF "'purple' in column 'colour'" err && ok "a first row with an unseen category is a row, and warned" || bad "unseen first: $(head -c 200 err)"
printf 'colr,sz\nblue,L\n' | "$NN" predict cs.bin - >/dev/null 2>err
grep -qF "no column 'colour' in the header" err && ok "a misspelt header of a categories model is a header, reported" || bad "misspelt: $(head -c 200 err)"
printf 'name,x\nfirst;second;third,0.1\nplain,0.3\n' | "$NN" predict --no-header h.bin - >n5.out 2>err
[ "$(wc -l <n5.out)" = 2 ] && ok "the separator is the header's, not the first row's" || bad "the separator is the header's, not the first row's: $(head -c 200 err)"
printf 'Preis;Menge;Umsatz\n1,5;2;3\n2;3;6\n2,25;4;9\n3;1;3\n' >de.csv
expect "decimal commas beside whole numbers: read" 0 "de.csv: numbers with a decimal comma" "$NN" train --train de.csv --target Umsatz --epochs 2 --out de.bin
printf 'Preis\tMenge\tUmsatz\n1,5\t2\t3\n2\t3\t6\n2,25\t4\t9\n3\t1\t3\n' >de.tsv
expect "decimal commas in a tab file: the hint" 1 "de.tsv:2: column 'Preis': '1,5' is not a number \(a decimal comma\? give --decimal ,\)" "$NN" train --train de.tsv --target Umsatz --out de.bin
expect "decimal commas in a tab file with --decimal ," 0 "" "$NN" train --train de.tsv --target Umsatz --decimal , --epochs 2 --out de.bin
"$NN" export lin.bin --c lin.h --prefix nn
printf '%s\n' '#include <stdio.h>' '#include "lin.h"' 'int main(void)' '{' \
    '    static const char *const v[] = {"0.5", "0x10", "inf", "1e39", "nAn", "3e38", "-.5e-1"};' \
    '    float in[NN_INPUTS] = {0.5f, 0.5f}, out[NN_OUTPUTS];' '    nn_predict(in, out);' \
    '    for (int i = 0; i < 7; i++) {' '        const char *f[4] = {NULL, v[i], "0.5", NULL};' \
    '        printf("%d\n", nn_predict_fields(f, out));' '    }' '    return 0;' '}' >uselin.c
if cc -std=c99 -Wall -Wextra -Werror -o uselin uselin.c -lm 2>cc.err && [ "$(./uselin | tr '\n' ' ')" = "0 -1 -1 -1 -1 -1 0 " ]; then
    ok "a table model's header: only nn_predict used compiles under -Werror; hex, inf, 1e39, nAn, 3e38 refused as nn refuses them"
else
    bad "header: $(head -c 200 cc.err) $(./uselin 2>/dev/null | tr '\n' ' ')"
fi
awk 'BEGIN { srand(5); print "c,x,y"; for (i = 0; i < 100; i++) { x = rand(); c = (i % 2 ? "a" : "b"); printf "%s,%.3f,%.3f\n", c, x, x + (c == "a") } }' >c.csv
"$NN" train --train c.csv --target y --quiet --out c.bin
printf 'c,x\nNA,0.5\n?,0.5\n' | "$NN" predict c.bin - >/dev/null 2>err
grep -qF "2 rows with a category not seen in training (its one-hot inputs are all 0): a missing value in column 'c'" err && ! grep -q '\.\.\.' err &&
    ok "a missing category unseen in training is called a missing value" || bad "a missing category unseen in training: $(head -c 200 err)"
awk 'BEGIN { srand(1); print "id,x,y"; for (i = 1; i <= 50; i++) { x = rand(); printf "%d,%.3f,%.3f\n", i, x, 2 * x } }' >idx1.csv
"$NN" train --train idx1.csv --target y --epochs 1 --out i.bin 2>err
grep -qF "column 'id' counts 1, 2, 3 ... 50 like a row index" err && ok "an index from 1: counts 1, 2, 3" || bad "an index from 1: $(grep index err)"
expect "a named label column of fractions: its column number, and --target for a number" 1 "ctr.csv:3: column 7: label 11.5 is not a whole number .*name its column with --target \(a regression\)" "$NN" train --train ctr.csv --label-col Acceleration --ignore Name --out acc.bin
printf 'a,y\n1,2\n2,4\n3,6\n4,8\n' >me.csv
"$NN" train --train me.csv --target y --missing error --quiet --out me.bin --epochs 2
printf 'a\nNA\n' >mena.csv
expect "a --missing error model at predict says how it was trained" 1 "the model was trained with --missing error" "$NN" predict me.bin mena.csv
printf 'x,y\n1,2\n2,4\n3,6\n4,8\n5,10\n' >five.csv
"$NN" train --train five.csv --target y --folds 5 --epochs 30 --out f5.bin 2>err
grep -qF "5 folds: RMSE" err && grep -qF "R^2 is undefined for folds of one row" err && ok "folds of one row: RMSE, and no R^2" || bad "folds of one row: $(grep folds err)"
"$NN" train --train ctr.csv --label-col Origin --ignore Name --epochs 1 --out o.bin 2>err
grep -qF "a table of 9 columns: 7 numbers, 1 label ('Origin'), 1 ignored" err && ok "the table's summary counts and names the label" || bad "the table's summary counts the label: $(grep 'a table' err)"
printf 'x,c,y\n1,p,2\n2,q,4\n9,?,18\n3,p,6\n4,q,8\n' >d.csv
"$NN" train --train d.csv --target y --missing drop --out d.bin --epochs 2 --quiet
"$NN" info d.bin | grep -qE 'x +number, missing -> 2\.5$' && ok "--missing drop: the fill value is the kept rows' mean" || bad "--missing drop: $("$NN" info d.bin | grep missing)"
printf '\357\273\277' >bomonly.csv
quiet_ok=1 expect "a file holding only a byte-order mark: nothing, exit 0" 0 "" "$NN" predict h.bin bomonly.csv
awk 'BEGIN { srand(3); print "a,b,y"; for (i = 0; i < 3000; i++) { a = rand(); b = rand(); printf "%.4f,%.4f,%.4f\n", a, b, a + b } }' >big3.csv
env --default-signal=INT "$NN" train --train big3.csv --target y --folds 5 --epochs 300 --layers 2-200relu-1linear --threads 1 --out fold.bin 2>ferr &
pid=$!
wait_for ferr "^nn: fold 1/5" && kill -INT $pid
wait $pid
rc=$?
[ $rc = 130 ] && grep -qF "SIGINT: cross-validation stopped in fold" ferr && [ ! -s fold.bin ] && ok "SIGINT during --folds: exit 130, a message, no model" ||
    bad "SIGINT during --folds: exit $rc $(tail -c 200 ferr)"

# ---- --label-col NAME with a model that was not trained on a table ---------------------------
"$NN" train --train "$top/data/iris.csv" --label-col last --header yes --epochs 20 --quiet --out plain.bin
(echo "a,b,c,d,lbl"; tail -n +2 "$top/data/iris.csv") >iris_h.csv
tail -n +2 "$top/data/iris.csv" | cut -d, -f1-4 >iris_f.csv
"$NN" eval plain.bin iris_h.csv --label-col lbl 2>/dev/null | head -1 >pe1.out
"$NN" eval plain.bin iris_h.csv --label-col 5 --header yes 2>/dev/null | head -1 >pe2.out
[ -s pe1.out ] && cmp -s pe1.out pe2.out && ok "eval --label-col NAME with a plain model: as --label-col N ($(cat pe1.out))" || bad "eval --label-col NAME: $(cat pe1.out) vs $(cat pe2.out)"
"$NN" predict plain.bin iris_h.csv --label-col lbl --no-header >pp1.out 2>/dev/null
"$NN" predict plain.bin iris_f.csv >pp2.out 2>/dev/null
[ "$(wc -l <pp1.out)" = 150 ] && cmp -s pp1.out pp2.out && ok "predict --label-col NAME with a plain model skips that column" || bad "predict --label-col NAME: $(wc -l <pp1.out) lines"
(head -1 iris_h.csv; sleep 1; sed -n 2,3p iris_h.csv) | "$NN" predict plain.bin - --label-col lbl --no-header >pp3.out 2>/dev/null
head -2 pp2.out | cmp -s - pp3.out && ok "predict --label-col NAME: a header arriving alone through a pipe" || bad "predict --label-col NAME through a pipe: $(cat pp3.out)"
expect "--label-col NAME not in the header of a plain model's data" 1 "--label-col 'lb': no such column; the header names a, b, c, d, lbl" "$NN" eval plain.bin iris_h.csv --label-col lb

# ---- numbers under a header of names: the model keeps the names, predict and eval find columns by them ----
awk 'BEGIN { srand(11); print "age,weight,dose,y"; for (i = 0; i < 300; i++) { a = 20 + 40 * rand(); w = 50 + 50 * rand(); d = 10 * rand();
     printf "%.2f,%.2f,%.2f,%d\n", a, w, d, (a / 60 + d / 10 > 0.9) } }' >nh.csv
awk -F, '{ print $4","$3","$2","$1 }' nh.csv >nh_rev.csv
cut -d, -f1-3 nh.csv >nh_feat.csv
"$NN" train --train nh.csv --label-col last --epochs 30 --threads 1 --out nh.bin 2>/dev/null
"$NN" info nh.bin | grep -qE '^ +2 +weight +number(, missing|$)' && ok "a model of numbers under a header keeps the column names (nn info lists them)" || bad "names kept: $("$NN" info nh.bin | head -12)"
"$NN" predict nh.bin nh_feat.csv >nh1.out 2>/dev/null
"$NN" predict nh.bin nh_rev.csv >nh2.out 2>nh2.err
"$NN" predict nh.bin - <nh_rev.csv >nh3.out 2>/dev/null
"$NN" predict nh.bin - --header no < <(tail -n +2 nh_feat.csv) >nh4.out 2>/dev/null
[ "$(wc -l <nh1.out)" = 301 ] && cmp -s nh1.out nh2.out && cmp -s nh1.out nh3.out && tail -n +2 nh1.out | cmp -s - nh4.out &&
    grep -qF "nh_rev.csv: columns found by name; their order is not the training file's" nh2.err &&
    ok "predict: the columns reversed under their names, file and pipe: the answers of the file in order (said); rows without a header by position" ||
    bad "columns by name: $(diff nh1.out nh2.out | head -3) $(cat nh2.err)"
"$NN" train --train nh.csv --test nh_rev.csv --label-col last --epochs 3 --threads 1 2>&1 >/dev/null --out nht1.bin | grep 'test accuracy' | sed 's/nht1.bin/M/; s/, [0-9.]* s$//' >nht1.out
"$NN" train --train nh.csv --test nh.csv --label-col last --epochs 3 --threads 1 2>&1 >/dev/null --out nht2.bin | grep 'test accuracy' | sed 's/nht2.bin/M/; s/, [0-9.]* s$//' >nht2.out
[ -s nht1.out ] && cmp -s nht1.out nht2.out && ok "train --test with the columns reversed under their names: the figures of the file in order" || bad "--test reversed: $(cat nht1.out nht2.out)"
a=$("$NN" eval nh.bin nh.csv 2>/dev/null | head -1) b=$("$NN" eval nh.bin nh_rev.csv 2>/dev/null | head -1)
[ -n "$a" ] && [ "$a" = "$b" ] && ok "eval: the columns reversed, the same figures ($a)" || bad "eval reversed: '$a' vs '$b'"
cut -d, -f1,3,4 nh.csv >nh_less.csv
expect "predict: a column of the model missing from the header: named" 1 "nh_less.csv: no column 'weight' in the header" "$NN" predict nh.bin nh_less.csv
paste -d, nh_feat.csv <(awk 'NR == 1 { print "extra"; next } { print NR }' nh.csv) >nh_more.csv
"$NN" predict nh.bin nh_more.csv >nh5.out 2>nh5.err && cmp -s nh1.out nh5.out && grep -qF "column 'extra' not among the model's; ignored" nh5.err &&
    ok "predict: a column the model does not know: left out, said" || bad "extra column: $(cat nh5.err)"
sed '1s/dose/age/' nh.csv >nh_dup.csv
"$NN" train --train nh_dup.csv --label-col last --epochs 2 --threads 1 --out nhd.bin 2>nhd.err
grep -qF "the header names two columns 'age': the model keeps no column names" nhd.err && ! "$NN" info nhd.bin | grep -q '^table' &&
    ok "a header naming a column twice: the model keeps no names, said" || bad "repeated names: $(cat nhd.err)"
{ echo 0,1,2,3; tail -n +2 nh.csv; } >nh_pd.csv
"$NN" train --train nh_pd.csv --label-col last --epochs 30 --threads 1 --out nhp.bin 2>/dev/null
{ echo 2,1,0; tail -n +2 nh_feat.csv | awk -F, '{ print $3","$2","$1 }'; } >nh_pdr.csv
"$NN" predict nhp.bin nh_pdr.csv >nh6.out 2>/dev/null && tail -n +2 nh_feat.csv | "$NN" predict nhp.bin - --header no | cmp -s - <(tail -n +2 nh6.out) &&
    ok "pandas' column names 0, 1, 2 ... are names too: the columns found by them" || bad "pandas' numbered names: $(head -3 nh6.out)"
"$NN" train --train "$top/data/iris.csv" --label-col last --header yes --epochs 2 --threads 1 --quiet --out nhs.bin
! "$NN" info nhs.bin | grep -q '^table' && ok "scikit-learn's first line (150,4,setosa,...): counts, not names; the model keeps none" || bad "sklearn line taken for names"
# rows read by position that are not the model's columns, and --label-col naming where the label is
tail -n +2 nh_feat.csv | awk '{ print NR - 1 "," $0 }' >nh_idx.csv
expect "predict: headerless rows with pandas' index first: an error that says column 1 counts like an index" 1 \
    "nh_idx.csv:1: column 1 counts 0, 1, 2 ... like an index .*give the file a header line naming its columns" "$NN" predict nh.bin nh_idx.csv
expect "the same through a pipe" 1 "\(stdin\):1: column 1 counts 0, 1, 2 ... like an index" sh -c '"$0" predict nh.bin - <nh_idx.csv' "$NN"
# the label's place holding the model's classes (0 or 1) does not hide the index: once read as the label, answered silently
tail -n +2 nh_feat.csv | awk -F, '{ print NR "," $1 "," $2 "," int($3) % 2 }' >nh_idx01.csv
expect "predict: an index from 1 first, the label's place holding classes: still an error" 1 "nh_idx01.csv:1: column 1 counts 1, 2, 3 ... like an index" "$NN" predict nh.bin nh_idx01.csv
# row names that do not count (a sample of rows), the label's place holding a number that is no class
tail -n +2 nh_feat.csv | awk '{ print 3 * NR + 7 "," $0 }' >nh_rn.csv
expect "predict: headerless rows with row names first (the label's place holding a number that is no class): an error" 1 \
    "nh_rn.csv:1: column 4 holds '[0-9.]*', not one of the model's classes.*is the first column an index or row names" "$NN" predict nh.bin nh_rn.csv
tail -n +2 nh.csv | awk -F, '{ print $4","$1","$2","$3 }' >nh_labfirst.csv
"$NN" predict nh.bin nh_labfirst.csv --label-col first >nh7.out 2>nh7.err && tail -n +2 nh1.out | cmp -s - nh7.out &&
    a=$("$NN" eval nh.bin nh_labfirst.csv --label-col 1 2>/dev/null | head -1) && [ "$a" = "$("$NN" eval nh.bin nh.csv 2>/dev/null | head -1)" ] &&
    ok "--label-col first on rows without a header: that column is the label, the others the model's in order (predict and eval)" ||
    bad "--label-col on headerless rows: $(head -c 300 nh7.err)"
sed '1s/,y$/,outcome/' nh.csv >nh_ren.csv
a=$("$NN" eval nh.bin nh_ren.csv --label-col outcome 2>/dev/null | head -1)
[ -n "$a" ] && [ "$a" = "$("$NN" eval nh.bin nh.csv 2>/dev/null | head -1)" ] && ok "eval --label-col NAME: a renamed label column is the model's label" || bad "renamed label: '$a'"
expect "eval --label-col NAME not in the header: named" 1 "nh_ren.csv: --label-col 'nope': no such column in the header" "$NN" eval nh.bin nh_ren.csv --label-col nope
expect "eval --label-col naming a feature of the model: said as that" 1 "nh.csv: --label-col: column 'weight' is one of the model's features, not its label \('y'\)" "$NN" eval nh.bin nh.csv --label-col weight
{ echo 2019,2020,2021,y; tail -n +2 nh.csv; } >nh_years.csv
expect "a header of years (numbers) and the label's name, read as data: an error asking for --header yes" 1 \
    "nh_years.csv: line 1: its label 'y' is the only one that is not a number: is that line a header.*give --header yes" "$NN" train --train nh_years.csv --out nhy.bin
"$NN" train --train nh_years.csv --header yes --epochs 2 --threads 1 --quiet --out nhy.bin && "$NN" info nhy.bin | grep -qE '^ +2 +2020 +number(, missing|$)' &&
    ok "--header yes: years are the columns' names, kept" || bad "years as names: $("$NN" info nhy.bin | grep -A4 '^table')"
"$NN" export nh.bin --c nh.h 2>/dev/null && ! grep -qF "an error (the model was trained with --missing error)" nh.h && "$NN" info nh.bin --json | grep -q '"fill"' &&
    printf 'age,weight,dose\n30,,5\n' >nh_miss.csv && "$NN" predict nh.bin nh_miss.csv >/dev/null 2>nh_miss.err && grep -qF "1 missing value filled in with the training means" nh_miss.err &&
    ok "a model of numbers with names is a table's: a missing value takes the training mean (predict, the C header, info --json's fill values)" || bad "numbers with names, missing: $(grep -i missing nh.h | head -3) $(cat nh_miss.err)"
"$NN" train --train nh.csv --label-col last --missing error --epochs 2 --threads 1 --quiet --out nhe.bin 2>/dev/null
"$NN" export nhe.bin --c nhe.h 2>/dev/null && grep -qF "an error (the model was trained with --missing error)" nhe.h && ! "$NN" info nhe.bin --json | grep -q '"fill"' &&
    ok "--missing error: the C header and info --json say a missing value is an error (no fill values)" || bad "missing error said: $(grep -i missing nhe.h | head -3)"
awk -F, '{ print $2","$1","$3","$4 }' nh.csv >nh_sw.csv
"$NN" explain nh.bin <(cat nh_sw.csv) --index 0 >nh9.out 2>nh9.err && [ "$(grep -c 'columns found by name' nh9.err)" = 1 ] && ! grep -q 'empty data file' nh9.err &&
    "$NN" explain nh.bin nh.csv --index 0 2>/dev/null | sed 's|nh.csv|/dev/fd/[0-9]*|' | diff -q - <(sed 's|/dev/fd/[0-9]*|/dev/fd/[0-9]*|' nh9.out) >/dev/null && ok "explain from a pipe of reordered columns: the row of the file in order, said once, no false error" ||
    bad "explain from a pipe: $(cat nh9.err)"

# ---- row names and ids, as R and pandas write them ------------------------------------------
# R's write.csv: a first column headed "" of quoted row names; sorted by class, as R keeps many tables,
# so the row number would give the class away.  A model trained on the file equals one trained without it.
awk 'BEGIN { srand(7); print "\"\",\"x1\",\"x2\",\"cls\""; for (i = 1; i <= 120; i++) { c = i <= 60 ? "a" : "b";
     printf "\"%d\",%.3f,%.3f,\"%s\"\n", i, rand() + (c == "b") * 0.3, rand(), c } }' >rnames.csv
cut -d, -f2- rnames.csv >nonames.csv
"$NN" train --train rnames.csv --epochs 5 --out rn.bin 2>rn.err || bad "train on R's row names: $(cat rn.err)"
"$NN" train --train nonames.csv --epochs 5 --out nn0.bin 2>nn0.err || bad "train without the row names"
grep -qF "column 1 ('') holds row names (R's write.csv, pandas' index): not a feature" rn.err &&
    grep -qF "the label is taken from the last column 'cls'" rn.err && grep -q "^nn: table defaults, for a table (a header of names; " rn.err &&
    [ "$(grep defaults rn.err | sed 's/^nn: [^:]*: //')" = "$(grep defaults nn0.err | sed 's/^nn: [^:]*: //')" ] &&
    ok "R's row names: left out and said; the label column said; the defaults those of the file without them" || bad "row names: $(cat rn.err)"
"$NN" export rn.bin --c rn.h --prefix nn 2>/dev/null && "$NN" export nn0.bin --c nn0.h --prefix nn 2>/dev/null &&
    sed -n '/^static const float nn_[wb][0-9]/,/};/p' rn.h >w1 && sed -n '/^static const float nn_[wb][0-9]/,/};/p' nn0.h >w2 && [ -s w1 ] && cmp -s w1 w2 &&
    "$NN" predict rn.bin rnames.csv --no-header >p1 2>/dev/null && "$NN" predict nn0.bin nonames.csv --label-col last --no-header >p2 2>/dev/null && [ -s p1 ] && cmp -s p1 p2 &&
    ok "a model trained on a file with row names equals one trained on the file without them: the same weights, the same answers" ||
    bad "row-names model differs: $(diff w1 w2 | head -3) $(diff p1 p2 | head -3)"
# a model not of a table, given a file with pandas' index (a first column headed ""): the index is no feature
D="$top/data/digits.csv"
"$NN" train --train "$D" --label-col last --epochs 2 --threads 1 --quiet --out dg.bin 2>/dev/null
awk -F, 'BEGIN { printf "\"\""; for (i = 0; i < 64; i++) printf ",%d", i; print "" } { printf "%d", NR - 1; for (i = 1; i <= 64; i++) printf ",%s", $i; print "" }' "$D" >dgi.csv
cut -d, -f1-64 "$D" | "$NN" predict dg.bin - >dg0.out 2>/dev/null
"$NN" predict dg.bin dgi.csv --no-header >dg1.out 2>dg1.err
cat dgi.csv | "$NN" predict dg.bin - --no-header >dg2.out 2>/dev/null
cmp -s dg0.out dg1.out && cmp -s dg0.out dg2.out && grep -qF "nn: dgi.csv: column 1 ('') holds row names (R's write.csv, pandas' index): not a feature" dg1.err &&
    ok "predict with a plain model: pandas' index left out and said, the answers of the file without it (file and pipe)" || bad "plain model, index: $(head -c 300 dg1.err)"
awk -F, 'BEGIN { printf "Unnamed: 0"; for (i = 0; i < 65; i++) printf ",%d", i; print "" } { printf "%d,%s\n", NR - 1, $0 }' "$D" >dgl.csv
a=$("$NN" eval dg.bin dgl.csv 2>/dev/null | head -1) b=$("$NN" eval dg.bin "$D" --label-col last 2>/dev/null | head -1)
[ -n "$a" ] && [ "$a" = "$b" ] && ok "eval with a plain model: an 'Unnamed: 0' index left out, the label found last ($a)" || bad "eval index: '$a' vs '$b'"
# pandas, read and written again: 'Unnamed: 0'; with --label-col NAME (a table either way)
sed '1s/^""/"Unnamed: 0"/' rnames.csv >unnamed.csv
"$NN" train --train unnamed.csv --label-col cls --epochs 5 --out un.bin 2>un.err && "$NN" train --train nonames.csv --label-col cls --epochs 5 --out un0.bin 2>/dev/null &&
    "$NN" predict un.bin unnamed.csv --probs >p3 2>/dev/null && "$NN" predict un0.bin nonames.csv --probs >p4 2>/dev/null && cmp -s p3 p4 &&
    grep -qF "column 1 ('Unnamed: 0') holds row names" un.err && ok "pandas' 'Unnamed: 0' left out too, with --label-col NAME" || bad "Unnamed: 0: $(cat un.err)"
# pandas, a file with row names read and written again: a new index "" and the old row names as 'Unnamed: 0' (shuffled:
# row names out of order, so only leaving them out gives the model of the file without them)
{ echo ',Unnamed: 0,x1,x2,cls'; tail -n +2 rnames.csv | awk 'BEGIN { srand(11) } { print rand() "\t" $0 }' | sort -n | cut -f2 | awk '{ print NR - 1 "," $0 }'; } >twoidx.csv
cut -d, -f3- twoidx.csv >twoidx0.csv
"$NN" train --train twoidx.csv --label-col cls --epochs 5 --out ti.bin 2>ti.err && "$NN" train --train twoidx0.csv --label-col cls --epochs 5 --out ti0.bin 2>/dev/null &&
    "$NN" predict ti.bin twoidx0.csv --probs >p5 2>/dev/null && "$NN" predict ti0.bin twoidx0.csv --probs >p6 2>/dev/null && [ -s p5 ] && cmp -s p5 p6 &&
    grep -qF "column 1 ('') holds row names" ti.err && grep -qF "column 2 ('Unnamed: 0') holds row names (pandas' earlier index, written again beside a new one)" ti.err &&
    ok "pandas' new index and the old row names as 'Unnamed: 0': both left out and said, the model of the file without them" || bad "two indexes: $(cat ti.err)"
# R's write.table: the header a name short (the row names unnamed), tab- or space-separated, names quoted
sed '1s/^"",//' rnames.csv | tr , '\t' >wt.tsv
sed '1s/^"",//' rnames.csv | tr , ' ' >wt.txt
"$NN" train --train wt.tsv --epochs 5 --out wt.bin 2>wt.err && "$NN" train --train wt.txt --epochs 5 --out wt2.bin 2>/dev/null &&
    "$NN" predict wt.bin nonames.csv --probs >p7 2>/dev/null && "$NN" predict wt2.bin nonames.csv --probs >p8 2>/dev/null &&
    "$NN" predict rn.bin nonames.csv --probs >p9 2>/dev/null && [ -s p7 ] && cmp -s p7 p9 && cmp -s p8 p9 &&
    grep -qF "wt.tsv: the header has a name fewer than the rows have fields (R's write.table): column 1 is the rows' names" wt.err &&
    "$NN" predict rn.bin wt.tsv --probs 2>/dev/null | cmp -s - p9 && "$NN" predict rn.bin - --probs <wt.txt 2>/dev/null | cmp -s - p9 &&
    ok "R's write.table (a header a name short, tabs or spaces): row names left out, said; the model and answers of write.csv's file" ||
    bad "write.table: $(cat wt.err)"
# write.table(quote = FALSE, sep = ","): the header a name short, the row names bare
sed -e '1s/^"",//' -e 's/"//g' rnames.csv >wtq.csv
"$NN" train --train wtq.csv --epochs 5 --out wtq.bin 2>wtq.err && "$NN" predict wtq.bin nonames.csv --label-col last --probs >p7q 2>/dev/null &&
    "$NN" predict nn0.bin nonames.csv --label-col last --probs 2>/dev/null | cmp -s - p7q && [ -s p7q ] &&
    grep -qF "wtq.csv: the header has a name fewer than the rows have fields (R's write.table): column 1 is the rows' names" wtq.err &&
    ok "R's write.table(quote = FALSE) with commas: bare row names under a header a name short, left out, said; write.csv's model" ||
    bad "write.table unquoted: $(cat wtq.err)"
# ... and with spaces: a row name with a space splits in two, which no reader can undo: said
{ echo "x1 x2 cls"; tail -n +2 nonames.csv | awk -F, '{ printf "row %d %s %s %s\n", NR, $1, $2, $3 }' | tr -d '"'; } >wts.txt
expect "write.table(quote = FALSE) with spaces and row names that hold a space: an error that says why" 1 \
    "wts.txt:2: 5 columns, but the first line has 3 \\(separated by spaces, a name with a space in it splits in two" \
    "$NN" train --train wts.txt --epochs 1 --out wts.bin
sed '4s/^/9,/' nonames.csv >wtw.csv
"$NN" predict un0.bin wtw.csv >wtw.out 2>wtw.err
[ $? = 1 ] && grep -qF "wtw.csv:4: 4 columns, but the first line has 3" wtw.err && [ "$(wc -l <wtw.out)" = 3 ] &&
    ok "a table model's rows, one a field too wide: said as its width, not as a field out of place; the rows before it answered" ||
    bad "a row too wide: $(cat wtw.err)"
# no label named, row names first and the label after them: the label is the first column after the row names
awk -F, 'BEGIN { OFS = "," } { print $1, $4, $2, $3 }' rnames.csv >rnfirst.csv
awk -F, 'BEGIN { OFS = "," } { print $3, $1, $2 }' nonames.csv >nnfirst.csv
"$NN" train --train rnfirst.csv --epochs 5 --out rnf.bin 2>rnf.err && "$NN" train --train nnfirst.csv --epochs 5 --out nnf.bin 2>/dev/null &&
    "$NN" predict rnf.bin nnfirst.csv --probs >p11 2>/dev/null && "$NN" predict nnf.bin nnfirst.csv --probs --label-col first >p12 2>/dev/null &&
    [ -s p11 ] && cmp -s p11 p12 && grep -qF "the label is taken from the second column 'cls' (2 values)" rnf.err &&
    ok "no label named, R's row names first: the label is the column after them, not the row names; the model of the file without them" ||
    bad "label after row names: $(cat rnf.err)"
# the width of a table's rows is checked before their fields are judged: names with spaces, R's escaped quotes, a line break in a field
{ echo "x1 x2 cls"; tail -n +2 nonames.csv | awk -F, '{ printf "row %d %s %s %s\n", NR, $1, $2, $3 }' | tr -d '"'; } >wts2.txt
expect "a table (--label-col NAME) of space-separated rows whose names hold a space: their width said, with why" 1 \
    "wts2.txt:2: 5 columns, but the first line has 3 \\(separated by spaces, a name with a space in it splits in two" \
    "$NN" train --train wts2.txt --label-col cls --epochs 1 --out wts.bin
printf '"x" "g" "y"\n1 "a" 1\n2 "e\\"f" 2\n3 "b" 1\n' >esc.txt
expect "R's write.table(qmethod = \"escape\"): the escaped quote named as the cause" 1 \
    "esc.txt:3: 4 columns, but the first line has 3 \\(a quote escaped as .* ends its field: R's write.table\\(qmethod = \"escape\"\\)" \
    "$NN" train --train esc.txt --target y --epochs 1 --out esc.bin
printf '"x","g","y"\n1,"a",1\n2,"x\ny",2\n3,"b",1\n' >nl.csv
expect "a line break inside a quoted field (R's write.csv of text with one): said, not taken for a column of numbers" 1 \
    "nl.csv:3: column 2: a quote that does not close on its line: '\"x' \\(a line break inside a quoted field is not read" \
    "$NN" train --train nl.csv --target y --epochs 1 --out nl.bin
# R's row names read back by read.csv come as a column X: warned, with the --ignore to give
{ echo '"X","x1","x2","cls"'; tail -n +2 rnames.csv | tr -d '"' | awk 'BEGIN { srand(21) } { print rand() "\t" $0 }' | sort -n | cut -f2 | head -90; } >rx.csv
"$NN" train --train rx.csv --label-col cls --epochs 1 --out rx.bin 2>rx.err
grep -qF "warning: rx.csv: column 1 ('X') looks like R's row names read back by read.csv (a different whole number in every row); if it is, give --ignore X" rx.err &&
    ok "R's row names read back as a column X (shuffled, a subset): warned, --ignore X suggested" || bad "X column: $(cat rx.err)"
# R's TRUE and FALSE are pandas' True and False
awk 'BEGIN { srand(22); print "\"\",\"big\",\"x\",\"y\""; for (i = 1; i <= 60; i++) { b = rand() < 0.5; printf "\"%d\",%s,%.3f,%.3f\n", i, b ? "TRUE" : "FALSE", rand(), b + rand() } }' >lg.csv
"$NN" train --train lg.csv --target y --epochs 3 --out lg.bin 2>/dev/null
{ echo ",big,x,y"; tail -n +2 lg.csv | tr -d '"' | sed 's/TRUE/True/; s/FALSE/False/'; } >lgp.csv
"$NN" predict lg.bin lg.csv >lg1.out 2>/dev/null
"$NN" predict lg.bin lgp.csv >lg2.out 2>lg2.err
[ -s lg1.out ] && cmp -s lg1.out lg2.out && ! grep -q "not seen in training" lg2.err &&
    ok "R's TRUE/FALSE written by pandas as True/False: the same categories, the same answers" || bad "True for TRUE: $(cat lg2.err)"
# R's level "None" (quoted in write.csv, bare in write.csv(quote = FALSE)): the model's level, not a missing value;
# a bare None in training is missing, as pandas reads it, and the summary counts it
awk 'BEGIN { srand(23); print "\"\",\"bags\",\"x\",\"y\""; split("None|Driver only|Both", L, "|"); for (i = 1; i <= 60; i++) { k = 1 + i % 3;
     printf "\"%d\",\"%s\",%.3f,%.3f\n", i, L[k], rand(), k + rand() } }' >none.csv
"$NN" train --train none.csv --target y --epochs 3 --out none.bin 2>/dev/null
tr -d '"' <none.csv >none_nq.csv
"$NN" predict none.bin none.csv >nn1.out 2>/dev/null
"$NN" predict none.bin none_nq.csv >nn2.out 2>nn2.err
"$NN" train --train none_nq.csv --target y --epochs 1 --out none2.bin 2>nn3.err
[ -s nn1.out ] && cmp -s nn1.out nn2.out && ! grep -q "not seen" nn2.err &&
    grep -qF "20 missing values in categorical columns (as in 'bags') a category of their own" nn3.err &&
    ok "R's level None written bare: the model's level at predict; in training a missing value, counted in the summary" ||
    bad "None: $(cat nn2.err nn3.err)"
# --keep of a name with a comma, quoted as --ignore takes it
printf '"Cyl, count",x,y\n4,1.5,2.5\n6,2.5,3.5\n4,1.2,2.2\n8,3.1,4.4\n' >kc.csv
"$NN" train --train kc.csv --target y --epochs 1 --out kc.bin 2>/dev/null
"$NN" predict kc.bin kc.csv --keep '"Cyl, count",x' >kc.out 2>kc.err
[ "$(head -2 kc.out)" = "$(printf '"Cyl, count",x,y\n4,1.5,%s' "$(sed -n 2p kc.out | cut -d, -f3)")" ] &&
    ok "predict --keep '\"a, b\"': a kept name with a comma, quoted as the error message says" || bad "--keep quoted: $(cat kc.err) $(head -2 kc.out)"
# predict on gzip CSV: the header line of the answers, as for the CSV itself (file and pipe)
gzip -c rnames.csv >rn.csv.gz
"$NN" predict rn.bin rnames.csv --probs >g0.out 2>/dev/null
"$NN" predict rn.bin rn.csv.gz --probs >g1.out 2>/dev/null
"$NN" predict rn.bin - --probs <rn.csv.gz >g2.out 2>/dev/null
[ "$(head -1 g0.out)" = "a,b" ] && cmp -s g0.out g1.out && cmp -s g0.out g2.out &&
    ok "predict on a gzip CSV: the answers' header line as for the CSV (file and pipe)" || bad "gzip header: $(head -2 g1.out)"
"$NN" predict rn.bin rn.csv.gz --keep cls >g3.out 2>/dev/null && "$NN" predict rn.bin rnames.csv --keep cls 2>/dev/null | cmp -s - g3.out &&
    ok "predict --keep on a gzip file: the CSV's answers and kept column" || bad "--keep gzip: $(head -2 g3.out)"
# a model trained on a file with row names, given the rows without a header: by position, the row names left out
tail -n +2 nonames.csv | cut -d, -f1-2 >nohead.csv
"$NN" predict rn.bin nohead.csv --probs --no-header >p10 2>nh.err && tail -n +2 p9 | cmp -s - p10 &&
    ok "a model with row names, rows without a header or label: read by position without the row names" || bad "headerless rows: $(cat nh.err)"
tail -n +2 nonames.csv >nohead3.csv
expect "rows without a header, as many as the model's columns less the row names or less the label: an error asking for a header" 1 \
    "nohead3.csv: 3 columns: the model's columns without its row names, or without its label or target; give the file a header line" \
    "$NN" predict rn.bin nohead3.csv --header no
expect "a model of number columns, a first line of numbers and a word: data, and a header asked for" 1 \
    "nohead3.csv: 3 columns: the model's columns without its row names, or without its label or target; give the file a header line" \
    "$NN" predict un.bin nohead3.csv
printf 'a,b,y\n1,2,0,\n2,3,1,\n' >trail.csv
expect "rows one field longer than the header by a trailing separator: an error, not row names" 1 "trail.csv:2: 4 columns, but the first line has 3" \
    "$NN" train --train trail.csv --label-col y --epochs 1 --out trail.bin
"$NN" train --train rnames.csv --target 2 --ignore cls --epochs 1 --out t2.bin 2>t2.err
grep -qF "rnames.csv: a table of 4 columns: 1 number, 1 target ('x1'), 2 ignored" t2.err &&
    ok "--target 2 in a file with row names: the summary names the target column ('x1', the row names being column 1)" || bad "target by number: $(cat t2.err)"
"$NN" train --train nonames.csv --label-col cls --row-names feature --epochs 1 --out rf.bin 2>rf.err
grep -qF "nonames.csv: warning: --row-names feature has no effect: its first column is not headed \"\" or 'Unnamed: 0' (row names)" rf.err &&
    ok "--row-names feature on a file without row names: warned, no effect" || bad "--row-names feature without row names: $(cat rf.err)"
# a numeric id: warned, with an --ignore that works when pasted
awk 'BEGIN { srand(3); print "customer id,x,y"; for (i = 0; i < 50; i++) printf "%d,%.3f,%d\n", 1000000 + 17 * i, rand(), i % 2 }' >ids.csv
"$NN" train --train ids.csv --label-col y --epochs 2 --out id.bin 2>id.err
fix=$(sed -n "s/.*column 'customer id' looks like an id (its name); .* give \(--ignore .*\)$/\1/p" id.err)
[ "$fix" = "--ignore 'customer id'" ] && eval "\"\$NN\" train --train ids.csv --label-col y --epochs 2 --out id2.bin $fix" 2>id2.err &&
    ! grep -q 'looks like an id' id2.err && ok "an id column is warned of, and the --ignore it suggests works when pasted" || bad "id column: $(cat id.err) / $fix"
# --ignore (a list) given twice: both lists, as the warning's suggestion pasted after an earlier --ignore means
expect "--ignore given twice: both lists are left out (here: every feature)" 1 "ids.csv: no feature columns left" \
    "$NN" train --train ids.csv --label-col y --ignore x --ignore 'customer id' --epochs 1 --out ig2.bin
awk 'BEGIN { srand(5); print "ref,x,y"; for (i = 0; i < 60; i++) printf "%d,%.3f,%d\n", 4000 + int(rand() * 100000), rand(), i % 2 }' >ref.csv
"$NN" train --train ref.csv --label-col y --epochs 1 --out ref.bin 2>ref.err
grep -qF "column 'ref' looks like an id (a different whole number in nearly every row)" ref.err && ok "large whole numbers, a different one in each row: warned as an id" ||
    bad "id by its values: $(cat ref.err)"
# ---- categories: R's quoted factors, --category, one-hot inputs not standardised ----------
awk 'BEGIN { srand(11); print "\"\",\"size\",\"cyl\",\"y\""; for (i = 1; i <= 60; i++) { c = (i % 3 == 0) ? "rotary" : (i % 3 == 1) ? "4" : "6";
     printf "\"%d\",%.2f,\"%s\",%.2f\n", i, rand() * 10, c, rand() } }' >fac.csv
"$NN" train --train fac.csv --target y --epochs 2 --out fac.bin 2>fac.err
grep -qF "1 category one-hot encoded ('cyl': 3 values)" fac.err && grep -qF "1 column of quoted numbers (R's factors) taken as category" fac.err &&
    "$NN" info fac.bin | grep -qE '^ +3 +cyl +category: 4, 6, rotary$' && ok "R's quoted factor levels (\"4\", \"6\", \"rotary\") make a category, and nn says so" ||
    bad "R factors: $(cat fac.err)"
# pandas, reading R's file and writing it again, writes a level "6" of a column with a missing value as 6.0, and a
# numeric class label "6" as 6.0: the same level, the same class (no category unseen, no label unknown)
awk 'BEGIN { srand(13); print "\"\",\"size\",\"cyl\",\"y\""; for (i = 1; i <= 60; i++) { c = (i % 3 == 0) ? "8" : (i % 3 == 1) ? "4" : "6";
     printf "\"%d\",%.2f,\"%s\",\"%s\"\n", i, rand() * 10, c, i % 4 < 2 ? "6" : "7" } }' >lv.csv
"$NN" train --train lv.csv --label-col y --epochs 3 --out lv.bin 2>/dev/null
{ echo ",size,cyl,y"; tail -n +2 lv.csv | tr -d '"' | awk -F, '{ print $1 "," $2 "," $3 ".0," $4 ".0" }'; } >lvp.csv
"$NN" predict lv.bin lv.csv --probs >lv1.out 2>/dev/null
"$NN" predict lv.bin lvp.csv --probs >lv2.out 2>lv2.err
a=$("$NN" eval lv.bin lv.csv 2>/dev/null | head -1) b=$("$NN" eval lv.bin lvp.csv 2>lv3.err | head -1)
[ -s lv1.out ] && cmp -s lv1.out lv2.out && ! grep -q "not seen in training" lv2.err && [ -n "$a" ] && [ "$a" = "$b" ] &&
    ok "R's levels and labels \"6\" written by pandas as 6.0: the same category and class (same answers; eval: $b)" ||
    bad "6.0 for \"6\": $(cat lv2.err lv3.err) / '$a' vs '$b'"
# pandas' QUOTE_ALL quotes its index and every number: the quoted row names say nothing of R, so numbers with a
# fraction stay numbers, and the model is that of the same file without the index
{ echo '"","mpg","cyl","qsec"'; awk 'BEGIN { srand(14); for (i = 0; i < 40; i++) printf "\"car %d\",\"%.1f\",\"%d\",\"%.2f\"\n", i, 10 + 20 * rand(), 4 + 2 * (i % 3), 15 + 5 * rand() }'; } >qa.csv
cut -d, -f2- qa.csv >qa0.csv
"$NN" train --train qa.csv --target mpg --epochs 3 --out qa.bin 2>qa.err && "$NN" train --train qa0.csv --target mpg --epochs 3 --out qa0.bin 2>/dev/null &&
    "$NN" predict qa.bin qa0.csv >qa1.out 2>/dev/null && "$NN" predict qa0.bin qa0.csv >qa2.out 2>/dev/null && [ -s qa1.out ] && cmp -s qa1.out qa2.out &&
    grep -qF "a table of 4 columns: 1 number, 1 category one-hot encoded ('cyl': 3 values), 1 target ('mpg'), 1 ignored" qa.err &&
    ok "pandas' QUOTE_ALL with its index: quoted fractions are numbers, the index left out, the model of the file without it" || bad "QUOTE_ALL: $(cat qa.err)"
# one column in other units (x100) among columns in the training units: a warning that names it
awk 'BEGIN { srand(15); print "a,b,c,y"; for (i = 0; i < 200; i++) { a = rand(); b = 50 + 10 * rand(); c = rand(); printf "%.3f,%.3f,%.3f,%.3f\n", a, b, c, a + c } }' >sc.csv
"$NN" train --train sc.csv --target y --epochs 2 --out sc.bin 2>/dev/null
"$NN" predict sc.bin sc.csv >/dev/null 2>sc0.err
awk -F, 'NR == 1 { print; next } { printf "%s,%.1f,%s,%s\n", $1, $2 * 100, $3, $4 }' sc.csv >sc100.csv
"$NN" predict sc.bin sc100.csv >sc.out 2>sc1.err
[ "$(wc -l <sc.out)" = 201 ] && ! grep -q warning sc0.err &&
    grep -qE "warning: sc100.csv: column 'b' \(2\) lies [0-9.e+]+ training deviations from its training mean .*is it in other units" sc1.err &&
    ok "one column of a table in other units: a warning naming it (none for the training data)" || bad "one column x100: $(cat sc0.err sc1.err)"
"$NN" train --help 2>&1 | grep -qF "NA, N/A, n/a, na, NaN, nan, NAN, null, NULL, None, ?, #N/A (Excel) or <NA> (pandas)" && ok "--help lists every spelling of a missing value" ||
    bad "--missing help: $("$NN" train --help 2>&1 | grep -- --missing)"
awk 'BEGIN { srand(12); print "a,b,y"; for (i = 0; i < 40; i++) printf "%d,%.2f,%d\n", i % 4, rand(), i % 2 }' >cat.csv
"$NN" train --train cat.csv --label-col y --category a --epochs 2 --out cat.bin 2>cat.err
"$NN" info cat.bin | grep -qE '^ +1 +a +category: 0, 1, 2, 3$' && grep -qF "1 category one-hot encoded ('a': 4 values)" cat.err &&
    ok "--category: a column of numbers one-hot encoded" || bad "--category: $(cat cat.err)"
expect "--category of a column taken already" 1 "--category: column .y. is the label already" "$NN" train --train cat.csv --label-col y --category y --epochs 1 --out x.bin
# ---- messages said as they are -----------------------------------------------------------
# a column of numbers and a word (pandas writes R's factor levels bare): an error that gives the --category to paste
printf 'cyl,w,y\n4,1.5,2\n6,2.5,3\nrotary,1.2,2\n4,1.4,2\n' >rot.csv
expect "numbers and a word in a column: --category pointed to" 1 "rot.csv:4: column 'cyl': 'rotary' is not a number .*give --category cyl$" "$NN" train --train rot.csv --target y --out x.bin
# --category on a column of numbers with too many values: said as what was asked, not as text
awk 'BEGIN { print "a,b,y"; for (i = 0; i < 200; i++) printf "%d,%d,%d\n", i % 101, (i * 7) % 13, i % 2 }' >cat101.csv
expect "--category on a number column of 101 values: too many for a category, said as given to --category" 1 \
    "cat101.csv: column 'a', given to --category, has at least 101 different values in 200 rows: too many for a category.*give --ignore a$" \
    "$NN" train --train cat101.csv --label-col y --category a --out x.bin
# many categories: the summary names the first ones whole, then counts the rest
awk 'BEGIN { srand(4); printf "y"; for (c = 1; c <= 60; c++) printf ",col%d", c; print ""; for (i = 0; i < 40; i++) { printf "%s", (i % 2 ? "a" : "b");
     for (c = 1; c <= 60; c++) printf ",%s", (rand() < 0.5 ? "lo" : "hi"); print "" } }' >wide.csv
"$NN" train --train wide.csv --label-col y --epochs 1 --out wide.bin 2>wide.err
grep -qE "a table of 61 columns: 0 numbers, 60 categories one-hot encoded \('col1': 2 values; .*'col[0-9]+': 2 values; [0-9]+ more\), 1 label" wide.err &&
    ok "a table of 60 categories: the summary lists whole entries, then 'N more'" || bad "wide summary: $(grep 'a table of' wide.err)"
"$NN" train --train rnames.csv --label-col cls --folds 3 --out f3.bin 2>f3.err
grep -qE "now the final model, on all 120 rows$" f3.err &&
    ok "--folds: the final model's rows said as they are used" || bad "folds message: $(grep final f3.err)"
"$NN" train --train rnames.csv --label-col cls --val 0 --epochs 3 --out v0.bin 2>v0.err
"$NN" train --train rnames.csv --label-col cls --val 0 --out v1.bin 2>v1.err
grep -q ", 200 epochs (give" v1.err && ! grep -q "up to" v1.err && ok "--val 0: the defaults say 200 epochs, not up to 200" || bad "--val 0: $(grep defaults v1.err)"
# --layers without activations on a table: the table's relu and softmax, said (not the textbook's sigmoids)
"$NN" train --train rnames.csv --label-col cls --layers 2-16-2 --epochs 2 --out la.bin 2>la.err && "$NN" info la.bin >la.info
grep -qF "relu hidden layers and a softmax output (where --layers names none)" la.err && grep -qE "^1 +16 +relu" la.info && grep -qE "^2 +2 +softmax" la.info &&
    ok "--layers 2-16-2 on a table: relu hidden layers and a softmax output, said" || bad "--layers on a table: $(grep defaults la.err) $(cat la.info | head -4)"
"$NN" train --train rnames.csv --label-col cls --layers 2-16tanh-2 --output sigmoid --epochs 2 --out lb.bin 2>lb.err && "$NN" info lb.bin >lb.info
! grep -q "where --layers names none" lb.err && grep -qE "^1 +16 +tanh" lb.info && grep -qE "^2 +2 +sigmoid" lb.info &&
    ok "--layers naming its activations, --output given: kept as given" || bad "--layers named: $(grep defaults lb.err) $(head -4 lb.info)"
# a table of at most 1000 rows trains on all of them for 200 epochs, L2 lambda 3, said; a larger one holds a fifth out
"$NN" train --train rnames.csv --label-col cls --out v2.bin 2>v2.err
grep -qF "L2 lambda 3, 200 epochs, every row trained on and the last epoch kept (120 rows, at most 1000" v2.err && grep -q "^epoch 200/200" v2.err && ok "a small table: every row trained on for 200 epochs, lambda 3, said with why" || bad "small table defaults: $(grep defaults v2.err)"
awk 'BEGIN { srand(13); print "a,b,y"; for (i = 0; i < 1200; i++) { a = rand(); printf "%.3f,%.3f,%s\n", a, rand(), (a > 0.5 ? "p" : "q") } }' >big.csv
"$NN" train --train big.csv --label-col y --epochs 2 --out big.bin 2>big.err
grep -qF "L2 lambda 1, a fifth of the rows held out for validation, the best epoch kept, stopping after 100 epochs" big.err && ok "a table of 1200 rows: a fifth held out to stop early, lambda 1" || bad "big table defaults: $(grep defaults big.err)"
printf 'a,b,y\n1,2,a_very_long_class_name\n2,3,short\n1,3,a_very_long_class_name\n3,3,short\n' >ln.csv
"$NN" train --train ln.csv --label-col y --epochs 2 --out ln.bin --quiet 2>/dev/null
"$NN" eval ln.bin ln.csv --label-col y >ln.out 2>/dev/null
grep -qF "(names cut to fit: a_very_long_ = a_very_long_class_name)" ln.out && ok "eval: a name cut to fit the matrix is given in full" || bad "long names: $(cat ln.out)"
printf 'a,y\n0,p\n0,p\n0,p\n1,q\n1,q\n1,q\n' >easy.csv
"$NN" train --train easy.csv --label-col y --epochs 300 --out easy.bin --quiet 2>/dev/null
"$NN" eval easy.bin easy.csv --errors 2 >easy.out 2>/dev/null
grep -q '^accuracy 1.0000 (6/6)$' easy.out && grep -qF "(none: every row is right)" easy.out && ok "eval --errors on a perfect result says there are none" ||
    bad "perfect --errors: $(cat easy.out)"
# class names sorted, whatever the order of the rows: the same classes, class 1 and --threshold
{ head -1 lg.csv | sed 's/"y"/"cls"/'; tail -n +2 lg.csv | awk -F, 'BEGIN { OFS = "," } { $4 = ($4 > 1.5 ? "\"Yes\"" : "\"No\""); print }'; } >yn.csv
{ head -1 yn.csv; tail -n +2 yn.csv | sort -t, -k4,4r; } >yn_yesfirst.csv
"$NN" train --train yn.csv --label-col cls --epochs 3 --out yn1.bin --quiet 2>/dev/null
"$NN" train --train yn_yesfirst.csv --label-col cls --epochs 3 --out yn2.bin --quiet 2>/dev/null
c1=$("$NN" info yn1.bin | grep '^classes') c2=$("$NN" info yn2.bin | grep '^classes')
[ "$c1" = "classes 0=No, 1=Yes" ] && [ "$c2" = "$c1" ] && [ "$(sed -n 2p yn_yesfirst.csv | cut -d, -f4)" = '"Yes"' ] &&
    ok "class names sorted, whatever the rows' order: $c1 for rows No-first and Yes-first" || bad "class order: '$c1' vs '$c2'"
# ---- which profile, and why: a header of names makes a table; plain numbers say the textbook's ----------
# numbers under names (R's write.csv of an all-number data frame): the table defaults, said with the reason;
# the same rows without a header keep the textbook's, said as such
awk 'BEGIN { srand(11); print "\"\",\"low\",\"age\",\"wt\""; for (i = 1; i <= 150; i++) { w = 1500 + rand() * 3000;
     printf "\"%d\",%d,%d,%.1f\n", i, w < 2500, 15 + int(rand() * 30), w / 1000 } }' >bw.csv
"$NN" train --train bw.csv --folds 3 --seed 1 --out bw.bin 2>bw.err >/dev/null
acc=$(sed -n 's/^nn: 3 folds: accuracy \([0-9.]*\)%.*/\1/p' bw.err)
grep -qF "the label is taken from the second column 'low' (2 values)" bw.err &&
    grep -q "^nn: table defaults, for a table (a header of names; see the table above): a 2-64-2 network of relu units" bw.err &&
    awk -v a="$acc" 'BEGIN { exit !(a >= 90) }' &&
    ok "numbers under a header of names (R's write.csv): the table defaults, said with why; a weight in kilograms learned ($acc%)" ||
    bad "numbers under names: $acc $(grep -v ^epoch bw.err | head -c 600)"
tail -n +2 bw.csv | cut -d, -f2- >bw_plain.csv
"$NN" train --train bw_plain.csv --epochs 1 --out x.bin 2>bwp.err >/dev/null
grep -qF "nn: textbook defaults, for plain numbers (no header of names, no text or missing values): a 2-30-2 network of sigmoid units, sgd, eta 3, batch 10, inputs divided by their largest absolute value" bwp.err &&
    ! grep -q "^nn: table defaults" bwp.err && ok "plain numbers without a header: the textbook's defaults, said with why" || bad "textbook said: $(cat bwp.err)"
# wider than a table: numbers under 300 names keep the textbook's (pixels more often than a table), said
awk 'BEGIN { srand(12); printf "label"; for (c = 0; c < 300; c++) printf ",p%d", c; print ""; for (i = 0; i < 40; i++) {
     printf "%d", i % 2; for (c = 0; c < 300; c++) printf ",%d", int(rand() * 256); print "" } }' >px.csv
"$NN" train --train px.csv --epochs 1 --out x.bin 2>px.err >/dev/null
grep -qF "nn: textbook defaults, for plain numbers (more columns under the header than a table's, no text or missing values)" px.err &&
    ! grep -q "^nn: table defaults" px.err && ok "300 columns of numbers under names: the textbook's defaults, said with why" || bad "wide named: $(grep -v ^epoch px.err)"
# R's class names last, a count first (as MASS's Pima.tr: npreg ... type): the names are the label, said
awk 'BEGIN { srand(13); print "\"\",\"npreg\",\"glu\",\"type\""; for (i = 1; i <= 120; i++) { t = rand() < 0.4;
     printf "\"%d\",%d,%.0f,\"%s\"\n", i, int(rand() * 10), 90 + 60 * t + rand() * 40, t ? "Yes" : "No" } }' >pm.csv
"$NN" train --train pm.csv --epochs 2 --out pm.bin 2>pm.err >/dev/null
grep -qF "the label is taken from the last column 'type' (2 names); the second 'npreg' (10 numbers) looks like labels too: give --label-col 2 if it holds them" pm.err &&
    [ "$("$NN" info pm.bin | grep '^classes')" = "classes 0=No, 1=Yes" ] &&
    ok "a count first and class names last: the names are the label, the other said with its --label-col" || bad "names last: $(grep -v ^epoch pm.err)"
tail -n +2 pm.csv | cut -d, -f2- >pmnh.csv
"$NN" train --train pmnh.csv --epochs 1 --out x.bin 2>pmnh.err >/dev/null
grep -qF "the label is taken from the last column (2 names); the first (10 numbers) looks like labels too: give --label-col 1" pmnh.err &&
    ok "the same rows without a header: the names last are the label too" || bad "names last, no header: $(head -2 pmnh.err)"
"$NN" train --train pm.csv --label-col 2 --epochs 1 --out x.bin 2>pm2.err >/dev/null
grep -qF "1 label ('npreg')" pm2.err && ok "--label-col 2, as said, takes the count" || bad "--label-col 2: $(grep -v ^epoch pm2.err)"
# ---- earlier row names, shifted rows, --row-names feature ---------------------------------------------
# R's read.csv then write.csv: the old row names come back as a column 'X' after the new "": not a feature either
awk 'BEGIN { srand(21); print "\"\",\"X\",\"low\",\"age\",\"wt\""; for (i = 1; i <= 150; i++) { w = 1.5 + rand() * 3;
     printf "\"%d\",%d,%d,%.2f,%.2f\n", i, (w < 2.5 ? 0 : 1000) + i, w < 2.5, 15 + rand() * 30, w } }' >rx.csv
cut -d, -f1,3- rx.csv >rx_norn.csv
"$NN" train --train rx.csv --epochs 5 --seed 1 --out rx.bin 2>rx.err >/dev/null
"$NN" train --train rx_norn.csv --epochs 5 --seed 1 --out rx0.bin 2>/dev/null >/dev/null
grep -qF "column 2 ('X') holds earlier row names (R's read.csv then write.csv), a different value in every row: not a feature" rx.err &&
    grep -qF "the label is taken from the third column 'low' (2 values)" rx.err &&
    "$NN" predict rx.bin rx_norn.csv --probs >rx1.out 2>/dev/null && "$NN" predict rx0.bin rx_norn.csv --probs >rx2.out 2>/dev/null && [ -s rx1.out ] && cmp -s rx1.out rx2.out &&
    ok "R's earlier row names as 'X' after \"\": left out and said, the label the next column; the model of the file without them" || bad "X row names: $(grep -v ^epoch rx.err)"
# a header with no column like labels: an error, not a model of 150 classes
cut -d, -f1,2,4,5 rx.csv >rx_nolab.csv
expect "a table with no column like labels (the row names' X among them): an error, no model" 1 "no column looks like class labels" "$NN" train --train rx_nolab.csv --out rxn.bin
# rows without a header whose first column is R's row names, for a regression (no label's place to look at):
# read by position they lie far from the training data, read after a first column they do not: an error
awk 'BEGIN { srand(22); print "a,b,c,y"; for (i = 0; i < 200; i++) { a = rand(); b = 10 + rand(); c = 100 + 10 * rand(); printf "%.3f,%.3f,%.3f,%.3f\n", a, b, c, a + b / 10 + c / 100 } }' >sh.csv
"$NN" train --train sh.csv --target y --epochs 20 --threads 1 --quiet --out sh.bin 2>/dev/null
tail -n +2 sh.csv | awk -F, '{ printf "\"%d\",%s,%s,%s\n", 7 * NR + 3, $1, $2, $3 }' >sh_rn.csv
tail -n +2 sh.csv >sh_all.csv
expect "predict: headerless rows with R's row names first, a regression: shifted columns found, an error" 1 \
    "sh_rn.csv:1: rows without a header are read by position as the model's 4 columns, and so read their numbers lie [0-9]* training deviations.*give the file a header line" "$NN" predict sh.bin sh_rn.csv
"$NN" predict sh.bin sh_all.csv >sh1.out 2>sh1.err && [ "$(wc -l <sh1.out)" = 200 ] && ok "the same rows with their target and no row names: answered (200 rows)" || bad "sh_all: $(cat sh1.err)"
# --row-names feature: R's quoted row names "1", "2" ... are numbers, a feature; the model reads its own training file
"$NN" train --train rnames.csv --row-names feature --epochs 3 --out rnf.bin 2>rnf.err >/dev/null
"$NN" predict rnf.bin rnames.csv >rnf.out 2>/dev/null && [ "$(wc -l <rnf.out)" = 121 ] && "$NN" eval rnf.bin rnames.csv >/dev/null 2>&1 &&
    "$NN" info rnf.bin | grep -qE "^ +1 +\(empty name\) +number" && grep -q "^nn: table defaults, for a table (a header of names" rnf.err &&
    ok "--row-names feature: the row names a number feature, the table defaults; predict and eval read the training file" || bad "--row-names feature: $(cat rnf.err; "$NN" info rnf.bin | grep -A4 '^table')"
# ---- the label as R and pandas quote it; messages that name every column at once ---------------------
# R's factor of numbers as the label ("4", "6", "8", quoted in every row): three named classes, not 0 to 8
awk 'BEGIN { srand(31); print "\"\",\"mpg\",\"cyl\",\"wt\""; for (i = 1; i <= 60; i++) { c = 4 + 2 * (i % 3);
     printf "\"r%d\",%.1f,\"%d\",%.2f\n", i, 40 - 3 * c + rand(), c, 1 + c / 3 + rand() / 2 } }' >fcyl.csv
"$NN" train --train fcyl.csv --label-col cyl --epochs 3 --out fcyl.bin --quiet 2>/dev/null
[ "$("$NN" info fcyl.bin | grep '^classes')" = "classes 0=4, 1=6, 2=8" ] && [ "$("$NN" predict fcyl.bin fcyl.csv --probs | head -1)" = "4,6,8" ] &&
    ok "an R factor of numbers as the label: its levels are the classes (4, 6, 8), not numbers 0 to 8" || bad "factor label: $("$NN" info fcyl.bin | grep classes)"
# every field quoted (pandas' QUOTE_ALL), or a label missing in some rows: the names last are still the label
awk 'BEGIN { srand(32); print "\"\",\"npreg\",\"glu\",\"type\""; for (i = 1; i <= 100; i++) { t = rand() < 0.4;
     printf "\"%d\",\"%d\",\"%.0f\",\"%s\"\n", i, int(rand() * 10), 90 + 60 * t + rand() * 40, t ? "Yes" : "No" } }' >qa.csv
"$NN" train --train qa.csv --epochs 1 --out x.bin 2>qa.err >/dev/null
awk -F, 'NR > 1 && NR % 10 == 0 { $4 = "NA" } 1' OFS=, pm.csv >pmna.csv
"$NN" train --train pmna.csv --epochs 1 --out x.bin 2>pmna.err >/dev/null
grep -qF "the label is taken from the last column 'type' (2 names)" qa.err && grep -qF "the label is taken from the last column 'type' (2 names)" pmna.err &&
    grep -qF "rows without a label dropped" pmna.err &&
    ok "names last beat a count first when every field is quoted, and when some labels are missing (those rows dropped, said)" || bad "label choice: $(grep label qa.err pmna.err)"
# pandas' 0, 1, 2 ... header: the textbook's defaults, said for what it is
(echo "0,1,2,3,4"; tail -n +2 "$top/data/iris.csv") >pnh.csv
"$NN" train --train pnh.csv --epochs 1 --out x.bin 2>pnh.err >/dev/null
grep -qF "textbook defaults, for plain numbers (a header of column numbers 0, 1, 2 ..., as pandas names an array's, not names," pnh.err &&
    ok "a header of column numbers: the textbook's defaults, said as such" || bad "counting header reason: $(grep defaults pnh.err)"
# decimal commas in a file separated by commas (pandas' to_csv(decimal=',')): what to do, not a refused option
printf 'a,b,y\n"1,5",2,0\n"2,5",3,1\n"0,5",1,0\n"3,5",4,1\n' >dc.csv
expect "decimal commas between commas: the message says to write ';' between the fields" 1 "dc.csv:2: column 'a': '1,5' is not a number .*the fields are separated by commas too: write the file with ';'" "$NN" train --train dc.csv --label-col y --out x.bin
# two columns of free text: both named, with one --ignore for both
awk 'BEGIN { print "make,model,price"; for (i = 0; i < 60; i++) printf "m%d,x%d,%d\n", i, i, 10 + i % 7 }' >ft.csv
expect "two columns of free text: both named, one --ignore to paste" 1 "ft.csv: column 'make' holds text with .*so do 'model'.*; give --ignore make,model$" "$NN" train --train ft.csv --target price --out x.bin
# pandas' QUOTE_ALL with na_rep='NA': a quoted "NA" among numbers is said for what it is, with the way to write it
printf '"a","b","y"\n"1.5","2","0"\n"NA","3","1"\n"0.5","1","0"\n"2.5","4","1"\n' >qna.csv
expect "a quoted NA among numbers: said as text, na_rep='' pointed to" 1 "qna.csv:3: column 'a': 'NA', quoted, is not a number: a quoted \"NA\" is text.*na_rep=''" "$NN" train --train qna.csv --label-col y --out x.bin
# Excel's #N/A and pandas' <NA> are missing values; another word among numbers is said with the spellings nn reads
printf 'a,b,y\n1.5,2,0\n#N/A,3,1\n0.5,<NA>,0\n2.5,4,1\n1.0,2,0\n' >xna.csv
"$NN" train --train xna.csv --label-col y --epochs 1 --out x.bin 2>xna.err >/dev/null && grep -qF "2 missing values filled in with the column means" xna.err &&
    ok "Excel's #N/A and pandas' <NA> read as missing values, filled and said" || bad "#N/A: $(cat xna.err)"
printf 'a,b,y\n1.5,2,0\n-,3,1\n0.5,1,0\n2.5,4,1\n' >dash.csv
expect "a word among numbers: how to write a missing value, and --category" 1 "dash.csv:3: column 'a': '-' is not a number .*if '-' marks a missing value, write it empty or as NA .*give --category a$" "$NN" train --train dash.csv --label-col y --out x.bin
# pandas' DataFrame(X): columns 0, 1, 2, 3 and a named label: a table, the same model with or without the index
awk -F, 'BEGIN { print "0,1,2,3,y" } NR > 1 { print }' "$top/data/iris.csv" >ipd.csv
awk -F, 'BEGIN { print ",0,1,2,3,y" } NR > 1 { print NR - 2 "," $0 }' "$top/data/iris.csv" >ipd_idx.csv
"$NN" train --train ipd.csv --epochs 3 --seed 1 --out ipd.bin 2>ipd.err >/dev/null
"$NN" train --train ipd_idx.csv --epochs 3 --seed 1 --out ipd2.bin 2>/dev/null >/dev/null
printf '0,1,2,3\n,3.0,1.4,0.2\n' >ipd_new.csv
grep -q "^nn: table defaults, for a table (a header of names" ipd.err && "$NN" predict ipd.bin ipd_new.csv >/dev/null 2>&1 &&
    "$NN" predict ipd.bin ipd.csv --probs >ip1.out 2>/dev/null && "$NN" predict ipd2.bin ipd.csv --probs >ip2.out 2>/dev/null && cmp -s ip1.out ip2.out &&
    ok "pandas' DataFrame(X) with a named label: a table, its missing values filled at predict, the same model with its index" || bad "DataFrame(X): $(grep -v ^epoch ipd.err)"
# R's level "NA" (North America, quoted) beside R's missing NA (bare) in one column: two categories, in training and
# at predict, the same model as the file with its missing values empty
awk 'BEGIN { srand(41); print "\"\",\"region\",\"x\",\"y\""; for (i = 1; i <= 200; i++) { r = i % 4; x = rand();
     printf "\"%d\",%s,%.3f,%.3f\n", i, r == 0 ? "\"NA\"" : r == 1 ? "NA" : r == 2 ? "\"EU\"" : "\"AS\"", x, x + (r == 0 ? -3 : r == 1 ? 3 : r == 2 ? 1 : 0) } }' >rna.csv
sed 's/^\("[0-9]*"\),NA,/\1,,/' rna.csv >rna_empty.csv
"$NN" train --train rna.csv --target y --epochs 60 --seed 1 --out rna.bin 2>/dev/null
"$NN" train --train rna_empty.csv --target y --epochs 60 --seed 1 --out rnae.bin 2>/dev/null
"$NN" predict rna.bin rna.csv >rna1.out 2>/dev/null && "$NN" predict rnae.bin rna_empty.csv >rna2.out 2>/dev/null && "$NN" predict rnae.bin rna.csv >rna3.out 2>/dev/null &&
    cmp -s rna1.out rna2.out && cmp -s rna2.out rna3.out && a=$("$NN" eval rna.bin rna.csv 2>/dev/null | head -1) && awk -v a="${a#r2 }" 'BEGIN { exit !(a + 0 > 0.99) }' &&
    "$NN" export rna.bin --c rna.h --prefix nn 2>/dev/null && grep -qF 'the text NA is its level; give a missing value of this column as "" or NULL' rna.h &&
    ok "R's level \"NA\" and a bare NA in one column: a level and a missing value, in training and predict ($a); the header says how to give each" ||
    bad "level NA and missing NA: $a $(diff rna1.out rna3.out | head -3)"
# ---- class weights and the monitored figure --------------------------------------------------
awk 'BEGIN { srand(9); print "x1,x2,cls"; for (i = 0; i < 300; i++) { c = i % 4 == 0 ? "rare" : "common"; printf "%.3f,%.3f,%s\n", rand() + (c == "rare") * 0.4, rand(), c } }' >cw.csv
"$NN" train --train cw.csv --label-col cls --class-weight balanced --val 0.2 --epochs 30 --out cw.bin 2>cw.err
grep -qE "class weights in the cost \(balanced over the training rows\): common 0\.6[0-9]*, rare [12]\.[0-9]+$" cw.err && ! grep -q "rare 2$" cw.err &&
    grep -qE "validation recall of rare \(the smallest class\) [0-9.]+%" cw.err &&
    ok "--class-weight balanced with --val: the weights of the training rows alone, said; the rare class's recall in the epoch lines" || bad "class-weight balanced: $(grep -v '^epoch' cw.err | head -c 300)"
expect "--class-weight balanced: n / (classes x rows) said (225 and 75 rows: 0.667 and 2)" 0 "class weights in the cost \(balanced over the training rows\): common 0.667, rare 2$" \
    "$NN" train --train cw.csv --label-col cls --class-weight balanced --val 0 --epochs 2 --out cwb.bin
expect "--class-weight balanced with --folds: each fold's training rows, said" 0 "class weights in the cost: balanced over each fold's training rows" \
    "$NN" train --train cw.csv --label-col cls --class-weight balanced --folds 3 --epochs 2 --out cwf.bin
printf '0.1,0.2,0\n0.3,0.1,1\n0.5,0.5,0\n0.2,0.9,1\n0.4,0.4,0\n0.8,0.1,1\n' >cn.csv
"$NN" train --train cn.csv --label-col last --class-names no,yes --class-weight 1=2 --folds 3 --epochs 2 --out cnf.bin 2>cnf.err &&
    [ "$("$NN" info cnf.bin | grep '^classes')" = "classes 0=no, 1=yes" ] && [ "$(grep -c '^nn: fold' cnf.err)" = 3 ] &&
    ok "--folds with --class-names and --class-weight: each fold and the final model (the options' memory not freed by a fold)" || bad "folds, class names and weights: $(tail -c 300 cnf.err)"
"$NN" train --train cw.csv --label-col cls --class-weight rare=0 --val 0 --epochs 30 --out cw0.bin 2>/dev/null
[ "$("$NN" predict cw0.bin cw.csv --no-header | sort -u)" = common ] && ok "--class-weight rare=0: the rare rows add nothing to the cost, so every answer is 'common'" ||
    bad "class weight 0: $("$NN" predict cw0.bin cw.csv --no-header | sort | uniq -c | tr '\n' ' ')"
printf 'rare=3\n# a comment\ncommon=1\n' >cw.txt
expect "--class-weight FILE: said" 0 "class weights in the cost: common 1, rare 3" "$NN" train --train cw.csv --label-col cls --class-weight cw.txt --epochs 2 --out cw1.bin
expect "--class-weight of a class not there" 2 "no class 'nope'" "$NN" train --train cw.csv --label-col cls --class-weight nope=2 --out cw1.bin
expect "--class-weight with a bad weight" 2 "not a number from 0 to 1e6" "$NN" train --train cw.csv --label-col cls --class-weight rare=-1 --out cw1.bin
expect "--class-weight: every class 0" 2 "every class that has rows weighs 0" "$NN" train --train cw.csv --label-col cls --class-weight rare=0,common=0 --out cw1.bin
printf 'rare 2\n' >cwbad.txt
expect "--class-weight FILE with a bad line: the line quoted" 2 "'rare 2' is not CLASS=WEIGHT" "$NN" train --train cw.csv --label-col cls --class-weight cwbad.txt --out cw1.bin
expect "--class-weight on a regression" 2 "--class-weight weighs classes" "$NN" train --train cw.csv --target x1 --class-weight balanced --out cw1.bin
expect "--monitor loss: the kept epoch has the lowest validation loss, said" 0 "best validation loss" "$NN" train --train cw.csv --label-col cls --monitor loss --val 0.2 --epochs 20 --out cw2.bin
printf 'x,y\n1,2\n2,4\n3,4\n4,4\n5,4\n6,2\n' >num24.csv
expect "numbered labels 2 and 4: classes 0 to 4, the absent ones said" 0 "the classes are 0 to 4, and 3 of them never occur in training" "$NN" train --train num24.csv --label-col y --epochs 2 --out n24.bin
expect "--monitor bogus: a usage error" 2 "--monitor 'bogus': expected accuracy or loss" "$NN" train --train cw.csv --label-col cls --monitor bogus --out cw2.bin

# ---- --ensemble K: K networks from their own seeds, one model whose output is their mean ----------------
awk -F, 'NR == 1 || NR % 5 != 0' "$top/data/iris.csv" >ens-tr.csv
awk -F, 'NR == 1 || NR % 5 == 0' "$top/data/iris.csv" >ens-te.csv
if "$NN" train --train ens-tr.csv --test ens-te.csv --label-col last --layers 4-16relu-3softmax --eta 0.1 --ensemble 3 --epochs 30 --out ens.bin 2>ens.err; then
    said=$(sed -n 's/.*ensemble of 3 networks: test accuracy \([0-9.]*%\).*/\1/p' ens.err)
    got=$("$NN" eval ens.bin ens-te.csv 2>/dev/null | awk '/^accuracy / { printf "%.2f%%", 100 * $2 }')
    [ -n "$said" ] && [ "$said" = "$got" ] && grep -q "its members alone: " ens.err && grep -q "ensemble: member 3 of 3" ens.err &&
        grep -q "saved ens.bin (an ensemble of 3 networks): test accuracy" ens.err &&
        ok "--ensemble 3: each member said, the ensemble's test accuracy ($said) is what nn eval gives the saved model" ||
        bad "--ensemble 3: train said '$said', eval '$got': $(grep -i ensemble ens.err | head -3)"
else
    bad "--ensemble 3: $(tail -2 ens.err)"
fi
"$NN" info ens.bin >ens.info 2>&1 && grep -q "^ensemble: 3 networks of these layers" ens.info && "$NN" info ens.bin --json | grep -q '"members":3' &&
    ok "nn info (and --json) says the model is an ensemble of 3" || bad "info of an ensemble: $(tail -2 ens.info)"
tail -n +2 ens-te.csv | cut -d, -f1-4 | "$NN" predict ens.bin - --probs --no-header >ens.p 2>/dev/null && [ "$(wc -l <ens.p)" = 30 ] &&
    awk -F, '{s = $1 + $2 + $3; if (s < 0.9999 || s > 1.0001) exit 1}' ens.p && ok "predict --probs of an ensemble: the mean probabilities sum to 1 on every row" ||
    bad "predict of an ensemble: $(head -2 ens.p)"
"$NN" train --train ens-tr.csv --label-col last --ensemble 2 --epochs 5 --folds 3 --out ensf.bin 2>ensf.err &&
    grep -q "3 folds: accuracy" ensf.err && ok "--folds with --ensemble: each fold trains an ensemble" || bad "--folds --ensemble: $(tail -2 ensf.err)"
expect "--ensemble 0: a usage error" 2 "--ensemble '0': expected a whole number from 1 to 64" "$NN" train --train ens-tr.csv --label-col last --ensemble 0 --out x.bin
expect "--ensemble 65: a usage error" 2 "--ensemble '65': expected a whole number from 1 to 64" "$NN" train --train ens-tr.csv --label-col last --ensemble 65 --out x.bin
expect "--ensemble with --checkpoint: refused" 2 "--ensemble 3 with --checkpoint: not supported" "$NN" train --train ens-tr.csv --label-col last --ensemble 3 --checkpoint c.ckpt --out x.bin
expect "--ensemble with --report: refused" 2 "--ensemble 2 with --report: not supported" "$NN" train --train ens-tr.csv --label-col last --ensemble 2 --report r.html --out x.bin

# ---- the shared R tables, as R and pandas write them: row names never a feature ----------------------
# Each table of ../shared/data/tables (R's write.csv) is also written as R without its row names, and as
# pandas writes it (python3's csv module, values unquoted): its index under "", a new index "" beside the
# old row names as 'Unnamed: 0', and 'Unnamed: 0' first.  A model trained on each equals (same answers)
# the one trained on the same layout without row names, and the label or target is named.
ST=$top/../shared/data/tables
if [ ! -d "$ST" ]; then
    skip "the shared R tables in every layout" "../shared/data/tables is not beside the checkout" "(the shared directory)"
elif ! find_python; then
    skip "the shared R tables in every layout" "python3 is not installed" python3
else
    "$PY" - "$ST" <<'PYEOF'
import csv, os, sys
src = sys.argv[1]
for fn in sorted(os.listdir(src)):
    if not fn.endswith(".csv"): continue
    b = fn[:-4]
    text = open(os.path.join(src, fn), newline="").read()
    rows = list(csv.reader(text.splitlines()))
    open(b + ".R.csv", "w", newline="").write(text)
    cut = [l.split(",", 1)[1] for l in text.splitlines(True)]   # R's quoted row names are never split by a comma here
    open(b + ".Rnorn.csv", "w", newline="").write("".join(cut))
    vals = [[("" if v == "NA" else v) for v in r] for r in rows]
    def put(name, rs):
        with open(name, "w", newline="") as f: csv.writer(f, lineterminator="\n").writerows(rs)
    put(b + ".pnoidx.csv", [r[1:] for r in vals])
    put(b + ".pidx.csv", vals)
    put(b + ".punn.csv", [["", "Unnamed: 0"] + vals[0][1:]] + [[str(i)] + r for i, r in enumerate(vals[1:])])
    put(b + ".punn_noidx.csv", [["Unnamed: 0"] + vals[0][1:]] + vals[1:])
PYEOF
    targs() {
        case $1 in
        soybean | vowel | dna) echo "--label-col Class" ;;
        birthwt) echo "--label-col low --ignore bwt" ;;
        crabs) echo "--label-col sp --ignore index" ;;
        pima-tr) echo "--label-col type" ;;
        cars93) echo "--target Price --ignore Min.Price,Max.Price,Make,Model --category Cylinders" ;;
        swiss) echo "--target Fertility" ;;
        mtcars) echo "--target mpg" ;;
        esac
    }
    n=0 bad_ones=
    for b in birthwt cars93 crabs mtcars pima-tr swiss vowel soybean dna; do
        [ -f "$b.R.csv" ] || { bad_ones="$bad_ones $b(missing)"; continue; }
        P=--probs
        case $b in cars93 | mtcars | swiss) P= ;; esac
        # shellcheck disable=SC2046 # the table's options are words
        "$NN" train --train "$b.Rnorn.csv" $(targs $b) --epochs 3 --seed 1 --val 0 --quiet --out "$b.ref.bin" 2>/dev/null
        # shellcheck disable=SC2046
        "$NN" train --train "$b.pnoidx.csv" $(targs $b) --epochs 3 --seed 1 --val 0 --quiet --out "$b.pref.bin" 2>/dev/null
        for v in R pidx punn punn_noidx; do
            ref=ref src=$b.Rnorn.csv
            [ $v = R ] || ref=pref src=$b.pnoidx.csv
            # shellcheck disable=SC2046
            "$NN" train --train "$b.$v.csv" $(targs $b) --epochs 3 --seed 1 --val 0 --out "$b.$v.bin" >/dev/null 2>"$b.$v.err"
            "$NN" predict "$b.$ref.bin" "$src" $P >"$b.$v.want" 2>/dev/null
            "$NN" predict "$b.$v.bin" "$src" $P >"$b.$v.got" 2>/dev/null
            if [ -s "$b.$v.want" ] && cmp -s "$b.$v.want" "$b.$v.got" && grep -q "holds row names" "$b.$v.err" &&
                grep -q "1 \(label\|target\) ('" "$b.$v.err"; then n=$((n + 1)); else bad_ones="$bad_ones $b.$v"; fi
        done
    done
    [ $n = 36 ] && ok "the nine shared R tables as R and pandas write them (36 files): row names left out and said, the model of the file without them, the label or target named" ||
        bad "shared tables, row names: $n of 36; not:$bad_ones"
fi

summary tables
