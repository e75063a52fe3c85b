#!/bin/bash
# Convolutional networks in the layer spec: the notation
# and its errors, training on real images (data/digits.csv, 8x8), the same
# model on any thread count and after an interrupted run is resumed,
# predict/eval/show/info/weights/export on a convolutional model (the
# exported header against nn itself), the input shape taken from IDX images,
# and --augment.  Each test checks the answer (values, figures, messages),
# not only that nn ran.  The gradient check and the kernels are in unit.c.
# The IDX tests use 600 Fashion-MNIST images (data/, unpacked from
# dataset-fashion-mnist when data/ lacks them), and are skipped without them.
# Usage: tests/conv.sh [path/to/nn]   (prints PASS/FAIL/SKIP lines and a summary)
set -u
NN=${1:-./nn}
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1
D=$top/data/digits.csv
cut -d, -f1-64 "$D" >feat.csv
cut -d, -f65 "$D" >labels.txt

# ---- the notation and its errors ---------------------------------------------------------
expect "spec: a kernel larger than the input" 2 "part 2 \('20c30'\): a 30x30 kernel does not fit its 28x28 input" "$NN" info --layers 1x28x28-20c30-10
expect "spec: a pool that does not divide" 2 "part 3 \('mp5'\): a 5x5 pool does not divide its 24x24 input" "$NN" info --layers 1x28x28-20c5-mp5-10
expect "spec: a convolution after a dense layer" 2 "part 3 \('20c5'\): a convolution layer cannot follow a dense layer" "$NN" info --layers 1x28x28-100-20c5-10
expect "spec: zero maps" 2 "part 2 \('0c5'\): zero maps" "$NN" info --layers 1x28x28-0c5-10
expect "spec: padding not smaller than the kernel" 2 "part 2 \('20c3p3'\): padding 3 is not smaller than the 3x3 kernel" "$NN" info --layers 1x28x28-20c3p3-10
expect "spec: a pool with an activation" 2 "part 3 \('mp2relu'\): a pool takes no activation" "$NN" info --layers 1x28x28-20c5-mp2relu-10
expect "spec: a pool last" 2 "the last part must be the output layer" "$NN" info --layers 1x28x28-20c5-mp2
expect "spec: a convolution on a plain input size" 2 "part 2 \('20c5'\): a convolution needs an image input: start the spec with its shape" "$NN" info --layers 784-20c5-10
expect "spec: no input shape (info)" 2 "the first part is the input: give its shape, channels x height x width, like 1x28x28-20c5-mp2-10" "$NN" info --layers 20c5-mp2-10
expect "spec: a zero dimension" 2 "part 1 \('1x0x28'\): a dimension is zero" "$NN" info --layers 1x0x28-10
expect "spec: a bad input shape" 2 "part 1 \('1x28x28x3'\): expected an input shape like 1x28x28" "$NN" info --layers 1x28x28x3-10
expect "spec: too many outputs" 2 "part 2 \('100c3p1'\): 100x28x28 = 78400 outputs; allowed is 1 to 65536" "$NN" info --layers 1x28x28-100c3p1-10
expect "spec: ple without its bins" 2 "part 2 \('ple'\): expected the number of bins after 'ple', like ple8" "$NN" info --layers 9-ple-64-1
expect "spec: ple of one bin" 2 "part 2 \('ple1'\): the number of bins must be 2 to 64" "$NN" info --layers 9-ple1-64-1
expect "spec: ple of 65 bins" 2 "part 2 \('ple65'\): the number of bins must be 2 to 64" "$NN" info --layers 9-ple65-64-1
expect "spec: ple with an activation" 2 "part 2 \('ple8relu'\): a piecewise-linear encoding takes no activation" "$NN" info --layers 9-ple8relu-64-1
expect "spec: ple last" 2 "the last part must be the output layer" "$NN" info --layers 9-64-ple8
expect "spec: ple too wide" 2 "part 2 \('ple64'\): 65600x1x1 = 65600 outputs; allowed is 1 to 65536" "$NN" info --layers 1025-ple64-10
expect "spec: a kernel size missing" 2 "part 2 \('20c'\): expected a kernel size after 'c', like 20c5" "$NN" info --layers 1x28x28-20c-10
expect "spec: a padding missing" 2 "part 2 \('20c5p'\): expected a padding after 'p', like 20c5p2" "$NN" info --layers 1x28x28-20c5p-10
expect "spec: two kernels" 2 "part 2 \('20c5c5'\): expected a convolution like 20c5, 20c5p2 or 20c5p2tanh" "$NN" info --layers 1x28x28-20c5c5-10
expect "spec: a padding after the activation" 2 "part 2 \('20c5tanhp1'\): unknown activation 'tanhp' .*a padding comes before it" "$NN" info --layers 1x28x28-20c5tanhp1-10
expect "spec: a softmax convolution" 2 "part 2 \('20c5softmax'\): a convolution takes sigmoid, tanh, relu or leaky, not softmax" "$NN" info --layers 1x28x28-20c5softmax-10
expect "spec: a huge padding" 2 "part 2 \('20c5p4294967297'\): the padding must be smaller than the kernel" "$NN" info --layers 1x28x28-20c5p4294967297-10
expect "spec: a non-ASCII byte" 2 "unexpected byte 0xC3 in part 1" "$NN" info --layers "1×28×28-20c5-10"
expect "spec: no input shape for CSV" 2 "give the input's shape first, channels x height x width \(like 1x28x28-8c3-10\); nn takes it from the file only for IDX images" \
    "$NN" train --train "$D" --label-col last --layers 8c3-10 --epochs 1 --out x.bin
[ ! -e x.bin ] && ok "spec errors write no model" || bad "a model was written after a spec error"

# the textbook's chapter-6 network, in any case, as nn info shows it
"$NN" info --layers 1X28X28-20C5-MP2-40c5-mp2-100-10 >info.out 2>err
if grep -qE '^1 +20c5 +20x24x24 +relu +500 +20 +288000$' info.out && grep -qE '^2 +mp2 +20x12x12 +- +0 +0 +0$' info.out &&
    grep -qE '^3 +40c5 +40x8x8 +relu +20000 +40 +1280000$' info.out && grep -qE '^5 +100 +100 +relu +64000 +100 +64000$' info.out &&
    grep -qE '^6 +10 +10 +softmax +1000 +10 +1000$' info.out && grep -qE '^total +85500 +170 +1633000$' info.out && grep -q '^parameters 85670$' info.out; then
    ok "info --layers: the chapter-6 network's shapes, weights and multiply-adds (1,633,000 an image)"
else
    bad "info --layers chapter 6: $(cat info.out err | head -c 600)"
fi

# ---- training on images, and every command on the model ----------------------------------
SPEC=1x8x8-8c3p1-mp2-6c3relu-30-10
"$NN" train --train "$D" --label-col last --holdout 297 --layers $SPEC --epochs 15 --out c.bin 2>train.err
acc=$(sed -n 's/^nn: saved c.bin: test accuracy \([0-9.]*\)%.*/\1/p' train.err)
grep -q "^nn: convolutional defaults: relu hidden layers, a softmax output, momentum 0.9, eta 0.05, batch 64" train.err &&
    ok "the convolutional defaults are said" || bad "no convolutional defaults notice: $(head -c 300 train.err)"
awk -v a="$acc" 'BEGIN { exit !(a >= 93) }' && ok "digits with $SPEC: held-out accuracy $acc% (>= 93%)" || bad "digits conv accuracy '$acc'"
"$NN" predict c.bin feat.csv >p.out 2>/dev/null
"$NN" eval c.bin "$D" --label-col last >e.out 2>/dev/null
right=$(paste -d, p.out labels.txt | awk -F, '$1 == $2 { k++ } END { print k + 0 }')
grep -qF "($right/1797)" e.out && ok "predict's labels and eval's count agree ($right/1797 right)" || bad "predict vs eval: $right vs $(grep accuracy e.out)"
cat feat.csv | "$NN" predict c.bin - >p2.out 2>/dev/null
cmp -s p.out p2.out && ok "predict from a pipe gives the same labels as from the file" || bad "predict through a pipe differs"
"$NN" predict c.bin feat.csv --probs --threads 1 >pr1.out 2>/dev/null
"$NN" predict c.bin feat.csv --probs --threads 2 >pr2.out 2>/dev/null
cmp -s pr1.out pr2.out && [ "$(wc -l <pr1.out)" = 1797 ] && ok "predict --probs: the same on 1 and 2 threads" || bad "predict --probs differs by threads"
"$NN" eval c.bin "$D" --label-col last --errors 3 --show >ee.out 2>/dev/null && [ "$(grep -c 'predicted' ee.out)" -ge 1 ] &&
    ok "eval --errors 3 --show draws the confidently wrong rows" || bad "eval --errors --show: $(head -c 300 ee.out)"
"$NN" info c.bin >ci.out
grep -qE '^0 +input +1x8x8 ' ci.out && grep -qE '^1 +8c3p1 +8x8x8 +relu +72 +8 +4608$' ci.out && grep -qE '^3 +6c3 +6x2x2 +relu +432 +6 +1728$' ci.out &&
    ok "info MODEL: a row per layer with its output shape" || bad "info of a conv model: $(head -c 500 ci.out)"
"$NN" weights c.bin --pgm w.pgm 2>werr
if ! command -v perl >/dev/null; then
    skip "weights --pgm of a conv model: its pixels, read with perl" "perl is not installed" "perl"
elif perl -e 'open F, $ARGV[0]; binmode F; local $/; $_ = <F>; /^P5\n(\d+) (\d+)\n255\n/ or exit 1; ($w, $h) = ($1, $2);
        $p = substr($_, length($&)); exit 2 unless length($p) == $w * $h && $w == 94 && $h == 94;
        for $j (0..7) { ($x0, $y0) = (($j % 3) * 31 + 1, int($j / 3) * 31 + 1); ($lo, $hi) = (255, 0);
            for $y (0..29) { for $x (0..29) { $v = ord(substr($p, ($y0 + $y) * $w + $x0 + $x, 1)); $lo = $v if $v < $lo; $hi = $v if $v > $hi;
                exit 5 unless $v == ord(substr($p, ($y0 + int($y / 10) * 10) * $w + $x0 + int($x / 10) * 10, 1)) } }
            exit 3 unless $lo == 0 && $hi == 255; exit 4 unless ord(substr($p, ($y0 - 1) * $w + $x0, 1)) == 128 }' w.pgm; then
    ok "weights --pgm: the 8 kernels of 3x3, each weight 10x10 pixels, scaled 0..255, in a 94x94 PGM"
else
    bad "weights PGM of a conv model (perl exit $?): $(cat werr)"
fi

# ---- export --c: the header computes what nn does ----------------------------------------
"$NN" export c.bin --c model.h --prefix nn 2>/dev/null &&
    cc -std=c99 -O2 -Wall -Wextra -pedantic -Wconversion -Wdouble-promotion -Werror -DNN_HEADER="\"$T/model.h\"" -o fw "$top/tests/export_main.c" -lm 2>cc.err &&
    ./fw <feat.csv >fw.out
"$NN" predict c.bin feat.csv --probs >nn.probs 2>/dev/null
if [ -s fw.out ] && [ "$(cut -d, -f1 fw.out)" = "$(cat p.out)" ] &&
    paste -d, <(cut -d, -f2- fw.out) nn.probs | awk -F, '{for(i=1;i<=10;i++){d=$i-$(i+10); if(d<0)d=-d; if(d>m)m=d}} END{print m; exit !(NR==1797 && m<1e-5)}' >maxd; then
    ok "export --c of a convolutional model: builds with -pedantic -Wconversion -Wdouble-promotion -Werror; nn's labels on all 1797 rows, probabilities within $(cat maxd)"
else
    bad "export --c conv: $(head -c 300 cc.err) $(cat maxd 2>/dev/null)"
fi
# the caller's workspace: the same answers, and no large frame on the stack
cc -std=c99 -O2 -Wall -Wextra -pedantic -Wconversion -Werror -Wframe-larger-than=2048 -DNN_WORK -DNN_HEADER="\"$T/model.h\"" -o fww "$top/tests/export_main.c" -lm 2>ccw.err &&
    ./fww <feat.csv | cmp -s - fw.out && grep -q '^#define NN_WORKSPACE_FLOATS (2 \* NN_WIDEST)' model.h &&
    ok "export --c: nn_predict_work with a static workspace of NN_WORKSPACE_FLOATS, the same answers, no frame over 2 KB" || bad "workspace: $(head -c 300 ccw.err)"
grep -q '1x8x8-8c3p1relu-mp2-6c3relu-30relu-10softmax' model.h && ok "the header names the network in the spec's notation" || bad "header comment: $(head -2 model.h)"

# ---- the same model on any thread count, and after a resume ------------------------------
RA="--train $D --label-col last --holdout 297 --layers 1x8x8-6c3p1-mp2-5c3p1-ap2-20tanh-12-10 --dropout 0.2 --augment shift:1,flip --val 100"
for t in 1 2 3; do "$NN" train $RA --eta 0.01 --epochs 30 --batch 8 --threads $t --out t$t.bin --quiet; done
cmp -s t1.bin t2.bin && cmp -s t1.bin t3.bin && ok "threads 1, 2, 3: byte-identical models (dropout, augment, momentum)" || bad "models differ by thread count"
"$NN" train $RA --epochs 30 --batch 8 --optimizer adam --eta 0.001 --out a1.bin --threads 1 --quiet && "$NN" train $RA --epochs 30 --batch 8 --optimizer adam --eta 0.001 --out a2.bin --threads 2 --quiet &&
    cmp -s a1.bin a2.bin && ok "threads 1 and 2 with adam: byte-identical" || bad "adam models differ by thread count"
RB="$RA --eta 0.005 --epochs 150 --batch 4"
"$NN" train $RB --out full.bin --quiet
env --default-signal=INT "$NN" train $RB --out int.bin --checkpoint ck.bin 2>ilog &
pid=$!
wait_for ilog "^epoch 2/" && kill -INT $pid
wait $pid
rc=$?
[ $rc = 130 ] && "$NN" train --resume ck.bin --threads 1 --quiet && cmp -s int.bin full.bin &&
    ok "interrupted (SIGINT) and resumed on another thread count = uninterrupted, byte for byte" || bad "conv resume: exit $rc, $(tail -2 ilog)"

# ---- the input shape from IDX images ------------------------------------------------------
# 600 Fashion-MNIST test images and their labels as IDX files of their own
if find_fashion; then
    { printf '\0\0\10\3\0\0\2\130\0\0\0\34\0\0\0\34'; tail -c +17 "$top/data/t10k-images-idx3-ubyte" | head -c $((600 * 784)); } >im.idx
    { printf '\0\0\10\1\0\0\2\130'; tail -c +9 "$top/data/t10k-labels-idx1-ubyte" | head -c 600; } >lb.idx
    "$NN" train --train im.idx --train-labels lb.idx --layers 4c5-mp2-10 --epochs 2 --quiet --out idx.bin 2>err
    grep -qE '^0 +input +1x28x28 ' <("$NN" info idx.bin) && grep -qE '^1 +4c5 +4x24x24 ' <("$NN" info idx.bin) &&
        ok "--layers 4c5-mp2-10 on IDX images: the input shape 1x28x28 comes from the file" || bad "IDX shape: $(head -c 300 err)"
    { printf '\0\0\10\4\0\0\2\130\0\0\0\34\0\0\0\34\0\0\0\1'; tail -c +17 im.idx; } >im4.idx
    "$NN" train --train im4.idx --train-labels lb.idx --layers 4c5-mp2-10 --epochs 1 --quiet --out idx4.bin 2>err &&
        grep -qE '^0 +input +1x28x28 ' <("$NN" info idx4.bin) && ok "IDX of rank 4 (items x 28 x 28 x 1): the input shape from the file" ||
        bad "IDX rank 4 shape: $(head -c 300 err)"
    "$NN" train --train im.idx --train-labels lb.idx --layers 784-30-10 --augment shift:2,flip --epochs 2 --quiet --out da.bin 2>err &&
        "$NN" info da.bin | grep -q '^augment shift:2,flip$' && ok "--augment on a dense network of IDX images (the shape from the file); info says it" ||
        bad "augment on a dense IDX net: $(head -c 300 err)"
else
    skip "conv: the input shape from IDX images" "no Fashion-MNIST in data/ nor in ${NN_FASHION_DIR:-/usr/share/datasets/fashion-mnist}" "$FASHION_HINT"
fi

# ---- --augment ----------------------------------------------------------------------------
expect "augment: shift:0" 2 "--augment 'shift:0': expected shift:N \(N from 1 to 64 pixels\), shift:N,flip, flip or none" "$NN" train --train "$D" --label-col last --layers $SPEC --augment shift:0
expect "augment: a trailing comma" 2 "--augment 'shift:2,'" "$NN" train --train "$D" --label-col last --layers $SPEC --augment shift:2,
expect "augment: an unknown word" 2 "--augment 'flop'" "$NN" train --train "$D" --label-col last --layers $SPEC --augment flop
expect "augment: a shift as large as the image" 2 "--augment shift:8 is not smaller than the 8x8 images" "$NN" train --train "$D" --label-col last --layers $SPEC --augment shift:8
expect "augment: no image shape" 2 "--augment needs images: give the input's shape in --layers" "$NN" train --train "$D" --label-col last --layers 64-30-10 --augment flip
"$NN" train --train "$D" --label-col last --layers 1x8x8-30-10 --augment flip --epochs 3 --quiet --out af.bin &&
    "$NN" train --train "$D" --label-col last --layers 1x8x8-30-10 --epochs 3 --quiet --out an.bin &&
    ! cmp -s af.bin an.bin && "$NN" info af.bin | grep -q '^augment flip$' &&
    ok "--augment flip changes the model (dense network, shape from --layers 1x8x8-30-10) and is recorded" || bad "augment flip"
expect "dropout on a network without hidden dense layers warns" 0 "--dropout has no effect: the network has no hidden dense layer" \
    "$NN" train --train "$D" --label-col last --layers 1x8x8-4c3-10 --dropout 0.5 --epochs 1 --out nd.bin

# ---- defaults, --hidden, drawing with the model's shape ----------------------------------
"$NN" train --layers 1x8x8-4c3-1 --train "$D" --target last --epochs 2 --out tc.bin 2>tc.err
if grep -q '^nn: table defaults, for a table (.*): standardised inputs, L2 lambda 1' tc.err && ! grep -q 'adam' tc.err &&
    grep -q '^nn: convolutional defaults: relu hidden layers, momentum 0.9, eta 0.05, batch 64' tc.err &&
    "$NN" info tc.bin | grep -q '^trained 2 of 2 epochs, eta 0.05, batch 64' && "$NN" info tc.bin | grep -q '^optimizer momentum, momentum 0.9$'; then
    ok "a table with a convolutional network: one set of defaults, and stderr says what is used"
else
    bad "table + conv defaults: $(head -c 400 tc.err)"
fi
"$NN" train --layers 1x8x8-4c3-mp2-16-10 --train "$D" --label-col last --epochs 2 --optimizer sgd --out sg.bin 2>sg.err &&
    grep -q 'eta 0.05' sg.err && "$NN" info sg.bin | grep -q 'eta 0.05' &&
    ok "--optimizer sgd on a convolutional network: the default eta is 0.05 (said), not the textbook's 3" || bad "conv sgd eta: $(head -c 300 sg.err)"
"$NN" train --layers 1x8x8-4c3-mp2-16-10 --train "$D" --label-col last --epochs 1 --hidden tanh --augment NONE --quiet --out ht.bin &&
    "$NN" info ht.bin | grep -qE '^1 +4c3 +4x6x6 +tanh ' && "$NN" info ht.bin | grep -qE '^3 +16 +16 +tanh ' && ! "$NN" info ht.bin | grep -q '^augment' &&
    ok "--hidden tanh names the convolutions' activation too; --augment NONE is none" || bad "--hidden on convolutions"
expect "augment: an empty value" 2 "--augment '': expected shift:N" "$NN" train --train "$D" --label-col last --layers $SPEC --augment ''
"$NN" train --train "$D" --label-col last --layers 1x8x8-30-10 --augment SHIFT:1,Flip --epochs 1 --quiet --out au.bin &&
    "$NN" info au.bin | grep -q '^augment shift:1,flip$' && ok "--augment in any case" || bad "--augment SHIFT:1,Flip"
"$NN" train --train "$D" --label-col last --layers 1x4x16-4c3-10 --epochs 2 --quiet --out r.bin
"$NN" eval r.bin "$D" --label-col last --errors 1 --show --ascii >rs.out 2>/dev/null
[ "$(awk 'length($0) == 16' rs.out | wc -l)" = 2 ] && ok "eval --errors --show draws a 1x4x16 model's rows 16 pixels wide (2 lines of pixel pairs)" ||
    bad "eval --show with a 4x16 model: $(tail -3 rs.out)"
"$NN" train --train "$D" --label-col last --layers 1x8x8-mp2-ap2-3c1-10 --epochs 1 --quiet --out p2.bin
"$NN" weights p2.bin --pgm p2.pgm 2>p2.err && grep -q '(layer 3, after the pools on the input)' p2.err && ok "weights after two pools names layer 3" || bad "weights after two pools: $(cat p2.err)"
"$NN" train --train "$D" --target last --optimizer sgd --epochs 5 --out ts.bin 2>ts.err && grep -q 'eta 0.01' ts.err &&
    ok "a table with --optimizer sgd: eta 0.01 by default (said), not the textbook's 3" || bad "table sgd eta: $(head -c 300 ts.err)"
expect "weights --width on a convolution" 2 "--width is for a dense first layer; a convolution's tiles are its 3x3 kernels" "$NN" weights c.bin --pgm x.pgm --width 4
"$NN" train --train "$D" --label-col last --layers 1x8x8-ap2-6c3-10 --epochs 1 --quiet --out pc.bin
"$NN" weights pc.bin --pgm pc.pgm 2>pc.err && grep -q '6 tiles of 30x30 pixels, .* (layer 2, after the pool on the input)' pc.err &&
    ok "weights on a network starting with a pool draws the convolution after it" || bad "weights pool-first: $(cat pc.err)"
if [ -s im.idx ]; then
    expect "a shape in --layers that is not the IDX images'" 2 "--layers takes 4x14x14 images, but .*im.idx holds 1x28x28 ones" \
        "$NN" train --train im.idx --train-labels lb.idx --layers 4x14x14-4c3-mp2-10 --epochs 1 --out x.bin
    { printf '\0\0\10\3\0\0\2\130\0\0\0\16\0\0\0\70'; tail -c +17 im.idx; } >im1456.idx
    expect "eval of IDX images of another shape" 1 "im1456.idx: the images are 1x14x56, but the network takes 1x28x28 ones" "$NN" eval idx.bin im1456.idx --labels lb.idx
    expect "predict of IDX images of another shape" 1 "the images are 1x14x56, but the network takes 1x28x28 ones" "$NN" predict idx.bin im1456.idx
    expect "train --test of IDX images of another shape" 1 "im1456.idx holds 1x14x56 images, but .*im.idx 1x28x28 ones" \
        "$NN" train --train im.idx --train-labels lb.idx --test im1456.idx --test-labels lb.idx --layers 4c5-mp2-10 --epochs 1 --out x.bin
    "$NN" show im.idx --labels lb.idx --ascii >sl.out 2>&1 && head -1 sl.out | grep -q '^row 0: label 9$' &&
        [ "$(sed -n 2p sl.out | awk '{ print length($0) }')" = 28 ] && ok "show --labels FILE: the labels are read; an IDX image 28 wide" || bad "show --labels: $(head -2 sl.out)"
    { printf '\0\0\10\1\0\0\1\54'; tail -c +9 lb.idx | head -c 300; } >lb-short.idx
    expect "show --labels with too few labels" 1 "300 labels for 600 images" "$NN" show im.idx --labels lb-short.idx
else
    skip "conv: IDX images of another shape, show --labels" "no Fashion-MNIST images (see above)" "$FASHION_HINT"
fi

# ---- model files ---------------------------------------------------------------------------
head -c 200 c.bin >short.bin
expect "a truncated convolutional model" 1 "short.bin: checksum mismatch" "$NN" info short.bin

summary conv
