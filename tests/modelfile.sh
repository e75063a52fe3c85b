#!/bin/bash
# The model file and training checkpoints: SIGINT and SIGTERM save both,
# interrupted + resumed = uninterrupted byte for byte (on another thread
# count too), resume refusing changed settings or data; corrupted,
# truncated, foreign, empty and missing models and checkpoints refused;
# models of format versions 2 and 3 answering as the builds that wrote them;
# class names and outputs that do not match (an older model with fewer names).
# Usage: tests/modelfile.sh [path/to/nn]   (prints PASS/FAIL/SKIP lines and a summary)
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

have_py=0
find_python && have_py=1
: >"$T/empty.csv"
mkdir "$T/dir"
"$NN" train --train "$D" --label-col last --holdout 297 --out "$T/dh.bin" 2>"$T/log"
cut -d, -f1-64 "$D" >"$T/feat.csv"

# ---- interrupts, checkpoints, resume ------------------------------------------------
RA="--train $D --label-col last --holdout 297 --layers 64-200relu-100tanh-10softmax --optimizer adam --dropout 0.2 --val 100 --epochs 40 --batch 4"
"$NN" train $RA --out "$T/full.bin" --quiet
env --default-signal=INT "$NN" train $RA --out "$T/int.bin" --checkpoint "$T/ck.bin" 2>"$T/ilog" &
pid=$!
wait_for "$T/ilog" "^epoch 3/" && kill -INT $pid
wait $pid
rc=$?
[ $rc = 130 ] && grep -q "interrupted in epoch" "$T/ilog" && grep -q "SIGINT: saved" "$T/ilog" && ok "SIGINT: exit 130, says where it saved" || bad "SIGINT: exit $rc $(tail -2 "$T/ilog")"
"$NN" predict "$T/int.bin" "$T/feat.csv" >/dev/null && ok "the model saved on SIGINT loads and predicts" || bad "model after SIGINT"
"$NN" train --resume "$T/ck.bin" --quiet && cmp -s "$T/int.bin" "$T/full.bin" && ok "interrupted + resumed = uninterrupted, byte for byte" || bad "resume differs"
"$NN" train $RA --out "$T/int2.bin" --checkpoint "$T/ck2.bin" --threads 1 2>"$T/ilog2" &
pid=$!
wait_for "$T/ilog2" "^epoch 2/" && kill -TERM $pid
wait $pid
[ $? = 143 ] && ok "SIGTERM: exit 143" || bad "SIGTERM exit"
"$NN" train --resume "$T/ck2.bin" --threads 2 --quiet && cmp -s "$T/int2.bin" "$T/full.bin" && ok "resumed with another thread count: still identical" || bad "resume with --threads 2 differs"
"$NN" train $RA --epochs 40 --out "$T/ep.bin" --checkpoint "$T/ck3.bin" --every 5 --quiet
"$NN" train --resume "$T/ck3.bin" --out "$T/ep2.bin" --quiet 2>/dev/null; [ $? = 0 ] && cmp -s "$T/ep2.bin" "$T/full.bin" && ok "resume from a finished run's checkpoint" || bad "resume finished"
expect "resume refuses changed settings" 2 "cannot be changed" "$NN" train --resume "$T/ck.bin" --eta 0.5
expect "resume of a non-checkpoint" 1 "is a model file, not a training checkpoint" "$NN" train --resume "$T/full.bin"
cp "$T/ck.bin" "$T/ckflip.bin"; printf '\377' | dd of="$T/ckflip.bin" bs=1 seek=300 conv=notrunc 2>/dev/null
expect "resume of a corrupted checkpoint" 1 "checksum mismatch" "$NN" train --resume "$T/ckflip.bin"

# ---- batch normalisation: its record and running statistics saved, a checkpoint resumed byte for byte -------------
BA="--train $D --label-col last --holdout 297 --layers 1x8x8-6c3p1-bn-mp2-30-bn-10 --bn-momentum 0.2"
"$NN" train $BA --epochs 6 --batch 16 --out "$T/bnfull.bin" --quiet
"$NN" info "$T/bnfull.bin" | grep -qE '^2 +bn +6x8x8 +relu +6 +6 ' && "$NN" info "$T/bnfull.bin" | grep -qE '^1 +6c3p1 +6x8x8 +linear ' &&
    ok "nn info: a convolution's sums, then bn with the relu (6 gammas, 6 betas)" || bad "info of bn: $("$NN" info "$T/bnfull.bin" | head -8)"
a=$("$NN" predict "$T/bnfull.bin" "$T/feat.csv" --probs --threads 1 | md5sum) b=$("$NN" predict "$T/bnfull.bin" "$T/feat.csv" --probs --threads 2 | md5sum)
cp "$T/bnfull.bin" "$T/bncopy.bin" && c=$("$NN" predict "$T/bncopy.bin" "$T/feat.csv" --probs | md5sum)
[ "$a" = "$b" ] && [ "$a" = "$c" ] && ok "a model with batch normalisation: loaded, the same answers on 1 and 2 threads" || bad "bn model answers differ"
# (100 epochs of 0.02 s: the interrupt lands mid-run)
env --default-signal=INT "$NN" train $BA --epochs 100 --out "$T/bnint.bin" --checkpoint "$T/bnck3.bin" --batch 4 2>"$T/bnlog" &
pid=$!
wait_for "$T/bnlog" "^epoch 2/" && kill -INT $pid
wait $pid
rc=$?
"$NN" train $BA --epochs 100 --batch 4 --out "$T/bnfull4.bin" --quiet
[ $rc = 130 ] && "$NN" train --resume "$T/bnck3.bin" --quiet 2>/dev/null && cmp -s "$T/bnint.bin" "$T/bnfull4.bin" &&
    ok "batch normalisation: interrupted + resumed = uninterrupted, byte for byte (running statistics included)" || bad "bn resume differs: exit $rc, $(tail -2 "$T/bnlog")"
expect "--bn-momentum out of range" 2 "--bn-momentum '0': expected a number above 0, at most 1" "$NN" train --train "$D" --layers 64-30-bn-10 --bn-momentum 0 --out "$T/x.bin"
expect "--batch 1 with bn after a dense layer (no variance in a row)" 2 "--batch 1 with batch normalisation of single values \(part 3 of --layers, after a dense layer\)" \
    "$NN" train --train "$D" --label-col last --layers 64-30-bn-10 --batch 1 --out "$T/x.bin"
# ---- corrupted models ------------------------------------------------------------
cp "$T/dh.bin" "$T/flip.bin" && printf '\377' | dd of="$T/flip.bin" bs=1 seek=500 conv=notrunc 2>/dev/null
expect "model byte flipped" 1 "flip.bin: checksum mismatch" "$NN" predict "$T/flip.bin" "$T/feat.csv"
head -c 300 "$T/dh.bin" >"$T/short.bin"
expect "model truncated" 1 "short.bin: checksum mismatch" "$NN" eval "$T/short.bin" "$D"
expect "model foreign" 1 "not an nn model file" "$NN" info "$D"
expect "model empty" 1 "empty.csv: empty file, not an nn model" "$NN" info "$T/empty.csv"
expect "model missing" 1 "cannot open" "$NN" info "$T/nope.bin"
# models of format versions 2 and 3, written by the builds before versions 3 and 4 (tests/models/README.md)
# (labels exactly; outputs within 1e-5, as builds for other vector units round differently)
"$NN" predict "$top/tests/models/iris-v2.bin" "$top/data/iris.csv" --label-col last --no-header 2>/dev/null | cmp -s - "$top/tests/models/iris-v2.labels" &&
    "$NN" predict "$top/tests/models/iris-v2.bin" "$top/data/iris.csv" --label-col last --no-header --probs 2>/dev/null |
    paste -d, - "$top/tests/models/iris-v2.probs" | awk -F, '{ for (k = 1; k <= 3; k++) if ($k - $(k + 3) > 1e-5 || $(k + 3) - $k > 1e-5) bad = 1 } END { exit bad || NR != 150 }' &&
    "$NN" info "$top/tests/models/iris-v2.bin" | cmp -s - "$top/tests/models/iris-v2.info" &&
    ok "a version 2 model loads and answers as the build that wrote it did" || bad "version 2 model: answers differ"
"$NN" predict "$top/tests/models/iris-v3.bin" "$top/data/iris.csv" --label-col last --no-header 2>/dev/null | cmp -s - "$top/tests/models/iris-v3.labels" &&
    "$NN" predict "$top/tests/models/iris-v3.bin" "$top/data/iris.csv" --label-col last --no-header --probs 2>/dev/null |
    paste -d, - "$top/tests/models/iris-v3.probs" | awk -F, '{ for (k = 1; k <= 3; k++) if ($k - $(k + 3) > 1e-5 || $(k + 3) - $k > 1e-5) bad = 1 } END { exit bad || NR != 150 }' &&
    "$NN" info "$top/tests/models/iris-v3.bin" | cmp -s - "$top/tests/models/iris-v3.info" &&
    ok "a version 3 model loads and answers as the build that wrote it did" || bad "version 3 model: answers differ"

expect "predict of a directory" 1 "is a directory" "$NN" predict "$T/dh.bin" "$T/dir"
expect "eval of a model that is a directory" 1 "is a directory" "$NN" eval "$T/dir" "$D"

# ---- crash: a model with class names and more outputs than names ----------
"$NN" train --train iris_named.csv --label-col last --layers 4-30-4 --epochs 5 --threads 1 --quiet --out x4.bin >/dev/null 2>x4.err
rc=$?
if [ $rc = 0 ]; then
    out=$(head -1 p2.csv | "$NN" predict x4.bin - --top 4 2>&1)
    rc2=$?
    [ $rc2 = 0 ] && [ "$(echo "$out" | tr ',' '\n' | wc -l)" = 8 ] && echo "$out" | grep -q setosa &&
        ok "train 4-30-4 on 3 class names: predict --top 4 prints 4 classes" || bad "train 4-30-4 on 3 names, predict --top 4: exit $rc2: $out"
elif { [ $rc = 1 ] || [ $rc = 2 ]; } && grep -qE '3 class names|3 classes' x4.err && [ ! -e x4.bin ]; then
    ok "train 4-30-4 on 3 class names: refused, stating the 3 names, no model written"
else
    bad "train 4-30-4 on 3 class names: exit $rc: $(head -c 300 x4.err)"
fi
# a model as older nn wrote it: 4 outputs, 3 names (the 4-name model with its last name cut)
if [ $have_py = 1 ]; then
    { cat iris_named.csv; echo "6.0,3.0,4.0,1.0,zz_extra"; } >iris4.csv
    "$NN" train --train iris4.csv --label-col last --layers 4-30-4 --epochs 5 --threads 1 --quiet --out n4.bin 2>/dev/null
    $PY - n4.bin x3.bin <<'EOF'
import struct, sys, zlib
b = bytearray(open(sys.argv[1], 'rb').read())
K = struct.unpack_from('<I', b, 12)[0]
p = 44  # format 4: after the input shape, the layer records (16 bytes and E more each), then the field count
for _ in range(K - 1):
    p += 16 + struct.unpack_from('<I', b, p + 12)[0]
F = struct.unpack_from('<I', b, p)[0]; p += 4
for _ in range(F):
    tag, flen = struct.unpack_from('<II', b, p)
    if tag == 21:
        q, cnt, names = p + 12, struct.unpack_from('<I', b, p + 8)[0], []
        for _ in range(cnt):
            l = struct.unpack_from('<I', b, q)[0]; names.append(bytes(b[q + 4:q + 4 + l])); q += 4 + l
        names = names[:-1]
        field = struct.pack('<I', len(names)) + b''.join(struct.pack('<I', len(n)) + n for n in names)
        b[p:p + 8 + flen] = struct.pack('<II', 21, len(field)) + field
        break
    p += 8 + flen
b = b[:-4]
open(sys.argv[2], 'wb').write(bytes(b) + struct.pack('<I', zlib.crc32(bytes(b)) & 0xffffffff))
EOF
    "$NN" predict x3.bin ifeat.csv --top 4 >x3.out 2>x3.err
    rc=$?
    [ $rc = 0 ] && [ "$(wc -l <x3.out)" = 150 ] && awk -F, 'NF != 8 { e = 1 } END { exit e }' x3.out &&
        grep -q '3,[0-9.e-]*$\|,3,' x3.out && grep -q versicolor x3.out &&
        ok "a model with 4 outputs and 3 names: predict --top 4 prints the 4th class by its number" ||
        bad "4 outputs, 3 names, --top 4: exit $rc: $(head -c 200 x3.err) $(head -1 x3.out)"
    "$NN" predict x3.bin ifeat.csv --top 4 --format json >x3.json 2>/dev/null
    rc=$?
    [ $rc = 0 ] && $PY -c 'import json,sys
for l in open(sys.argv[1]):
    o = json.loads(l); assert len(o["top"]) == 4 and {t["label"] for t in o["top"]} == {"setosa", "versicolor", "virginica", "3"}' x3.json 2>/dev/null &&
        ok "a model with 4 outputs and 3 names: --top 4 --format json is valid, the 4th class \"3\"" || bad "4 outputs, 3 names, json: exit $rc"
else
    skip "modelfile: a model with 4 outputs and 3 names, made with python3" "python3 is not installed" "python3"
fi

# ---- checkpoints and models named as what they are; resume on changed data ------------------------
TR="--train iris_named.csv --label-col last --epochs 2 --threads 1 --quiet"
"$NN" train $TR --out ck-model.bin --checkpoint ck.bin 2>/dev/null
expect "info CHECKPOINT: recognised as a checkpoint" 1 "ck.bin: .*checkpoint" "$NN" info ck.bin
head -c 5 d.bin >t5.bin
expect "a 5-byte model: truncated" 1 "t5.bin: .*truncated" "$NN" info t5.bin
cp iris.csv rd.csv
"$NN" train --train rd.csv --label-col last --epochs 2 --threads 1 --quiet --out rd.bin --checkpoint rd.ck
sed -i '2s/^4.9/4.8/' rd.csv
"$NN" train --resume rd.ck >/dev/null 2>err
rc=$?
[ $rc = 1 ] && grep -q 'rd.ck: the values in rd.csv have changed' err && ! grep -q 'no epoch finished well' err && ok "resume on changed data: names both files" || bad "resume changed data: exit $rc: $(head -c 300 err)"

# stderr not a terminal: a progress line every NN_PROGRESS_SECONDS while a large file is read and within a
# long epoch; an nn built with an interval of 1 ns shows them on a small job however fast the machine
# (the real one, 5 s, on a large one)
for i in $(seq 20); do cat "$D"; done >long.csv
if cc -std=c11 -O1 -DNN_PROGRESS_SECONDS=1e-9 -o nnp "$top/nn.c" -lm -lpthread 2>cc.err; then
    ./nnp train --train long.csv --label-col last --layers 64-30-10 --batch 10 --eta 0.1 --epochs 1 --threads 1 --val 0 --out long.bin 2>long.err
    r=$(grep -c '^nn: long.csv: reading, [0-9]* rows so far, [0-9]*% of the file$' long.err)
    e=$(grep -c '^epoch 1/1: [0-9]*% of its mini-batches, [0-9]* examples/s, [0-9]* s left$' long.err)
    [ "$r" -ge 1 ] && [ "$e" -ge 2 ] && [ -s long.bin ] && ok "stderr to a file: $r line(s) while the file is read, $e within the epoch, then the model" ||
        bad "progress lines: $r reading, $e in the epoch: $(head -c 300 long.err)"
    "$NN" train --train long.csv --label-col last --layers 64-30-10 --epochs 1 --out long2.bin 2>long2.err
    ! grep -q 'reading, \|of its mini-batches' long2.err && ok "a job of under five seconds: no progress line" || bad "progress on a short job: $(head -c 200 long2.err)"
else
    bad "build with -DNN_PROGRESS_SECONDS=1e-9: $(head -c 300 cc.err)"
fi
summary modelfile
