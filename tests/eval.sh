#!/bin/bash
# What nn eval, nn show and nn info print: eval's accuracy agreeing with
# predict, its confusion matrix, precision, recall, F1 and macro averages
# checked by hand, --errors and --show; class names in the report; models of
# 65536 classes; show's drawings (ASCII, half blocks, --index, --count); no
# colour escapes into a pipe; info of a model and of --layers.
# Usage: tests/eval.sh [path/to/nn]   (prints PASS/FAIL/SKIP lines and a summary)
set -u
NN=${1:-./nn}
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1 # outputs that an nn might wrongly create (a file named '-') land here
# ---- fixtures ---------------------------------------------------------------
D="$top/data/digits.csv"
{
    echo sepal_length,sepal_width,petal_length,petal_width,species
    tail -n +2 "$top/data/iris.csv" | awk -F, 'BEGIN { split("setosa,versicolor,virginica", n, ",") } { print $1","$2","$3","$4","n[$5 + 1] }'
} >iris_named.csv
tail -n +2 "$top/data/iris.csv" >iris.csv # numbered classes, no header
tail -n +2 iris_named.csv | cut -d, -f1-4 >ifeat.csv
head -2 ifeat.csv >p2.csv
cut -d, -f1-64 "$D" >dfeat.csv
"$NN" train --train "$D" --label-col last --layers 64-30-10 --epochs 10 --threads 1 --quiet --out d.bin
"$NN" train --train iris_named.csv --label-col last --holdout 30 --epochs 10 --threads 1 --quiet --out iris.bin 2>/dev/null
"$NN" predict d.bin dfeat.csv >dref.txt
"$NN" predict d.bin dfeat.csv --probs >dprobs.txt
"$NN" predict iris.bin ifeat.csv >iref.txt
[ -s d.bin ] && [ -s iris.bin ] && [ "$(wc -l <dref.txt)" = 1797 ] || { bad "fixtures: cannot train the digits and iris models"; }

printf '\0\0\10\3\0\0\0\3\0\0\0\2\0\0\0\2\1\2\3\4\5\6\7\10\11\12\13\14' >"$T/img-images-idx3-ubyte"
printf '\0\0\10\1\0\0\0\3\0\1\2' >"$T/img-labels-idx1-ubyte"
printf '0,0,0\n0,1,1\n1,0,1\n1,1,0\n' >"$T/xor.csv"
printf '0,1,1\n1,1,12\n' >"$T/biglabel.csv"

# ---- eval agrees with predict; info ---------------------------------------------------------
"$NN" train --train "$D" --label-col last --holdout 297 --out "$T/dh.bin" 2>"$T/log"
cut -d, -f1-64 "$D" >"$T/feat.csv"
"$NN" predict "$T/dh.bin" "$T/feat.csv" >"$T/p1"
paste -d, "$T/p1" <(cut -d, -f65 "$D") | awk -F, '$1==$2{n++} END{printf "%.4f\n", n/NR}' >"$T/acc1"
"$NN" eval "$T/dh.bin" "$D" --label-col last >"$T/e1" && grep -q "accuracy $(cat "$T/acc1")" "$T/e1" && ok "eval agrees with predict ($(cat "$T/e1"))" || bad "eval $(cat "$T/e1") vs predict $(cat "$T/acc1")"
"$NN" eval "$T/dh.bin" - --label-col last <"$D" >"$T/e2" && cmp -s "$T/e1" "$T/e2" && ok "eval from stdin" || bad "eval from stdin"
"$NN" info "$T/dh.bin" >"$T/i" && grep -q "parameters 2260" "$T/i" && grep -q "trained 30 of 30 epochs, eta 3" "$T/i" && ok "info MODEL: its parameters, epochs and eta" || bad "info: $(cat "$T/i")"
"$NN" info --layers 784-30-10 | grep -q "parameters 23860" && ok "info --layers 784-30-10: 23860 parameters" || bad "info --layers"
# info --json: one object, read back by python3's json module, agreeing with the text
"$NN" train --train iris_named.csv --label-col species --epochs 2 --threads 1 --quiet --out ij.bin 2>/dev/null
"$NN" info --json ij.bin >ij.json
if find_python; then
    $PY - ij.json "$("$NN" info ij.bin | sed -n 's/^parameters //p')" <<'PYEOF' >ij.out 2>&1
import json, sys
d = json.load(open(sys.argv[1]))
ok = (d["schema"] == "nn-info/1" and d["task"] == "classification" and d["inputs"] == 4 and d["outputs"] == 3
      and d["classes"] == ["setosa", "versicolor", "virginica"] and d["parameters"] == int(sys.argv[2])
      and [c["kind"] for c in d["columns"]] == ["number"] * 4 + ["label"] and d["columns"][4]["name"] == "species"
      and len(d["layers"]) == 2 and d["layers"][1]["outputs"] == 3 and d["training"]["epochs_done"] == 2
      and len(d["input_map"]["mean"]) == 4 and len(d["input_map"]["deviation"]) == 4 and d["training"]["optimizer"] == "adam")
print("ok" if ok else d)
PYEOF
    grep -qx ok ij.out && ok "info --json: the schema, task, inputs, class names, columns, layers, parameters and epochs, as JSON" || bad "info --json: $(head -c 300 ij.out)"
else
    skip "info --json read back as JSON" "python3 is not installed" python3
fi
expect "info --json --layers: a usage error" 2 "--json describes a model file" "$NN" info --json --layers 4-3-2
"$NN" train --layers 2-3-1 --train "$T/xor.csv" --test "$T/xor.csv" --label-col last --epochs 2000 --batch 4 --out "$T/xor.bin" 2>/dev/null &&
    "$NN" eval "$T/xor.bin" "$T/xor.csv" --label-col last | grep -q "accuracy 1.0000" && ok "XOR 2-3-1 learned to 100%" || bad "XOR"
printf '0,0,1\n0,1,1\n1,0,1\n1,1,0\n' >"$T/xor-wrong.csv"   # the first label is wrong on purpose
"$NN" eval "$T/xor.bin" "$T/xor-wrong.csv" --label-col last --errors 2 >"$T/rep"
grep -q "^accuracy 0.7500 (3/4)" "$T/rep" && grep -qE "^ +0 +1 +0$" "$T/rep" && grep -qE "^ +1 +1 +2$" "$T/rep" &&
    grep -qE "^0 +0.5000 +1.0000 +0.6667 +[0-9.]+ +1$" "$T/rep" && grep -qE "^1 +1.0000 +0.6667 +0.8000 +[0-9.]+ +3$" "$T/rep" &&
    grep -qE "^macro +0.7500 +0.8333 +0.7333 +[0-9.]+ +4$" "$T/rep" && [ "$(sed -n '/most confidently wrong/{n;p}' "$T/rep" | cut -d' ' -f1-3)" = "0 1 0" ] &&
    ok "eval: confusion matrix, precision/recall/F1, macro averages and --errors, checked by hand" || bad "eval report: $(cat "$T/rep")"
# log-loss, Brier and ROC AUC, worked out again from predict --probs: the textbook's sigmoid outputs scaled
# to sum 1 (a single output is P(class 1)), each class's AUC over every (its row, another's row) pair, ties counting half
probfigs() { # LABELS PROBS: "logloss brier auc" as eval prints them
    paste -d, "$1" "$2" | awk -F, '{ n++; y[n] = $1; s = 0; for (k = 2; k <= NF; k++) s += ($k > 0 ? $k : 0); C = NF - 1
        if (C == 1) { C = 2; p[n, 0] = 1 - $2; p[n, 1] = $2 } # one output: P(class 1)
        else for (k = 0; k < C; k++) p[n, k] = ($(k + 2) > 0 ? $(k + 2) : 0) / s
        for (k = 0; k < C; k++) { e = p[n, k] - (y[n] == k); if (C > 2 || k == 1) b += e * e }
        q = p[n, y[n]]; ll -= log(q > 1e-15 ? q : 1e-15) }
        END { na = 0; for (c = 0; c < C; c++) { P = 0; Q = 0; w = 0
                  for (i = 1; i <= n; i++) for (j = 1; j <= n; j++) if (y[i] == c && y[j] != c) { P++; w += p[i, c] > p[j, c] ? 1 : p[i, c] == p[j, c] ? 0.5 : 0 }
                  if (P) { auc[c] = w / P; na++; tot += auc[c] } }
              printf "%.4f %.4f %.4f\n", ll / n, b / n, C == 2 ? auc[1] : tot / na }'
}
cut -d, -f5 iris.csv >ilab.txt
"$NN" train --train iris.csv --label-col last --epochs 3 --threads 1 --quiet --out irisn.bin
"$NN" predict --probs irisn.bin ifeat.csv >ip.txt
want=$(probfigs ilab.txt ip.txt)
"$NN" eval irisn.bin iris.csv --label-col last >ie.txt
got=$(sed -n 2p ie.txt | sed -E 's/^log-loss ([0-9.]+), Brier ([0-9.]+) \(summed over the classes\), ROC AUC ([0-9.]+) \(one-vs-rest.*/\1 \2 \3/')
[ -n "$want" ] && [ "$got" = "$want" ] && ok "eval: log-loss, Brier and one-vs-rest ROC AUC of 3 classes as worked out from --probs ($got)" || bad "probability figures: eval '$got', from --probs '$want'"
cut -d, -f3 "$T/xor-wrong.csv" >xlab.txt
"$NN" predict --probs "$T/xor.bin" <(cut -d, -f1-2 "$T/xor-wrong.csv") >xp.txt
want=$(probfigs xlab.txt xp.txt)
got=$(sed -n 2p "$T/rep" | sed -E 's/^log-loss ([0-9.]+), Brier ([0-9.]+), ROC AUC ([0-9.]+) \(of class 1\)$/\1 \2 \3/')
a=$(awk '$1 == "0" && NF == 6 { print $5 }' "$T/rep")
[ -n "$want" ] && [ "$got" = "$want" ] && [ "$a" = "${want##* }" ] && ok "eval of two classes: log-loss, Brier and the AUC of class 1, each class's AUC the same ($got)" || bad "two classes: eval '$got' (class 0: '$a'), from --probs '$want'"
# --threshold: class 1 when its probability is at least P; only for two classes
"$NN" predict --threshold 0.999 "$T/xor.bin" <(cut -d, -f1-2 "$T/xor-wrong.csv") >xt.txt
[ "$(cat xt.txt | tr '\n' ' ')" = "$(awk -F, '{ print ($2 >= 0.999) }' xp.txt | tr '\n' ' ')" ] && ok "predict --threshold 0.999: class 1 only where its probability reaches it" || bad "threshold: $(cat xt.txt | tr '\n' ' ')"
"$NN" eval --threshold 0 "$T/xor.bin" "$T/xor-wrong.csv" --label-col last >xe.txt
grep -q "^accuracy 0.7500 (3/4)" xe.txt && grep -q '^threshold 0: class 1 when' xe.txt && ok "eval --threshold 0: every row class 1, said" || bad "eval threshold: $(head -3 xe.txt)"
expect "--threshold of a 3-class model: a usage error" 2 "two-class models; irisn.bin has more classes" "$NN" predict --threshold 0.5 irisn.bin ifeat.csv
expect "--threshold with --top: a usage error" 2 "--threshold decides the label; --top prints" "$NN" predict --threshold 0.5 --top 1 "$T/xor.bin" "$T/xor.csv"
expect "--threshold 1.5: a usage error" 2 "expected a probability from 0 to 1" "$NN" eval --threshold 1.5 "$T/xor.bin" "$T/xor-wrong.csv"
# permutation importance: the column the label depends on first, noise near 0, a category one column, same on 1 and 2 threads
awk 'BEGIN { srand(5); print "noise,signal,colour,y"; split("red green blue", c, " ")
             for (i = 0; i < 400; i++) { s = rand(); printf "%.4f,%.4f,%s,%s\n", rand(), s, c[1 + int(3 * rand())], (s > 0.5 ? "hi" : "lo") } }' >imp.csv
"$NN" train --train imp.csv --label-col y --quiet --out imp.bin 2>/dev/null
"$NN" eval --importance imp.bin imp.csv --threads 1 >imp1.txt 2>/dev/null
"$NN" eval --importance imp.bin imp.csv --threads 2 >imp2.txt 2>/dev/null
tbl=$(sed -n '/^permutation importance/,$p' imp1.txt)
first=$(echo "$tbl" | sed -n 3p | awk '{ print $1 }')
sig=$(echo "$tbl" | awk '$1 == "signal" { print $2 }')
noise=$(echo "$tbl" | awk '$1 == "noise" { print ($2 < 0 ? -$2 : $2) }')
[ "$first" = signal ] && [ "$(echo "$tbl" | wc -l)" = 5 ] && grep -q '^colour ' <<<"$tbl" && awk -v s="$sig" -v n="$noise" 'BEGIN { exit !(s > 0.2 && n < 0.05) }' &&
    grep -q 'signal .*#####' <<<"$tbl" && cmp -s imp1.txt imp2.txt &&
    ok "eval --importance: the label's column first (drop $sig), noise near 0 ($noise), a category one row, bars, the same on 1 and 2 threads" ||
    bad "importance: $tbl"
"$NN" eval --importance --repeats 1 imp.bin imp.csv | grep -q '(one shuffle: no deviation)' && ok "eval --importance --repeats 1" || bad "repeats 1"
# with --threshold the shuffled rows are decided at it too: at 0 every row is one class whatever a column holds
"$NN" eval --importance --threshold 0 imp.bin imp.csv >imp0.txt 2>/dev/null
[ "$(sed -n '/^permutation importance/,$p' imp0.txt | awk 'NR > 2 && ($2 != "0.0000" || $3 != "0.0000")' | wc -l)" = 0 ] &&
    [ "$(sed -n '/^permutation importance/,$p' imp0.txt | wc -l)" = 5 ] &&
    ok "eval --importance --threshold 0: every drop 0 (the shuffles decided at the threshold as the base is)" || bad "importance at a threshold: $(sed -n '/^permutation/,$p' imp0.txt)"
"$NN" train --train "$D" --label-col last --layers 1x8x8-4c3-10 --epochs 1 --quiet --out img.bin 2>/dev/null
expect "eval --importance on images: refused, pointing to explain" 2 "takes images .*nn explain" "$NN" eval --importance img.bin "$D" --label-col last
expect "eval --repeats 0: a usage error" 2 "--repeats '0'" "$NN" eval --importance --repeats 0 imp.bin imp.csv
expect "eval labels beyond outputs" 1 "labels go up to 12" "$NN" eval "$T/xor.bin" "$T/biglabel.csv" --label-col last

# ---- show -------------------------------------------------------------------------
# row 0 of the 2x2 fixture is 1 2 / 3 4: column means (0 + 2/3)/2 and (1/3 + 1)/2 of the range
[ "$("$NN" show "$T/img-images-idx3-ubyte" --ascii)" = "$(printf 'row 0: label 0\n-*')" ] && ok "show --ascii draws the pixels, with the label from beside" || bad "show ascii: $("$NN" show "$T/img-images-idx3-ubyte" --ascii)"
[ "$("$NN" show "$T/img-images-idx3-ubyte" --index 1 --count 5 --color | grep -o $'\xe2\x96\x80' | wc -l)" = 4 ] && ok "show: Unicode half blocks, two pixels each, rows to the end" || bad "show half blocks"
[ "$("$NN" show "$D" --label-col last --index 3 --count 2 --ascii | grep -c '^row')" = 2 ] && ok "show --index --count on CSV" || bad "show csv"
expect "show past the end" 1 "--index 9 is past the end" "$NN" show "$T/img-images-idx3-ubyte" --index 9
"$NN" eval "$T/dh.bin" "$D" --label-col last --errors 2 --show --ascii | sed -n '/most confidently wrong/,$p' | awk 'NR>1' | wc -l | grep -qx 10 &&
    ok "eval --errors 2 --show draws the two rows" || bad "eval --show"

# ---- eval: macro averages over the classes present ------------------------------
paste -d, <(cut -d, -f65 "$D") dref.txt "$D" | awk -F, '$1 < 5 && $1 == $2' | cut -d, -f3- >d04.csv
m=$("$NN" eval d.bin d04.csv --label-col last | grep '^macro')
set -- $m
[ "${2:-}" = 1.0000 ] && [ "${3:-}" = 1.0000 ] && [ "${4:-}" = 1.0000 ] && ok "eval on digits 0-4, all right: macro precision, recall, F1 1.0000" || bad "macro averages: '$m'"

# ---- class names in the report; pipes; many classes -------------------------------------------
"$NN" eval iris.bin iris_named.csv --label-col last --errors 3 >ev.txt 2>/dev/null
[ "$(grep -c 'setosa' ev.txt)" -ge 2 ] && [ "$(grep -c 'versicolor' ev.txt)" -ge 2 ] && [ "$(grep -c 'virginica' ev.txt)" -ge 2 ] &&
    ok "eval of a named model: the matrix and table name the classes" || bad "eval prints numbers: $(sed -n 4,5p ev.txt)"
"$NN" show iris_named.csv --label-col last --ascii --width 2 2>/dev/null | head -1 | grep -q 'setosa' && ok "show prints the class name" ||
    bad "show: $("$NN" show iris_named.csv --label-col last --ascii --width 2 2>/dev/null | head -1)"
"$NN" show "$D" --label-col last --count 2 >out 2>/dev/null
[ -s out ] && ! grep -q $'\e' out && ok "show into a pipe: no colour escapes" || bad "show writes colour escapes into a pipe"
"$NN" eval d.bin "$D" --label-col last --errors 1 --show >out 2>/dev/null
[ -s out ] && ! grep -q $'\e' out && ok "eval --show into a pipe: no colour escapes" || bad "eval --show writes colour escapes into a pipe"
# eval with classes far apart: the report is printed, the matrix over the classes that occur
printf '0,1,2\n65535,3,4\n0,2,2\n65535,4,4\n' >big.csv
"$NN" train --train big.csv --label-col first --layers 2-65536softmax --optimizer adam --epochs 3 --threads 1 --quiet --out bigc.bin
"$NN" eval bigc.bin big.csv --label-col first --errors 2 >out 2>err
rc=$?
[ $rc = 0 ] && grep -q '^confusion matrix' out && [ "$(grep -cE '^ *65535 ' out)" -ge 2 ] && grep -qE '[0-9]+ of the model.s 65536 classes occur' out &&
    [ "$(wc -l <out)" -lt 30 ] && grep -q '^most confidently wrong' out &&
    ok "eval of a 65536-class model: matrix, table and --errors over the classes that occur" || bad "eval 65536 classes: exit $rc, $(wc -l <out) lines: $(head -c 300 out)"

# ---- names not in ASCII: the columns of the tables stay aligned, no character cut in two ----
printf 'größe,höhe,花瓣宽度,klasse\n1,2,1,Äpfel\n2,1,2,Birnen\n3,3,1,Äpfel\n1,1,2,Ünterschiedlich-lange-namen-hier\n2,2,2,Birnen\n3,1,1,花花花\n' >u8.csv
"$NN" train --train u8.csv --label-col last --epochs 3 --threads 1 --quiet --out u8.bin
"$NN" eval u8.bin u8.csv >u8.out 2>/dev/null
"$NN" info u8.bin >u8.info
chars() { # each line's width on a terminal: its characters, the wide CJK ones of these tests counted twice
    local LC_ALL=C.UTF-8 l t
    while IFS= read -r l; do t=${l//[花瓣宽度]/}; echo $((2 * ${#l} - ${#t})); done
}
widths() { chars | sort -u | wc -l; }
if [ "$(echo 'Ä' | chars)" != 1 ]; then
    skip "eval and info: UTF-8 names aligned" "the shell counts bytes here, not characters (no C.UTF-8 locale)" "libc-bin"
else
    m=$(sed -n '/^confusion matrix/,/^$/p' u8.out | sed '1d;/^$/d;/^(/d' | widths)
    c=$(sed -n '/^class /,/^macro/p' u8.out | widths)
    i=$(grep -E '^  [0-9] ' u8.info | sed 's/ [a-z]*\(, missing -> .*\)\{0,1\}$//' | widths)
    "$NN" eval u8.bin u8.csv --importance >u8i.out 2>/dev/null
    im=$(sed -n '/^column /,$p' u8i.out | sed 's/ *#*$//' | widths)
    [ "$m" = 1 ] && [ "$c" = 1 ] && [ "$i" = 1 ] && [ "$im" = 1 ] && iconv -f UTF-8 -t UTF-8 u8i.out >/dev/null 2>&1 && grep -qF '(names cut to fit: Ünterschiedl = Ünterschiedlich-lange-namen-hier)' u8.out &&
        iconv -f UTF-8 -t UTF-8 u8.out >/dev/null 2>&1 &&
        ok "eval and info: names in UTF-8, wide CJK ones too, keep the columns aligned (matrix, per-class table, importance, info's table), cut between characters" ||
        bad "UTF-8 alignment: matrix $m, table $c, info $i, importance $im widths: $(cat u8.out u8.info u8i.out)"
fi

summary eval
