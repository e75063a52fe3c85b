#!/bin/bash
# nn export --c: the C header compiled into a program that gives nn
# predict's labels and probabilities (dense and convolutional networks), the
# class names in it; the int8 header (-pedantic -Wconversion -Werror) right
# on as many rows as nn export --test says; the float and int8 headers built
# for Cortex-M4 and Cortex-M0 with arm-none-eabi-gcc without a warning.
# (Table models' headers are tested in tables.sh, convolutional ones also in conv.sh.)
# Usage: tests/cexport.sh [path/to/nn]   (prints PASS/FAIL/SKIP lines and a summary)
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

# ---- a float header against nn -----------------------------------------------------------
"$NN" train --train "$D" --label-col last --holdout 297 --layers 64-100relu-10softmax --optimizer momentum --eta 0.05 \
    --epochs 20 --lambda 1 --dropout 0.2 --schedule cosine --val 150 --patience 5 --out "$T/m.bin" 2>"$T/mlog"
cut -d, -f1-64 "$D" >"$T/feat.csv"
# header_check NAME MODEL GREP [CFLAGS]: a program built with MODEL's float header (which holds /GREP/) gives nn
# predict's labels on all 1797 digits and its probabilities within 1e-5
header_check() {
    local name=$1 m=$2 want=$3 h="$T/hc.h"
    rm -f "$T/hc.out"
    "$NN" export "$m" --c "$h" --prefix nn && cc -std=c99 -O2 -Wall -Wextra -pedantic -Werror ${4:-} -DNN_HEADER="\"$h\"" -o "$T/hc" \
        "$top/tests/export_main.c" -lm && "$T/hc" <"$T/feat.csv" >"$T/hc.out"
    "$NN" predict "$m" "$T/feat.csv" --probs >"$T/hc.probs"
    "$NN" predict "$m" "$T/feat.csv" >"$T/hc.labels"
    if [ -s "$T/hc.out" ] && [ "$(cut -d, -f1 "$T/hc.out")" = "$(cat "$T/hc.labels")" ] && grep -q "$want" "$h" &&
        paste -d, <(cut -d, -f2- "$T/hc.out") "$T/hc.probs" | awk -F, '{for(i=1;i<=10;i++){d=$i-$(i+10); if(d<0)d=-d; if(d>m)m=d}} END{print m; exit !(NR==1797 && m<1e-5)}' >"$T/maxd"; then
        ok "$name: nn predict's labels on all 1797 digits, probabilities within $(cat "$T/maxd")"
    else
        bad "$name: $(head -c 300 "$T/maxd")"
    fi
}
header_check "export --c: a program built with the header" "$T/m.bin" "nn_w1"
"$NN" export iris.bin --c iris.h --prefix nn 2>/dev/null
grep -q '"setosa"' iris.h && grep -q '"virginica"' iris.h && ok "export --c: a table of the class names" || bad "export --c has no class names"

# ---- a piecewise-linear encoding: its bin edges in the header ------------------------------------
"$NN" train --train "$D" --label-col last --holdout 297 --layers 64-ple6-30relu-10softmax --standardize --epochs 5 --eta 0.1 --out "$T/ple.bin" --quiet 2>/dev/null
header_check "export --c, piecewise-linear encoding (its 1536 state values as nn_st1)" "$T/ple.bin" 'static const float nn_st1\[1536\]'
cp "$T/hc.h" "$T/ple.h"
"$NN" train --train "$D" --label-col last --holdout 297 --layers 64-ple5v-30relu-10softmax --standardize --epochs 5 --eta 0.1 --out "$T/plev.bin" --quiet 2>/dev/null
header_check "export --c, piecewise-linear encoding with each value first (ple5v: 64 x 6 x 4 state values)" "$T/plev.bin" 'static const float nn_st1\[1536\]'
# ---- batch normalisation: gamma and beta as weights and biases, the running statistics as the state --------------
"$NN" train --train "$D" --label-col last --holdout 297 --layers 64-40-bn-10softmax --standardize --optimizer adam --eta 0.01 --epochs 5 --out "$T/bn.bin" --quiet 2>/dev/null
header_check "export --c, batch normalisation after a dense layer folded into it (two layers, no state)" "$T/bn.bin" 'a 3-layer network 64-40[a-z]*-10softmax'
! grep -q "nn_st\|batch normalisation" "$T/hc.h" && ok "the folded header holds no batch normalisation" || bad "bn left in the folded header"
"$NN" train --train "$D" --label-col last --holdout 297 --layers 1x8x8-8c3p1-bn-mp2-30-bn-10 --epochs 3 --out "$T/cbn.bin" --quiet 2>/dev/null
header_check "export --c, batch normalisation folded into a convolution and a dense layer" "$T/cbn.bin" 'a 5-layer network 1x8x8-8c3p1relu-mp2-30relu-10'
"$NN" train --train "$D" --label-col last --holdout 297 --layers 1x8x8-bn-8c3p1-mp2-bn-30-10 --epochs 3 --out "$T/pbn.bin" --quiet 2>/dev/null
header_check "export --c, batch normalisation on the input and after a pool (nothing to fold into: kept)" "$T/pbn.bin" 'sqrtf(nn_st1\[1 + c\]'
"$NN" train --train "$D" --label-col last --holdout 297 --layers 64-30-bn-bn-10 --epochs 3 --out "$T/bb.bin" --quiet 2>/dev/null
header_check "export --c, two batch normalisations in a row (the first folded into the dense layer, the second kept)" "$T/bb.bin" 'a 4-layer network 64-30-bnsigmoid-10'
"$NN" train --train "$D" --label-col last --holdout 297 --layers 1x8x8-4c3p1-bn-bnrelu-10 --epochs 3 --out "$T/cbb.bin" --quiet 2>/dev/null
header_check "export --c, two batch normalisations in a row after a convolution" "$T/cbb.bin" 'a 4-layer network 1x8x8-4c3p1-bnrelu-10'
spec=$(sed -n 's/.*a [0-9]*-layer network \([^ ,.]*\).*/\1/p' "$T/hc.h" | head -1)
expect "export --c: the spec in the header's comment reads back as --layers ($spec)" 0 "" "$NN" info --layers "$spec"
# predict's Winograd convolutions (3x3 over 16 channels and more) against the header's direct sums
"$NN" train --train "$D" --label-col last --holdout 297 --layers 1x8x8-16c3p1-24c3p1-mp2-10 --epochs 3 --out "$T/wino.bin" --quiet 2>/dev/null
header_check "export --c of a network whose 3x3 convolutions predict takes by Winograd's F(2x2, 3x3)" "$T/wino.bin" 'a 5-layer network 1x8x8-16c3p1relu-24c3p1relu-mp2-10'
"$NN" export "$T/cbn.bin" --c "$T/cbn8.h" --prefix nn --int8 --test "$D" 2>"$T/cbn8.err"
f=$(sed -n 's/.*float accuracy \([0-9.]*\)% (\([0-9]*\)\/1797), int8 accuracy \([0-9.]*\)% (\([0-9]*\)\/1797).*/\2 \4/p' "$T/cbn8.err")
if [ -n "$f" ] && cc -std=c99 -O2 -Wall -Wextra -pedantic -Wconversion -Wdouble-promotion -Werror -DNN_HEADER="\"$T/cbn8.h\"" -o "$T/fwb" "$top/tests/export_main.c" -lm 2>"$T/cbn8.cc"; then
    right=$("$T/fwb" <"$T/feat.csv" | cut -d, -f1 | paste -d, - <(cut -d, -f65 "$D") | awk -F, '$1 == $2' | wc -l)
    [ "$right" = "${f#* }" ] && [ "${f#* }" -ge 1500 ] && ok "int8 header with batch normalisation (-Wconversion -Werror): $right/1797 right, as nn export --test said" ||
        bad "int8 batch normalisation header: $right right, nn said ${f#* }"
else
    bad "int8 batch normalisation header: $(cat "$T/cbn8.err" "$T/cbn8.cc" | head -c 400)"
fi
"$NN" export "$T/ple.bin" --c "$T/ple8.h" --prefix nn --int8 --test "$D" 2>"$T/ple8.err"
f=$(sed -n 's/.*float accuracy \([0-9.]*\)% (\([0-9]*\)\/1797), int8 accuracy \([0-9.]*\)% (\([0-9]*\)\/1797).*/\2 \4/p' "$T/ple8.err")
if [ -n "$f" ] && cc -std=c99 -O2 -Wall -Wextra -pedantic -Wconversion -Wdouble-promotion -Werror -DNN_HEADER="\"$T/ple8.h\"" -o "$T/fwp8" "$top/tests/export_main.c" -lm 2>cc.err; then
    right=$(cut -d, -f1-64 "$D" | "$T/fwp8" | cut -d, -f1 | paste -d, - <(cut -d, -f65 "$D") | awk -F, '$1 == $2' | wc -l)
    [ "$right" = "${f#* }" ] && ok "int8 header with a piecewise-linear encoding: $right/1797 right, as nn export --test said" || bad "int8 ple header: $right right, nn said ${f#* }"
else
    bad "int8 header of a piecewise-linear encoding: $(cat "$T/ple8.err" cc.err | head -c 400)"
fi

# ---- an ensemble: each member's arrays, the mean of their outputs -----------------------------------
"$NN" train --train "$D" --label-col last --holdout 297 --layers 64-ple4-30relu-10softmax --standardize --epochs 4 --eta 0.1 --ensemble 3 \
    --out "$T/ens.bin" --quiet 2>/dev/null
header_check "export --c of an ensemble of 3 (nn_w3_2: layer 3 of member 3; the caller's workspace)" "$T/ens.bin" 'static const float nn_w3_2\[' -DNN_WORK
expect "--int8 of an ensemble" 1 "--int8 takes one network, and this model is an ensemble of 3" "$NN" export "$T/ens.bin" --c "$T/e8.h" --int8

# ---- several models in one program: each header's names from its file name, or --prefix ----------
"$NN" export "$T/m.bin" --c digits.h && "$NN" export iris.bin --c iris.h && "$NN" export iris.bin --c 2-class.h --int8 --prefix wake
cat >two.c <<'C'
#include <stdio.h>
#include "digits.h"
#include "iris.h"
#include "2-class.h"
int main(void)
{
    float d[DIGITS_INPUTS] = {0}, i[IRIS_INPUTS] = {5.1f, 3.5f, 1.4f, 0.2f}, od[DIGITS_OUTPUTS], oi[IRIS_OUTPUTS], ow[WAKE_OUTPUTS];
    printf("%d %s %d\n", digits_predict(d, od), iris_class_names[iris_predict(i, oi)], wake_predict(i, ow));
    return 0;
}
C
if cc -std=c99 -O2 -Wall -Wextra -pedantic -Werror -o two two.c -lm 2>cc.err && ./two >two.out; then
    a=$(printf '0' | awk '{for (i = 0; i < 64; i++) printf "%s0", i ? "," : ""; print ""}' | "$NN" predict "$T/m.bin" - 2>/dev/null)
    b=$(printf '5.1,3.5,1.4,0.2\n' | "$NN" predict iris.bin - 2>/dev/null)
    [ "$(cut -d' ' -f1-2 two.out)" = "$a $b" ] && grep -q '^#ifndef DIGITS_MODEL_H' digits.h && grep -q 'int label = iris_predict(in, out)' iris.h &&
        ok "three headers in one program (digits.h, iris.h, --prefix wake): each its own names and guard, nn's answers ($(cat two.out))" ||
        bad "three headers: '$(cat two.out)' vs '$a $b'"
else
    bad "three headers in one program: $(head -c 400 cc.err)"
fi
grep -q '"setosa"' iris.h && ! grep -q 'nn_\|NN_' iris.h && ok "export --c iris.h: class names kept as written, no nn_ name left" || bad "iris.h names: $(grep -n 'nn_\|NN_' iris.h | head -3)"
expect "--prefix not a C identifier" 2 "--prefix '9lives': a C identifier" "$NN" export iris.bin --c x.h --prefix 9lives
expect "--prefix without --c" 2 "--prefix is for the C header" "$NN" export iris.bin --onnx x.onnx --prefix a

# ---- int8 C header ----------------------------------------------------------------------------
cp "$D" digits.csv
cut -d, -f1-64 "$D" >x.csv
cut -d, -f65 "$D" >y.txt
"$NN" train --train digits.csv --label-col last --layers 1x8x8-8c3p1-mp2-6c3leaky-ap2-20-10 --epochs 3 --out cv.bin --quiet 2>/dev/null
"$NN" train --train digits.csv --label-col last --layers 64-40relu-20leaky-10softmax --standardize --epochs 5 --eta 0.1 --out rs.bin --quiet 2>/dev/null
"$NN" export cv.bin --c cv8.h --prefix nn --int8 --test digits.csv 2>err
f=$(sed -n 's/.*float accuracy \([0-9.]*\)% (\([0-9]*\)\/1797), int8 accuracy \([0-9.]*\)% (\([0-9]*\)\/1797).*/\2 \4/p' err)
if [ -n "$f" ] && cc -std=c99 -O2 -Wall -Wextra -pedantic -Wconversion -Wdouble-promotion -Werror -DNN_HEADER="\"$T/cv8.h\"" -o fw8 "$top/tests/export_main.c" -lm 2>cc.err; then
    right=$(./fw8 <x.csv | cut -d, -f1 | paste -d, - y.txt | awk -F, '$1 == $2' | wc -l)
    [ "$right" = "${f#* }" ] && ok "int8 header (conv net, -pedantic -Wconversion -Werror): $right/1797 right, as nn export --test said ($(tail -1 err | sed 's/^nn: //'))" ||
        bad "int8 header: $right right, nn said ${f#* }"
    grep -q "Measured by nn export --test on digits.csv (1797 rows): float accuracy" cv8.h && ok "the int8 header records its accuracy" || bad "no accuracy in the header"
else
    bad "int8 header: $(cat err cc.err | head -c 400)"
fi
expect "--int8 without --c" 2 "--int8 is for the C header" "$NN" export "$T/m.bin" --onnx x.onnx --int8

# ---- Cortex-M builds ----------------------------------------------------------------------------
if command -v arm-none-eabi-gcc >/dev/null; then
    "$NN" export rs.bin --c f.h --prefix nn && "$NN" export rs.bin --c q.h --prefix nn --int8 && "$NN" export cv.bin --c cf.h --prefix nn
    for cpu in cortex-m4 cortex-m0; do
        cp "$T/ple.h" pf.h && "$NN" export "$T/cbn.bin" --c bf.h --prefix nn && cp "$T/cbn8.h" bq.h
        for h in f.h q.h cf.h cv8.h pf.h bf.h bq.h; do
            printf '#include "%s"\nint run(const float *in, float *out);\nint run(const float *in, float *out) { return nn_predict(in, out); }\n' "$h" >fw.c
            if arm-none-eabi-gcc -std=c99 -mcpu=$cpu -mthumb -Os -Wall -Wextra -pedantic -Wconversion -Werror -c fw.c -o fw.o 2>cc.err; then
                ok "arm-none-eabi-gcc -mcpu=$cpu -mthumb -Os: $h builds without a warning ($(arm-none-eabi-size fw.o | awk 'NR==2{print $1 + $2}') bytes text+data)"
            else
                bad "$cpu $h: $(head -c 300 cc.err)"
            fi
        done
    done
else
    skip "cexport: the headers built for Cortex-M4 and M0" "arm-none-eabi-gcc is not installed" "gcc-arm-none-eabi libnewlib-arm-none-eabi"
fi

summary cexport
