#!/bin/bash
# Regression tests for issue 9 ("right answer or a clear error at every
# edge"): one or more tests per numbered defect, each named after it (9.N),
# and for the section on divergence that is not NaN (9.div).  Every test
# checks the outcome (the exact lines, the exit status, what is or is not
# written, that stderr names the file and line), not only that nn survived.
# Usage: tests/edges.sh [path/to/nn]   (prints PASS/FAIL lines and a summary)
set -u
NN=${1:-./nn}
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1 # outputs that an nn might wrongly create (a file named '-') land here
have_py=0
command -v python3 >/dev/null && have_py=1


# early NAME PATTERN CMD...: CMD fails with exit 1 and a message matching
# PATTERN before it trains (no epoch line on stderr).
early() {
    local name=$1 pat=$2
    shift 2
    "$@" >"$T/out" 2>"$T/err"
    local got=$?
    if [ "$got" != 1 ] || ! grep -qE -- "$pat" "$T/err"; then
        bad "$name: exit $got: $(grep -v '^epoch' "$T/err" | head -c 300)"
    elif grep -q '^epoch' "$T/err"; then
        bad "$name: reported only after $(grep -c '^epoch' "$T/err") epochs of training"
    else
        ok "$name"
    fi
}

# prefix NAME OUT REF: every line of OUT is the line of REF at its place.
prefix() {
    local n
    n=$(wc -l <"$2")
    if head -n "$n" "$3" | cmp -s - "$2"; then
        ok "$1 ($n lines, all right)"
    else
        bad "$1: line $(cmp "$2" <(head -n "$n" "$3") 2>&1 | sed -n 's/.*line \([0-9]*\).*/\1/p') differs from the row predicted alone"
    fi
}

# a character device that behaves as /dev/full, made afresh each time (an nn
# that renames over its output replaces this one, not the machine's)
mkfull() {
    rm -f "$T/full"
    if mknod "$T/full" c 1 7 2>/dev/null; then FULL=$T/full; else FULL=/dev/full; fi
}

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

# ---- 9.1 crash: a model with class names and more outputs than names ----------
"$NN" train --train iris_named.csv --label-col last --layers 4-30-4 --epochs 5 --threads 1 --quiet --out x4.bin >/dev/null 2>x4.err
rc=$?
if [ $rc = 0 ]; then
    out=$(head -1 p2.csv | "$NN" predict x4.bin - --top 4 2>&1)
    rc2=$?
    [ $rc2 = 0 ] && [ "$(echo "$out" | tr ',' '\n' | wc -l)" = 8 ] && echo "$out" | grep -q setosa &&
        ok "9.1 train 4-30-4 on 3 class names: predict --top 4 prints 4 classes" || bad "9.1 train 4-30-4 on 3 names, predict --top 4: exit $rc2: $out"
elif { [ $rc = 1 ] || [ $rc = 2 ]; } && grep -qE '3 class names|3 classes' x4.err && [ ! -e x4.bin ]; then
    ok "9.1 train 4-30-4 on 3 class names: refused, stating the 3 names, no model written"
else
    bad "9.1 train 4-30-4 on 3 class names: exit $rc: $(head -c 300 x4.err)"
fi
# a model as older nn wrote it: 4 outputs, 3 names (the 4-name model with its last name cut)
if [ $have_py = 1 ]; then
    { cat iris_named.csv; echo "6.0,3.0,4.0,1.0,extra"; } >iris4.csv
    "$NN" train --train iris4.csv --label-col last --layers 4-30-4 --epochs 5 --threads 1 --quiet --out n4.bin 2>/dev/null
    python3 - n4.bin x3.bin <<'EOF'
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
        ok "9.1 a model with 4 outputs and 3 names: predict --top 4 prints the 4th class by its number" ||
        bad "9.1 4 outputs, 3 names, --top 4: exit $rc: $(head -c 200 x3.err) $(head -1 x3.out)"
    "$NN" predict x3.bin ifeat.csv --top 4 --format json >x3.json 2>/dev/null
    rc=$?
    [ $rc = 0 ] && python3 -c 'import json,sys
for l in open(sys.argv[1]):
    o = json.loads(l); assert len(o["top"]) == 4 and {t["label"] for t in o["top"]} == {"setosa", "versicolor", "virginica", "3"}' x3.json 2>/dev/null &&
        ok "9.1 a model with 4 outputs and 3 names: --top 4 --format json is valid, the 4th class \"3\"" || bad "9.1 4 outputs, 3 names, json: exit $rc"
else
    bad "9.1 python3 is needed to make a model with fewer names than outputs"
fi

# ---- 9.2 predict: the lines before a bad row are right ----------------------------
(head -100 dfeat.csv; echo 1,2,3) >b100.csv
"$NN" predict d.bin b100.csv >out 2>err
rc=$?
[ $rc = 1 ] && grep -q 'b100.csv:101' err && prefix "9.2 predict: wrong column count on line 101; lines before it" out dref.txt ||
    bad "9.2 predict, bad line 101: exit $rc, stderr $(head -c 200 err)"
awk -F, 'NR == 70 { $3 = "x" } { print }' OFS=, <(head -100 dfeat.csv) >b70.csv
"$NN" predict d.bin b70.csv --probs >out 2>err
rc=$?
[ $rc = 1 ] && grep -q 'b70.csv:70: column 3' err && prefix "9.2 predict --probs: a non-number on line 70 column 3; lines before it" out dprobs.txt ||
    bad "9.2 predict --probs, bad field on line 70: exit $rc, stderr $(head -c 200 err)"
for _ in 1 2 3 4 5 6; do cat dfeat.csv; done >big.csv
cp big.csv bigbad.csv && echo 1,2,3 >>bigbad.csv
for _ in 1 2 3 4 5 6; do cat dref.txt; done >bigref.txt
"$NN" predict d.bin bigbad.csv --threads 2 >out 2>err
rc=$?
[ $rc = 1 ] && grep -q 'bigbad.csv:10783' err && prefix "9.2 predict, 2 threads, 10782 rows then a bad one; lines before it" out bigref.txt ||
    bad "9.2 predict, big file: exit $rc, stderr $(head -c 200 err)"
(head -5 dfeat.csv; echo 1,2,3) | "$NN" predict d.bin - --probs >out 2>err
rc=$?
[ $rc = 1 ] && grep -q '(stdin):6' err && [ -s out ] && prefix "9.2 predict - --probs from a pipe, bad line 6; lines before it" out dprobs.txt ||
    bad "9.2 predict from a pipe: exit $rc, stderr $(head -c 200 err), $(wc -l <out) lines"

# ---- 9.3 outputs: devices and FIFOs written in place, links followed, '-', checked first
TR="--train iris_named.csv --label-col last --epochs 2 --threads 1 --quiet"
mkfull
"$NN" train $TR --out "$FULL" >/dev/null 2>err
rc=$?
[ $rc = 1 ] && [ -c "$FULL" ] && [ -s err ] && ok "9.3 train --out /dev/full: exit 1 with a message, the device stays" ||
    bad "9.3 train --out /dev/full: exit $rc, $(ls -l "$FULL" | cut -c1-10), $(head -c 200 err)"
mkfull
"$NN" train $TR --out c.bin --checkpoint "$FULL" >/dev/null 2>err
rc=$?
[ $rc = 1 ] && [ -c "$FULL" ] && [ -s err ] && ok "9.3 train --checkpoint /dev/full: exit 1 with a message, the device stays" ||
    bad "9.3 --checkpoint /dev/full: exit $rc, $(ls -l "$FULL" | cut -c1-10), $(head -c 200 err)"
mkfull
"$NN" train $TR --out l.bin --log "$FULL" >/dev/null 2>err
rc=$?
[ $rc = 1 ] && [ -c "$FULL" ] && grep -qi 'log' err && ok "9.3 train --log /dev/full: exit 1, the message names the log" ||
    bad "9.3 --log /dev/full: exit $rc, $(head -c 200 err)"
mkfull
"$NN" weights d.bin --pgm "$FULL" >/dev/null 2>err
rc=$?
[ $rc = 1 ] && [ -c "$FULL" ] && grep -q 'full' err && ok "9.3 weights --pgm /dev/full: exit 1 with a message, the device stays" ||
    bad "9.3 --pgm /dev/full: exit $rc, $(ls -l "$FULL" | cut -c1-10), $(head -c 200 err)"
mkfull
"$NN" export d.bin --c "$FULL" >/dev/null 2>err
rc=$?
[ $rc = 1 ] && [ -c "$FULL" ] && grep -q 'full' err && ok "9.3 export --c /dev/full: exit 1 with a message, the device stays" ||
    bad "9.3 --c /dev/full: exit $rc, $(ls -l "$FULL" | cut -c1-10), $(head -c 200 err)"
rm -f fifo fifo.got && mkfifo fifo
timeout 20 cat fifo >fifo.got &
catpid=$!
timeout 20 "$NN" train $TR --out fifo >/dev/null 2>err
rc=$?
if [ -p fifo ]; then wait $catpid; else kill $catpid 2>/dev/null; wait $catpid 2>/dev/null; fi
[ $rc = 0 ] && [ -p fifo ] && "$NN" info fifo.got >/dev/null 2>&1 && ok "9.3 train --out FIFO: the model goes through the FIFO, which stays" ||
    bad "9.3 --out FIFO: exit $rc, fifo $( [ -p fifo ] && echo kept || echo replaced), $(wc -c <fifo.got) bytes read"
: >real.bin && ln -s real.bin lnk
"$NN" train $TR --out lnk >/dev/null 2>err
rc=$?
[ $rc = 0 ] && [ -L lnk ] && "$NN" info real.bin >/dev/null 2>&1 && ok "9.3 train --out SYMLINK: the target gets the model, the link stays" ||
    bad "9.3 --out symlink: exit $rc, link $( [ -L lnk ] && echo kept || echo replaced), real.bin $(wc -c <real.bin) bytes"
"$NN" train $TR --out - >stdout.bin 2>err
rc=$?
[ $rc = 0 ] && [ ! -e ./- ] && "$NN" info stdout.bin >/dev/null 2>&1 && ok "9.3 train --out - writes the model to stdout" ||
    bad "9.3 --out -: exit $rc, file '-' $( [ -e ./- ] && echo created || echo absent)"
rm -f ./-
"$NN" export d.bin --c - >stdout.h 2>err
rc=$?
[ $rc = 0 ] && [ ! -e ./- ] && grep -q 'nn_predict' stdout.h && ok "9.3 export --c - writes the header to stdout" ||
    bad "9.3 --c -: exit $rc, file '-' $( [ -e ./- ] && echo created || echo absent)"
rm -f ./-
"$NN" weights d.bin --pgm - >stdout.pgm 2>err
rc=$?
[ $rc = 0 ] && [ ! -e ./- ] && [ "$(head -c 3 stdout.pgm)" = "$(printf 'P5\n')" ] && ok "9.3 weights --pgm - writes the PGM to stdout" ||
    bad "9.3 --pgm -: exit $rc, file '-' $( [ -e ./- ] && echo created || echo absent)"
rm -f ./-
TRV="--train iris_named.csv --label-col last --epochs 20 --threads 1"
early "9.3 --out in a missing directory: refused before the first epoch" "^nn: /nonexistent/m.bin" "$NN" train $TRV --out /nonexistent/m.bin
mkdir adir
early "9.3 --out a directory: refused before the first epoch" "adir" "$NN" train $TRV --out adir
early "9.3 --checkpoint in a missing directory: refused before the first epoch" "/nonexistent/c.bin" "$NN" train $TRV --out m.bin --checkpoint /nonexistent/c.bin
cp iris_named.csv victim.csv
"$NN" train --train victim.csv --label-col last --epochs 1 --quiet --out victim.csv >/dev/null 2>err
rc=$?
[ $rc != 0 ] && cmp -s victim.csv iris_named.csv && grep -q 'victim.csv' err && ok "9.3 --out = --train: refused (exit $rc), the data intact" || bad "9.3 --out = --train: exit $rc, data $(cmp -s victim.csv iris_named.csv && echo intact || echo overwritten)"
cp iris_named.csv victim.csv && ln -s victim.csv vlink.csv
"$NN" train $TR --test vlink.csv --out victim.csv >/dev/null 2>err
rc=$?
[ $rc != 0 ] && cmp -s victim.csv iris_named.csv && ok "9.3 --out = --test (through a link): refused (exit $rc), the data intact" || bad "9.3 --out = --test: exit $rc"
"$NN" train $TR --out same.bin --checkpoint same.bin >/dev/null 2>err
rc=$?
[ $rc != 0 ] && [ ! -e same.bin ] && grep -q 'same.bin' err && ok "9.3 --out = --checkpoint: refused (exit $rc), nothing written" || bad "9.3 --out = --checkpoint: exit $rc"
cp d.bin own.bin
"$NN" export own.bin --c own.bin >/dev/null 2>err
rc=$?
[ $rc != 0 ] && cmp -s own.bin d.bin && ok "9.3 export --c onto its own MODEL: refused (exit $rc), the model intact" || bad "9.3 export --c MODEL MODEL: exit $rc, model $(cmp -s own.bin d.bin && echo intact || echo overwritten)"
cp d.bin own.bin
"$NN" weights own.bin --pgm own.bin >/dev/null 2>err
rc=$?
[ $rc != 0 ] && cmp -s own.bin d.bin && ok "9.3 weights --pgm onto its own MODEL: refused (exit $rc), the model intact" || bad "9.3 weights --pgm MODEL MODEL: exit $rc, model $(cmp -s own.bin d.bin && echo intact || echo overwritten)"

# ---- 9.4 labels: a quoted number is a number; names against numbers are an error --
"$NN" train --train iris.csv --label-col last --epochs 3 --threads 1 --quiet --out tc.bin
tac iris.csv >rev.csv
sed 's/,\([0-9]\)$/,"\1"/' rev.csv >rev_q.csv
sed 's/,0$/,setosa/; s/,1$/,versicolor/; s/,2$/,virginica/' rev.csv >rev_n.csv
a=$("$NN" eval tc.bin rev.csv --label-col last 2>/dev/null | head -1)
b=$("$NN" eval tc.bin rev_q.csv --label-col last 2>/dev/null | head -1)
[ -n "$a" ] && [ "$a" = "$b" ] && ok "9.4 eval: quoted numeric labels \"2\" give the same report ($a)" || bad "9.4 eval, quoted labels: '$b', unquoted '$a'"
a=$("$NN" train --train iris.csv --test rev.csv --label-col last --epochs 3 --threads 1 --out tq.bin 2>&1 | grep -o 'test accuracy [0-9.]*%')
b=$("$NN" train --train iris.csv --test rev_q.csv --label-col last --epochs 3 --threads 1 --out tq.bin 2>&1 | grep -o 'test accuracy [0-9.]*%')
[ -n "$a" ] && [ "$a" = "$b" ] && ok "9.4 train --test with quoted labels: the same $a" || bad "9.4 train --test quoted: '$b' vs '$a'"
expect "9.4 eval: a numbered model on data labelled with names is an error" 1 "rev_n.csv:1" "$NN" eval tc.bin rev_n.csv --label-col last
expect "9.4 train --test: names against numbered training labels are an error" 1 "rev_n.csv:1" "$NN" train --train iris.csv --test rev_n.csv --label-col last --epochs 1 --quiet --out tq.bin

# ---- 9.5 the first row is data unless it looks like a header; BOM stripped ----------
printf '5.1,3.5,1.4,0.2\n4.9,3.0,1.4,0.2\n6.7,3.0,5.2,2.3\n' >plain3.csv
"$NN" predict iris.bin plain3.csv >p3.txt
for v in NA '?' '' 1e39; do
    printf '5.1,3.5,%s,0.2\n4.9,3.0,1.4,0.2\n6.7,3.0,5.2,2.3\n' "$v" >na.csv
    expect "9.5 predict: '$v' in line 1 is an error on line 1, not a header" 1 "na.csv:1: column 3" "$NN" predict iris.bin na.csv
done
printf '\357\273\277' | cat - plain3.csv >bom.csv
"$NN" predict iris.bin bom.csv >out 2>err
rc=$?
[ $rc = 0 ] && cmp -s out p3.txt && ok "9.5 predict: a BOM on a headerless file, 3 rows in, the same 3 answers out" || bad "9.5 BOM: exit $rc, $(wc -l <out) lines: $(head -c 200 err)"
"$NN" predict iris.bin bom.csv --header no >out 2>err
rc=$?
[ $rc = 0 ] && cmp -s out p3.txt && ok "9.5 predict --header no: the BOM is stripped" || bad "9.5 BOM --header no: exit $rc: $(head -c 200 err)"
"$NN" predict iris.bin <(echo sepal_length,sepal_width,petal_length,petal_width; cat plain3.csv) >out 2>err
rc=$?
[ $rc = 0 ] && cmp -s out p3.txt && grep -qi 'header' err && ok "9.5 predict: a skipped header line is reported on stderr" || bad "9.5 header notice: exit $rc, stderr '$(head -c 200 err)'"
{ echo label,0,1,2,3; awk -F, '{ print $5","$1","$2","$3","$4 }' iris.csv; } >h.csv
"$NN" train --train h.csv --epochs 3 --threads 1 --out nh.bin >/dev/null 2>err
rc=$?
[ $rc = 0 ] && grep -q ' 150 training rows' err && ! "$NN" info nh.bin | grep -q '^classes' && ok "9.5 train: the pandas header label,0,1,2,3 is a header: 150 rows, numbered classes" ||
    bad "9.5 pandas header: exit $rc, $(grep -o '[0-9]* training rows' err), $("$NN" info nh.bin 2>&1 | grep classes)"
{ echo 150,4; cat iris.csv; } >sk.csv
"$NN" train --train sk.csv --label-col last --header yes --epochs 2 --threads 1 --out sk.bin >/dev/null 2>err
rc=$?
[ $rc = 0 ] && grep -q ' 150 training rows' err && ok "9.5 train --header yes skips a first line of another field count (sklearn)" || bad "9.5 --header yes: exit $rc: $(head -c 200 err)"

# ---- 9.6 binary (one-output) models -------------------------------------------------
awk -F, '$5 != 2' iris.csv >iris01.csv
cut -d, -f1-4 iris01.csv >i01feat.csv
"$NN" train --train iris01.csv --label-col last --layers 4-8-1 --epochs 20 --threads 1 --quiet --out b.bin
"$NN" predict b.bin i01feat.csv >b.lab
"$NN" predict b.bin i01feat.csv --probs >b.p
"$NN" predict b.bin i01feat.csv --top 1 >b.top1
"$NN" predict b.bin i01feat.csv --top 2 >b.top2
paste -d, b.lab b.p b.top1 | awk -F, '{ q = $1 == 1 ? $2 : 1 - $2; if ($3 != $1 || ($4 - q) ^ 2 > 1e-12) e = 1 } END { exit e || NR != 100 }' &&
    ok "9.6 binary model: --top 1 gives the predicted label with its probability" || bad "9.6 binary --top 1: $(paste -d, b.lab b.p b.top1 | tail -1)"
paste -d, b.lab b.p b.top2 | awk -F, '{ q = $1 == 1 ? $2 : 1 - $2; if (NF != 6 || $3 != $1 || $5 != 1 - $1 || ($4 - q) ^ 2 > 1e-12 || ($4 + $6 - 1) ^ 2 > 1e-12) e = 1 } END { exit e || NR != 100 }' &&
    ok "9.6 binary model: --top 2 lists both labels, probabilities p and 1-p" || bad "9.6 binary --top 2: $(paste -d, b.lab b.p b.top2 | tail -1)"
(head -3 iris01.csv; tail -3 iris01.csv) | sed 's/,0$/,9/; s/,1$/,0/; s/,9$/,1/' >flip.csv
"$NN" eval b.bin flip.csv --label-col last --errors 1 >ev.txt 2>/dev/null
row=$(sed -n '/most confidently wrong/{n;p;}' ev.txt)
set -- $row
p=$(sed -n "$((${1:-0} + 1))p" <(cut -d, -f1-4 flip.csv | "$NN" predict b.bin - --probs))
if grep -q 'output activation' ev.txt; then
    awk -v a="${4:-x}" -v p="$p" 'BEGIN { exit !((a - p) ^ 2 < 1e-10) }' && ok "9.6 binary eval --errors: the output activation column holds the activation ($p)" ||
        bad "9.6 binary eval --errors: 'output activation' $4, the activation is $p"
else
    ok "9.6 binary eval --errors: the column no longer claims to be the output activation"
fi

# ---- 9.7 eval: macro averages over the classes present ------------------------------
paste -d, <(cut -d, -f65 "$D") dref.txt "$D" | awk -F, '$1 < 5 && $1 == $2' | cut -d, -f3- >d04.csv
m=$("$NN" eval d.bin d04.csv --label-col last | grep '^macro')
set -- $m
[ "${2:-}" = 1.0000 ] && [ "${3:-}" = 1.0000 ] && [ "${4:-}" = 1.0000 ] && ok "9.7 eval on digits 0-4, all right: macro precision, recall, F1 1.0000" || bad "9.7 macro averages: '$m'"

# ---- 9.8 the label column: auto, and warnings ----------------------------------------
"$NN" train --train "$D" --epochs 3 --threads 1 --out auto.bin >/dev/null 2>err
"$NN" train --train "$D" --label-col last --epochs 3 --threads 1 --quiet --out last.bin
cmp -s auto.bin last.bin && grep -qi 'last column' err && ok "9.8 train --train data/digits.csv takes the last column, and says so" || bad "9.8 label column of digits.csv: $(head -c 200 err)"
"$NN" train --train "$D" --label-col first --epochs 1 --threads 1 --out first.bin >/dev/null 2>err
grep -qiE 'warning.*(single class|one class|one value|nothing to learn)' err && ok "9.8 train --label-col first on digits.csv: a single-class warning" || bad "9.8 one class: no warning: $(head -c 200 err)"
printf '1,2,cat\n3,4,cat\n5,6,cat\n' >oneclass.csv
"$NN" train --train oneclass.csv --label-col last --epochs 1 --threads 1 --out oc.bin >/dev/null 2>err
rc=$?
grep -qiE '(single class|one class|only one class|nothing to learn)' err && ok "9.8 train on one named class: said so (exit $rc)" || bad "9.8 one named class: exit $rc: $(head -c 200 err)"
a=$("$NN" eval d.bin "$D" 2>/dev/null | head -1) b=$("$NN" eval d.bin "$D" --label-col last | head -1)
[ "$a" = "$b" ] && ok "9.8 eval data/digits.csv without --label-col: $a" || bad "9.8 eval default label column: '$a' vs '$b'"
a=$("$NN" show "$D" --ascii --index 5 2>/dev/null) b=$("$NN" show "$D" --ascii --index 5 --label-col last)
[ "$a" = "$b" ] && ok "9.8 show data/digits.csv without --label-col draws row 5 as --label-col last" || bad "9.8 show default label column: $(echo "$a" | head -1)"

# ---- 9.9 class names: escaped in every format; eval, show and export print them -------
printf '%s\n' '0.1,0.9,"a,b"' '0.2,0.8,"a,b"' '0.9,0.1,"say ""hi"""' '0.8,0.2,"say ""hi"""' '0.5,0.5,"tab'$'\t''here"' \
    '0.4,0.6,"tab'$'\t''here"' '0.9,0.9,back\slash' '0.8,0.8,back\slash' '0.1,0.1,naïve' '0.2,0.2,naïve' >names.csv
printf '0.5,0.1,caf\351\n0.6,0.1,caf\351\n' >>names.csv
"$NN" train --train names.csv --label-col last --epochs 20 --threads 1 --quiet --out names.bin
cut -d, -f1-2 names.csv >nfeat.csv
if [ $have_py = 1 ]; then
    "$NN" predict names.bin nfeat.csv --top 6 >n.csv 2>/dev/null
    python3 -c 'import csv,sys
want = {b"a,b", b"say \"hi\"", b"tab\there", b"back\\slash", "naïve".encode(), b"caf\xe9"}
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8", errors="surrogateescape", newline="")))
assert len(rows) == 12 and all(len(r) == 12 and {f.encode("utf-8", "surrogateescape") for f in r[0::2]} == want for r in rows)' n.csv 2>/dev/null &&
        ok "9.9 predict --top CSV: names with , \" tab \\ UTF-8 and Latin-1 read back by a CSV parser" || bad "9.9 CSV names: $(head -1 n.csv)"
    "$NN" predict names.bin nfeat.csv --top 6 --format tsv >n.tsv 2>/dev/null
    awk -F'\t' 'NF != 12 { e = 1 } END { exit e || NR != 12 }' n.tsv && grep -q 'tab\\there' n.tsv &&
        ok "9.9 predict --top TSV: a tab in a name does not split the field" || bad "9.9 TSV names: $(head -1 n.tsv)"
    "$NN" predict names.bin nfeat.csv --top 6 --format json >n.json 2>/dev/null
    python3 -c 'import json,sys
for l in open(sys.argv[1], "rb"):
    o = json.loads(l.decode("utf-8"))
    assert {"a,b", "say \"hi\"", "tab\there", "back\\slash", "naïve"} < {t["label"] for t in o["top"]}' n.json 2>/dev/null &&
        ok "9.9 predict --top JSON: valid UTF-8 JSON, the names exact" || bad "9.9 JSON names: $(head -1 n.json)"
else
    bad "9.9 python3 is needed to parse the CSV and JSON output"
fi
"$NN" eval iris.bin iris_named.csv --label-col last --errors 3 >ev.txt 2>/dev/null
[ "$(grep -c 'setosa' ev.txt)" -ge 2 ] && [ "$(grep -c 'versicolor' ev.txt)" -ge 2 ] && [ "$(grep -c 'virginica' ev.txt)" -ge 2 ] &&
    ok "9.9 eval of a named model: the matrix and table name the classes" || bad "9.9 eval prints numbers: $(sed -n 4,5p ev.txt)"
"$NN" show iris_named.csv --label-col last --ascii --width 2 2>/dev/null | head -1 | grep -q 'setosa' && ok "9.9 show prints the class name" ||
    bad "9.9 show: $("$NN" show iris_named.csv --label-col last --ascii --width 2 2>/dev/null | head -1)"
"$NN" export iris.bin --c iris.h 2>/dev/null
grep -q '"setosa"' iris.h && grep -q '"virginica"' iris.h && ok "9.9 export --c: a table of the class names" || bad "9.9 export --c has no class names"

# ---- 9.10 endless input -------------------------------------------------------------
expect "9.10 predict on /dev/zero: a quick error" 1 "/dev/zero" timeout 5 "$NN" predict d.bin /dev/zero
expect "9.10 predict on /dev/zero from stdin: a quick error" 1 "stdin" timeout 5 "$NN" predict d.bin - </dev/zero
expect "9.10 info /dev/zero: a quick error" 1 "/dev/zero: .*(magic|not an nn model)" timeout 5 "$NN" info /dev/zero
expect "9.10 train --train /dev/zero: binary data, not 'too large'" 1 "/dev/zero: .*(binary|NUL|not)" timeout 10 "$NN" train --train /dev/zero --out z.bin
expect "9.10 eval on /dev/zero: binary data" 1 "/dev/zero: .*(binary|NUL|not)" timeout 10 "$NN" eval d.bin /dev/zero
expect "9.10 train: an endless line from a pipe is an error at the limit" 1 "longer than" timeout 10 "$NN" train --train - --out z.bin < <(tr '\0' 1 </dev/zero)
expect "9.10 predict: an endless line from a pipe is an error at the limit" 1 "longer than" timeout 10 "$NN" predict d.bin - < <(tr '\0' 1 </dev/zero)
printf '0,0.5,0.1\n65535,0.2,0.9\n' >wide.csv
"$NN" train --train wide.csv --layers 2-65536 --epochs 1 --threads 1 --quiet --out wide.bin
out=$(echo 0.5,0.1 | timeout 5 "$NN" predict wide.bin - --top 65536)
rc=$?
[ $rc = 0 ] && [ "$(echo "$out" | tr ',' '\n' | wc -l)" = 131072 ] && [ "${out%%,*}" = "$(echo 0.5,0.1 | "$NN" predict wide.bin -)" ] &&
    ok "9.10 --top 65536 of 65536 classes: every pair, quickly, best first" || bad "9.10 --top 65536: exit $rc"

# ---- 9.11 messages ------------------------------------------------------------------
sed 's/$/,/' iris_named.csv | tail -n +2 >trail.csv
expect "9.11 trailing comma, label last: the message is about the empty column 6" 1 "trail.csv:1: .*(column 6|trailing|empty)" "$NN" train --train trail.csv --label-col last --out t.bin
printf '0,"1,2\n1,2,3\n' >uq.csv
expect "9.11 unterminated quote: said so" 1 "uq.csv:1: .*quote" "$NN" train --train uq.csv --out t.bin
expect "9.11 --eta 1e7 states the limit" 2 "--eta '1e7'.*(1e6|1e\+06|1000000)" "$NN" train --eta 1e7 --train iris.csv
expect "9.11 --lambda 1e7 states the limit" 2 "--lambda '1e7'.*(1e6|1e\+06|1000000)" "$NN" train --lambda 1e7 --train iris.csv
out=$(timeout 5 "$NN" help --help 2>&1)
rc=$?
[ $rc = 0 ] && echo "$out" | grep -q 'usage' && ok "9.11 nn help --help: the help" || bad "9.11 nn help --help: exit $rc: $(echo "$out" | head -2)"
"$NN" unknowncmd 2>&1 | grep -q "help --help" && bad "9.11 an unknown command suggests 'nn help --help'" || ok "9.11 an unknown command does not suggest 'nn help --help'"
"$NN" train $TR --out ck-model.bin --checkpoint ck.bin 2>/dev/null
expect "9.11 info CHECKPOINT: recognised as a checkpoint" 1 "ck.bin: .*checkpoint" "$NN" info ck.bin
head -c 5 d.bin >t5.bin
expect "9.11 a 5-byte model: truncated" 1 "t5.bin: .*truncated" "$NN" info t5.bin
expect "9.11 --val 0 is accepted (the default)" 0 "" "$NN" train $TR --val 0 --out v0.bin
expect "9.11 --holdout 0 is accepted (the default)" 0 "" "$NN" train $TR --holdout 0 --out h0.bin
"$NN" train --train iris_named.csv --label-col last --epochs 1 --threads 1 --out t.bin >/dev/null 2>err
grep -q '1 thread\b' err && ! grep -q '1 threads' err && ok "9.11 '1 thread'" || bad "9.11 $(grep -o '1 threads' err)"
grep -qE '\b1 epochs' err && bad "9.11 '1 epochs': $(grep '1 epochs' err)" || ok "9.11 no '1 epochs'"
"$NN" train --train iris_named.csv --label-col last --layers 4-30-1 --out t.bin >/dev/null 2>err
rc=$?
[ $rc != 0 ] && grep -q 'output layer has 1 neuron,' err && ok "9.11 '1 neuron'" || bad "9.11 '1 neuron': exit $rc: $(grep -v header err | head -c 200)"
tr '\n' '\r' <plain3.csv >cr.csv
"$NN" predict iris.bin cr.csv >out 2>err && cmp -s out p3.txt && ok "9.11 CR-only line endings" || bad "9.11 CR-only: $(head -c 200 err)"
{ echo "# measured 2026"; head -2 plain3.csv; echo "# more"; tail -1 plain3.csv; } >cm.csv
"$NN" predict iris.bin cm.csv >out 2>err && cmp -s out p3.txt && ok "9.11 '# comment' lines are skipped" || bad "9.11 comments: $(head -c 200 err)"
TRW="--train iris_named.csv --label-col last --epochs 1 --threads 1 --out w.bin"
for o in "--every 2" "--gamma 0.5" "--optimizer adam --momentum 0.5" "--beta1 0.5"; do
    "$NN" train $TRW $o >/dev/null 2>err
    opt=$(echo "$o" | grep -o -- '--[a-z0-9]*' | tail -1)
    grep -qi -- "warning.*$opt" err && ok "9.11 '$o': a warning that $opt has no effect" || bad "9.11 '$o': no warning that $opt has no effect"
done
"$NN" train $TRW --test-labels x >/dev/null 2>err
grep -qi 'test-labels' err && ok "9.11 --test-labels without --test: a warning or an error" || bad "9.11 --test-labels without --test: nothing said"

# ---- 9.12 pipes ------------------------------------------------------------------------
"$NN" show "$D" --label-col last --count 2 >out 2>/dev/null
[ -s out ] && ! grep -q $'\e' out && ok "9.12 show into a pipe: no colour escapes" || bad "9.12 show writes colour escapes into a pipe"
"$NN" eval d.bin "$D" --label-col last --errors 1 --show >out 2>/dev/null
[ -s out ] && ! grep -q $'\e' out && ok "9.12 eval --show into a pipe: no colour escapes" || bad "9.12 eval --show writes colour escapes into a pipe"
quiet_ok=1 expect "9.12 predict on empty stdin: nothing, exit 0" 0 "" "$NN" predict d.bin - </dev/null
: >empty.csv
quiet_ok=1 expect "9.12 predict on an empty file: nothing, exit 0" 0 "" "$NN" predict d.bin empty.csv

# ---- 9.13 docs and help -----------------------------------------------------------------
mkdir -p rd && ln -s "$top/data" rd/data
make_cmd=$(grep -o 'nn train [^`]*--out digits\.bin[^`]*' "$top/README.md" | head -1)
if [ -n "$make_cmd" ]; then
    want=$(sed -n '/nn eval digits.bin/{n;p;}' "$top/README.md")
    got=$(cd rd && eval "\"$NN\" ${make_cmd#nn }" >/dev/null 2>&1 && "$NN" eval digits.bin data/digits.csv --label-col last --errors 2 | head -1)
    [ -n "$want" ] && [ "$got" = "$want" ] && ok "9.13 README: digits.bin is made as it says, and eval prints '$want'" || bad "9.13 README eval example: '$got' vs '$want'"
else
    bad "9.13 README: the eval example uses digits.bin without saying how it is made"
fi
grep -q 'idx3\\-ubyte\.gz' "$top/nn.1" && bad "9.13 man page: an example names data/t10k-images-idx3-ubyte.gz, which get-data.sh does not make" || ok "9.13 man page: examples name the files get-data.sh makes"
dup=""
for c in train predict eval info show weights export; do
    dup="$dup$("$NN" $c --help 2>&1 | grep -E 'default.*default|see text')"
done
[ -z "$dup" ] && ok "9.13 --help: each default stated once" || bad "9.13 --help repeats defaults: $(echo "$dup" | head -c 200)"
"$NN" train --help | grep -- '--label-col' | grep -q 'default: auto' && ok "9.13 train --help: --label-col default auto" || bad "9.13 train --help gives --label-col default: $("$NN" train --help | grep -o -- '--label-col.*')"
"$NN" train -h >out 2>err
rc=$?
[ $rc = 0 ] && grep -q 'usage: nn train' out && ok "9.13 nn train -h" || bad "9.13 nn train -h: exit $rc: $(head -c 100 err)"

# ---- 9.div divergence that is not NaN ------------------------------------------------------
for spec in 64-30-10 64-30relu-10softmax; do
    timeout 20 "$NN" train --train "$D" --label-col last --layers $spec --eta 100000 --epochs 5 --threads 1 --out dv.bin >/dev/null 2>err
    rc=$?
    [ $rc = 1 ] && grep -qE 'smaller --eta' err && grep -qi 'epoch' err && ok "9.div $spec at --eta 100000: stops, exit 1, names the epoch, suggests a smaller --eta" ||
        bad "9.div $spec --eta 100000: exit $rc: $(tail -1 err)"
done
rm -f dv1.bin
timeout 20 "$NN" train --train "$D" --label-col last --layers 64-30-10linear --epochs 5 --threads 1 --out dv1.bin >/dev/null 2>err
rc=$?
[ $rc = 1 ] && [ ! -e dv1.bin ] && grep -qi 'no model' err && ok "9.div divergence in epoch 1 says no model was saved" || bad "9.div epoch 1: exit $rc: $(tail -1 err)"

# ---- 9.np2 the second new-user pass (defects found on the fixed build) ----------------------
# H1: one pipe given as two inputs hangs: a usage error instead
rm -f ff && mkfifo ff
expect "9.np2 --train and --test the same FIFO: refused at once" 2 "same pipe or device, which can be read only once" timeout 10 "$NN" train --train ff --test ff --label-col last --out x.bin
expect "9.np2 predict - -: refused" 2 "MODEL and INPUT are both standard input" "$NN" predict - - <iris.bin
expect "9.np2 eval - -: refused" 2 "MODEL and DATA are both standard input" "$NN" eval - - <iris.bin
rm -f ff
# W1: a missing value in the label column is an error, not a class
sed '10s/,0$/,NA/' iris.csv >irisna.csv
for m in NA '?' nan null N/A; do
    sed "10s#,0\$#,$m#" iris.csv >irisna.csv
    early "9.np2 label '$m' on line 10: an error naming the line" "irisna.csv:10: column 5, the label, is missing" "$NN" train --train irisna.csv --label-col last --epochs 1 --out x.bin
done
printf '5.1,3.5,1.4,0.2,"NA"\n4.9,3.0,1.4,0.2,b\n' >qna.csv
expect "9.np2 a quoted \"NA\" label is a name" 0 "" "$NN" train --train qna.csv --label-col last --layers 4-2 --epochs 1 --out x.bin
# W2: a header of column numbers (pandas, to_csv(index=False) of an array) is a header
{ seq -s, 0 64; cat "$D"; } >pnum.csv
"$NN" train --train pnum.csv --label-col last --epochs 1 --threads 1 --out x.bin >/dev/null 2>err
grep -q 'line 1 taken as a header' err && "$NN" info x.bin | grep -q '^2 .* 10 ' && ok "9.np2 header 0,1,...,64 skipped with a notice; 10 outputs" || bad "9.np2 header 0..64: $(head -c 200 err)"
{ seq -s, 0 63; cat dfeat.csv; } >pnumf.csv
"$NN" predict d.bin pnumf.csv >out 2>err
cmp -s out dref.txt && grep -q 'taken as a header' err && ok "9.np2 predict: header 0..63 skipped, 1797 right answers" || bad "9.np2 predict header 0..63: $(wc -l <out) lines: $(head -c 200 err)"
# W3: a line of numbers with one stray word is data (an error), whatever the pipe's timing
for f in '-inf' 'Infinity' '0x10' '1e5x' 'x1'; do
    printf -- '%s,3.5,1.4,0.2\n4.9,3.0,1.4,0.2\n' "$f" >v.csv
    expect "9.np2 '$f' in line 1: an error, not a header" 1 "v.csv:1: column 1: '$f' is not a number" "$NN" predict iris.bin v.csv
    (printf -- '%s,3.5,1.4,0.2\n' "$f"; sleep 0.3; printf '4.9,3.0,1.4,0.2\n') | "$NN" predict iris.bin - >out 2>err
    rc=$?
    [ $rc = 1 ] && [ ! -s out ] && ok "9.np2 '$f' in line 1 of a slow pipe: the same error" || bad "9.np2 '$f' slow pipe: exit $rc, $(wc -l <out) lines"
done
# W4: eval with classes far apart: the report is printed, the matrix over the classes that occur
printf '0,1,2\n65535,3,4\n0,2,2\n65535,4,4\n' >big.csv
"$NN" train --train big.csv --label-col first --layers 2-65536softmax --optimizer adam --epochs 3 --threads 1 --quiet --out bigc.bin
"$NN" eval bigc.bin big.csv --label-col first --errors 2 >out 2>err
rc=$?
[ $rc = 0 ] && grep -q '^confusion matrix' out && [ "$(grep -cE '^ *65535 ' out)" -ge 2 ] && grep -qE '[0-9]+ of the model.s 65536 classes occur' out &&
    [ "$(wc -l <out)" -lt 30 ] && grep -q '^most confidently wrong' out &&
    ok "9.np2 eval of a 65536-class model: matrix, table and --errors over the classes that occur" || bad "9.np2 eval 65536 classes: exit $rc, $(wc -l <out) lines: $(head -c 300 out)"
# M1: names against a numbered model: the range of its classes
"$NN" train --train iris.csv --label-col last --epochs 1 --threads 1 --quiet --out tc.bin
expect "9.np2 names against numbered classes: 0 to 2" 1 "classes of the model are numbers 0 to 2$" "$NN" eval tc.bin iris_named.csv --label-col last
# M2: the rows a --val fraction holds out
head -20 iris.csv >s20.csv
early "9.np2 --val 0.01 of 20 rows: says 0 rows held out" "--val holds out 0 of the 20 rows" "$NN" train --train s20.csv --label-col last --val 0.01 --epochs 1 --out x.bin
# M3: tiny numbers underflow to 0, long ones are read, huge ones do not fit
printf '1e-310,3.5,1.4,0.2\n0.%s1,3.5,1.4,0.2\n' "$(printf '0%.0s' $(seq 400))" >tiny.csv
printf '0,3.5,1.4,0.2\n0,3.5,1.4,0.2\n' >zero.csv
"$NN" predict iris.bin tiny.csv --probs >out 2>err && "$NN" predict iris.bin zero.csv --probs >ref && cmp -s out ref && ok "9.np2 1e-310 and a 400-digit 0.000..1 read as 0" || bad "9.np2 tiny numbers: $(head -c 200 err)"
printf '1e400,3.5,1.4,0.2\n' >huge.csv
expect "9.np2 1e400 does not fit" 1 "huge.csv:1: column 1: '1e400' does not fit in a float" "$NN" predict iris.bin huge.csv
# M4: resuming on changed data names the checkpoint and the data, and nothing about epochs
cp iris.csv rd.csv
"$NN" train --train rd.csv --label-col last --epochs 2 --threads 1 --quiet --out rd.bin --checkpoint rd.ck
sed -i '2s/^4.9/4.8/' rd.csv
"$NN" train --resume rd.ck >/dev/null 2>err
rc=$?
[ $rc = 1 ] && grep -q 'rd.ck: the values in rd.csv have changed' err && ! grep -q 'no epoch finished well' err && ok "9.np2 resume on changed data: names both files" || bad "9.np2 resume changed data: exit $rc: $(head -c 300 err)"
# M5: --standardize of values float cannot centre: a clear error, not "diverged"
printf '0,3e38,1\n1,-3e38,2\n0,3e38,4\n1,3e38,6\n' >ov.csv
early "9.np2 --standardize with 3e38: says why" "ov.csv: feature 1: a value of -3e\+38 is too far from the feature.s mean" "$NN" train --train ov.csv --standardize --epochs 2 --out x.bin
# M6: a trailing separator in predict; --seed's limit; info --layers checks as train does; dropout without a hidden layer
sed 's/$/,/' p2.csv >trail.csv
expect "9.np2 predict: a trailing separator named, with the line" 1 "trail.csv:1: 5 features per row, but the model takes 4 \(the line ends with a separator" "$NN" predict iris.bin trail.csv
expect "9.np2 --seed 2^64-1 accepted" 0 "" "$NN" train --train iris.csv --label-col last --seed 18446744073709551615 --epochs 1 --quiet --out x.bin
expect "9.np2 --seed 2^64 refused with the limit" 2 "from 0 to 18446744073709551615" "$NN" train --train iris.csv --label-col last --seed 18446744073709551616 --epochs 1 --out x.bin
expect "9.np2 info --layers: softmax hidden refused" 2 "softmax is for the output layer only" "$NN" info --layers 4-3softmax-2
expect "9.np2 info --layers: relu output refused" 2 "relu is for hidden layers" "$NN" info --layers 4-3-2relu
expect "9.np2 --dropout with no hidden layer: a warning" 0 "warning: --dropout has no effect" "$NN" train --train iris.csv --label-col last --layers 4-3 --dropout 0.5 --epochs 1 --out x.bin

summary edges
