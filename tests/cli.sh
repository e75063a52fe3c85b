#!/bin/bash
# End-to-end tests of the nn command: learning on real data, round trips,
# determinism, and a table of bad inputs with their exit status and message.
# Usage: tests/cli.sh [path/to/nn]   (prints PASS/FAIL lines and a summary)
set -u
NN=${1:-./nn}
. "$(dirname "$0")/lib.sh"
cd "$top" || exit 1

# ---- fixtures ---------------------------------------------------------------
D="$top/data/digits.csv"
printf '\0\0\10\3\0\0\0\3\0\0\0\2\0\0\0\2\1\2\3\4\5\6\7\10\11\12\13\14' >"$T/img-images-idx3-ubyte"
printf '\0\0\10\1\0\0\0\3\0\1\2' >"$T/img-labels-idx1-ubyte"
printf '\0\0\10\1\0\0\0\4\0\1\2\3' >"$T/four-labels"
printf '\1\0\10\3\0\0\0\3\0\0\0\2\0\0\0\2\1\2\3\4\5\6\7\10\11\12\13\14' >"$T/badmagic-idx"
head -c 27 "$T/img-images-idx3-ubyte" >"$T/trunc-images-idx3-ubyte"
printf '\0\0\10\3\377\377\377\377\377\377\377\377\377\377\377\377' >"$T/huge-idx"
printf '\0\0\12\3\0\0\0\1\0\0\0\1\0\0\0\1\0\0\0\0' >"$T/float-idx"
: >"$T/empty.csv"
printf '1,2,3\n4,5\n' >"$T/ragged.csv"
printf '1,2,3\n4,x5,6\n' >"$T/nonnum.csv"
printf '1,2,3\n4,nan,6\n' >"$T/nan.csv"
printf '0,0,0\n0,1,1\n1,0,1\n1,1,0\n' >"$T/xor.csv"
printf '0,1,1\n1,1,12\n' >"$T/biglabel.csv"
printf '\001\002\003\000\377' >"$T/binary"
mkdir "$T/dir"

# ---- help and usage -----------------------------------------------------------
"$NN" --version | grep -q '^nn ' && ok "--version" || bad "--version"
"$NN" help >"$T/h" && grep -q 'train' "$T/h" && ok "help" || bad "help"
for c in train predict eval info; do
    "$NN" $c --help >"$T/h" && grep -q -- '--' "$T/h" && ok "$c --help" || bad "$c --help"
done
"$NN" train --help | grep -q 'eta RATE.*default: 3.0' && ok "help shows defaults" || bad "help shows defaults"
expect "no command" 2 "usage" "$NN"
expect "unknown command suggests" 2 "did you mean 'train'" "$NN" trian
expect "unknown option suggests" 2 "did you mean --epochs" "$NN" train --epoch 3

# ---- bad layer specs and flags: usage errors (exit 2) ---------------------------
expect "spec empty part" 2 "empty size at part 2" "$NN" info --layers 784--10
expect "spec zero" 2 "part 1 is zero" "$NN" info --layers 0-10
expect "spec negative" 2 "empty size at part 1" "$NN" info --layers -5-10
expect "spec non-number" 2 "not a positive whole number" "$NN" info --layers abc-10
expect "spec trailing junk" 2 "unknown activation 'x'" "$NN" info --layers 784-30-10x
expect "spec bad separator" 2 "unexpected '.'" "$NN" info --layers 784-30.5-10
expect "spec activation on input" 2 "input layer takes no activation" "$NN" info --layers 784relu-30-10
expect "spec one layer" 2 "at least an input and an output" "$NN" info --layers 784
expect "spec too wide" 2 "larger than the limit" "$NN" info --layers 99999999999999999999-10
expect "spec too many params" 2 "more than 100000000 weights" "$NN" info --layers 20000-20000-10
expect "spec too deep" 2 "more than 16 layers" "$NN" info --layers 1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1
expect "eta negative" 2 "--eta '-1'" "$NN" train --eta -1 --train "$D"
expect "eta not a number" 2 "--eta 'fast'" "$NN" train --eta fast --train "$D"
expect "eta nan" 2 "--eta 'nan'" "$NN" train --eta nan --train "$D"
expect "epochs zero" 2 "--epochs '0'" "$NN" train --epochs 0 --train "$D"
expect "batch junk" 2 "--batch '10x'" "$NN" train --batch 10x --train "$D"
expect "threads zero" 2 "--threads '0'" "$NN" train --threads 0 --train "$D"
expect "missing value" 2 "needs a value" "$NN" train --eta
expect "label-col zero" 2 "--label-col '0'" "$NN" train --label-col 0 --train "$D"
expect "cost unknown" 2 "--cost 'mse'" "$NN" train --cost mse --train "$D"
expect "scale negative" 2 "--scale '-2'" "$NN" train --scale -2 --train "$D"
expect "holdout too big" 2 "--holdout '1.5'" "$NN" train --holdout 1.5 --train "$D"
expect "flag with value" 2 "takes no value" "$NN" train --quiet=1
expect "unknown activation" 2 "--hidden 'relux'" "$NN" train --hidden relux --train "$D"
expect "softmax hidden" 2 "softmax is for the output layer only; hidden layers take sigmoid, tanh, relu or leaky" "$NN" train --layers 64-30softmax-10softmax --train "$D" --label-col last
expect "relu output" 2 "--output .relu.: expected sigmoid, tanh, linear or softmax" "$NN" train --output relu --train "$D" --label-col last
expect "relu output spec" 2 "relu is for hidden layers; the output takes sigmoid, tanh, linear or softmax" "$NN" train --layers 64-30-10relu --train "$D" --label-col last
expect "softmax with quadratic" 2 "softmax output layer goes with the log-likelihood" "$NN" train --output softmax --cost quadratic --train "$D" --label-col last
expect "cross-entropy with softmax" 2 "cross-entropy cost needs a sigmoid" "$NN" train --layers 64-30-10softmax --cost cross-entropy --train "$D" --label-col last
expect "log-likelihood with sigmoid" 2 "log-likelihood cost needs a softmax" "$NN" train --cost log-likelihood --train "$D" --label-col last
expect "unknown optimizer" 2 "--optimizer 'rmsprop'" "$NN" train --optimizer rmsprop --train "$D"
expect "unknown init" 2 "--init 'xavier'" "$NN" train --init xavier --train "$D"
expect "unknown schedule" 2 "--schedule 'linear'" "$NN" train --schedule linear --train "$D"
expect "negative lambda" 2 "--lambda '-1'" "$NN" train --lambda -1 --train "$D"
expect "dropout 1" 2 "--dropout '1'" "$NN" train --dropout 1 --train "$D"
expect "dropout negative" 2 "--dropout '-0.1'" "$NN" train --dropout -0.1 --train "$D"
expect "momentum 1" 2 "--momentum '1'" "$NN" train --momentum 1 --train "$D"
expect "gamma 0" 2 "--gamma '0'" "$NN" train --gamma 0 --train "$D"
expect "val junk" 2 "--val 'half'" "$NN" train --val half --train "$D"
expect "patience without val" 2 "--patience needs --val" "$NN" train --patience 3 --train "$D"
expect "val too big" 1 "--val holds out 1797 of the 1797 rows, leaving 0" "$NN" train --val 1797 --train "$D" --label-col last
expect "input size mismatch" 2 "784 inputs, but .* has 64 features" "$NN" train --layers 784-30-10 --train "$D" --label-col last
expect "too few outputs" 2 "output layer has 5 neurons, but the labels go up to 9" "$NN" train --layers 64-30-5 --train "$D" --label-col last

# ---- bad data: data errors (exit 1) ---------------------------------------------
expect "missing file" 1 "nope.csv: cannot open" "$NN" train --train "$T/nope.csv"
expect "directory" 1 "is a directory" "$NN" train --train "$T/dir"
expect "empty file" 1 "empty.csv: empty data file" "$NN" train --train "$T/empty.csv"
expect "ragged csv" 1 "ragged.csv:2: 2 columns, but the first line has 3" "$NN" train --train "$T/ragged.csv"
expect "non-numeric csv" 1 "nonnum.csv:2: column 2: 'x5' is not a number" "$NN" train --train "$T/nonnum.csv"
expect "nan in csv: a missing value, filled in with the column mean" 0 "nan.csv: a table of 3 columns: 2 numbers, 1 label; 1 missing value filled in with the column mean" "$NN" train --train "$T/nan.csv" --out "$T/nan.bin" --epochs 3
expect "binary file" 1 "binary data" "$NN" train --train "$T/binary"
expect "idx bad magic" 1 "badmagic-idx: binary data \(a NUL byte at offset 1\), neither IDX, NumPy nor CSV text" "$NN" train --train "$T/badmagic-idx"
expect "idx truncated" 1 "trunc-images-idx3-ubyte: IDX header says 12 bytes of data, but the file has 11" "$NN" train --train "$T/trunc-images-idx3-ubyte" --train-labels "$T/img-labels-idx1-ubyte"
expect "idx huge dims" 1 "too large" "$NN" train --train "$T/huge-idx" --train-labels "$T/img-labels-idx1-ubyte"
expect "idx unknown type" 1 "type 0x0A is unknown" "$NN" train --train "$T/float-idx"
expect "idx label count" 1 "4 labels for 3 images" "$NN" train --train "$T/img-images-idx3-ubyte" --train-labels "$T/four-labels"
expect "idx labels as images" 1 "1 dimension" "$NN" train --train "$T/img-labels-idx1-ubyte"
cp "$T/img-images-idx3-ubyte" "$T/solo-images-idx3-ubyte"
expect "idx labels not found" 1 "need a labels file" "$NN" train --train "$T/solo-images-idx3-ubyte"
expect "idx labels beside found" 0 "saved" "$NN" train --train "$T/img-images-idx3-ubyte" --epochs 2 --out "$T/tiny.bin"
expect "gzip not yet" 1 "gzip" "$NN" train --train <(printf '\037\213\010\000')

# ---- more hostile data: every case a clean error with its place named ---------------
printf 'x' >"$T/onebyte"
expect "one-byte file" 1 "onebyte: one column only" "$NN" train --train "$T/onebyte"
{ printf '1,2,3\n1,'; head -c 600 /dev/zero | tr '\0' '9'; printf ',2\n'; } >"$T/long.csv"
expect "overlong number" 1 "long.csv:2: column 2: '9999" "$NN" train --train "$T/long.csv"
printf '1,2,3\n4,inf,6\n' >"$T/inf.csv"
expect "inf in csv" 1 "inf.csv:2: column 2: 'inf' is not a number" "$NN" train --train "$T/inf.csv"
printf '1,2,3\n4,0x1p3,6\n' >"$T/hex.csv"
expect "hex float in csv" 1 "hex.csv:2: column 2: '0x1p3' is not a number" "$NN" train --train "$T/hex.csv"
printf '1,2,3\n4,1e39,6\n' >"$T/big.csv"
expect "float overflow in csv" 1 "big.csv:2: column 2: '1e39' does not fit in a float" "$NN" train --train "$T/big.csv"
printf '1,2,3\n-1,5,6\n' >"$T/neg.csv"
expect "negative label" 1 "neg.csv:2: column 1: label -1 is not a whole number" "$NN" train --train "$T/neg.csv" --label-col first
printf '1,2,3\n65536,5,6\n' >"$T/bigl.csv"
expect "label too large" 1 "bigl.csv:2: column 1: label 65536 is not" "$NN" train --train "$T/bigl.csv" --label-col first
printf 'a,b,c\n' >"$T/headeronly.csv"
expect "header only" 1 "headeronly.csv: no data rows" "$NN" train --train "$T/headeronly.csv"
printf '\n\n  \n' >"$T/blank.csv"
expect "blank lines only" 1 "blank.csv: empty data file" "$NN" train --train "$T/blank.csv"
cp "$T/img-images-idx3-ubyte" "$T/trail-images-idx3-ubyte"; printf 'xx' >>"$T/trail-images-idx3-ubyte"
expect "idx trailing bytes" 1 "trailing bytes" "$NN" train --train "$T/trail-images-idx3-ubyte" --train-labels "$T/img-labels-idx1-ubyte"
printf '\0\0\10\3\0\0\0\0\0\0\0\2\0\0\0\2' >"$T/zero-images"
expect "idx with no items" 1 "no items" "$NN" train --train "$T/zero-images" --train-labels "$T/img-labels-idx1-ubyte"
printf '\0\0\10\2\0\0\0\3\0\1\0\0' >"$T/wide-images"
expect "idx sizes larger than the file" 1 "IDX header says 196608 bytes of data, but the file has 0" "$NN" train --train "$T/wide-images" --train-labels "$T/img-labels-idx1-ubyte"
printf '\0\0\10\2\0\0\0\3\0\0\0\1\1\2\3' >"$T/lab2"
expect "idx labels of rank 2" 1 "labels file must have 1 dimension" "$NN" train --train "$T/img-images-idx3-ubyte" --train-labels "$T/lab2"
head -c 10 "$T/img-labels-idx1-ubyte" >"$T/shortlab"
expect "idx labels truncated" 1 "shortlab: IDX header says 3 bytes" "$NN" train --train "$T/img-images-idx3-ubyte" --train-labels "$T/shortlab"
expect "labels for a csv" 1 "labels file goes with IDX or NumPy images only" "$NN" train --train "$D" --train-labels "$T/img-labels-idx1-ubyte"
expect "test width differs" 1 "has 4 features per row, but" "$NN" train --train "$D" --label-col last --test "$T/img-images-idx3-ubyte" --test-labels "$T/img-labels-idx1-ubyte"
expect "predict of a directory" 1 "is a directory" "$NN" predict "$T/tiny.bin" "$T/dir"
expect "eval of a model that is a directory" 1 "is a directory" "$NN" eval "$T/dir" "$D"
if [ "${SANITIZE:-0}" = 1 ]; then
    echo "SKIP ulimit -v: AddressSanitizer reserves terabytes of address space and cannot run under it"
else
(ulimit -v 400000; "$NN" train --train "$D" --label-col last --layers 64-65536-1000-10 --epochs 1 --threads 1 --out "$T/huge.bin" 2>"$T/err"; echo $? >"$T/rc")
[ "$(cat "$T/rc")" = 1 ] && grep -q "out of memory" "$T/err" && ok "ulimit -v: allocation failure is a clear error" || bad "ulimit -v: rc $(cat "$T/rc") $(cat "$T/err")"
fi

# ---- train, predict, eval round trips -----------------------------------------------
"$NN" train --train "$D" --label-col last --holdout 297 --out "$T/d.bin" 2>"$T/log"
acc=$(sed -n 's/.*test accuracy \([0-9.]*\)%.*/\1/p' "$T/log")
awk -v a="$acc" 'BEGIN{exit !(a >= 93)}' && ok "digits 64-30-10 held-out accuracy $acc% >= 93%" || bad "digits accuracy '$acc'"
"$NN" train --train "$D" --label-col last --holdout 297 --out "$T/d2.bin" --threads 1 2>/dev/null
"$NN" train --train "$D" --label-col last --holdout 297 --out "$T/d3.bin" --threads 3 2>/dev/null
cmp -s "$T/d.bin" "$T/d2.bin" && cmp -s "$T/d.bin" "$T/d3.bin" && ok "same seed: byte-identical model with 1, 2, 3 threads" || bad "models differ across threads"
"$NN" train --train "$D" --label-col last --holdout 297 --out "$T/d4.bin" --seed 2 2>/dev/null
cmp -s "$T/d.bin" "$T/d4.bin" && bad "another seed gives the same model" || ok "another seed gives another model"
cut -d, -f1-64 "$D" >"$T/feat.csv"
"$NN" predict "$T/d.bin" "$T/feat.csv" >"$T/p1" && [ "$(wc -l <"$T/p1")" = 1797 ] && ok "predict prints one label per row" || bad "predict line count"
"$NN" predict "$T/d.bin" - <"$T/feat.csv" >"$T/p2" && cmp -s "$T/p1" "$T/p2" && ok "predict from stdin" || bad "predict from stdin"
"$NN" predict "$T/d.bin" "$T/feat.csv" --probs >"$T/q1" && "$NN" predict "$T/d.bin" "$T/feat.csv" --probs --threads 1 >"$T/q2" &&
    cmp -s "$T/q1" "$T/q2" && [ "$(head -1 "$T/q1" | tr ',' '\n' | wc -l)" = 10 ] && ok "predict --probs: 10 columns, same with 1 thread" || bad "predict --probs"
"$NN" predict "$T/d.bin" "$D" --label-col last >"$T/p3" && cmp -s "$T/p1" "$T/p3" && ok "predict skips a label column" || bad "predict --label-col"
# streaming: each answer must come back before the next row is written
mkfifo "$T/fin" "$T/fout"
"$NN" predict "$T/d.bin" - <"$T/fin" >"$T/fout" 2>/dev/null &
exec 3>"$T/fin" 4<"$T/fout"
streamed=0
for r in 1 2 3; do
    sed -n "${r}p" "$T/feat.csv" >&3
    if IFS= read -r -t ${STREAM_WAIT:-10} ans <&4 && [ "$ans" = "$(sed -n "${r}p" "$T/p1")" ]; then streamed=$((streamed + 1)); fi
done
exec 3>&- 4<&-
wait
[ $streamed = 3 ] && ok "predict streams row by row through a pipe" || bad "streaming: $streamed of 3 answers came back in time"
"$NN" predict "$T/d.bin" data/../data/digits.csv --label-col last --probs >/dev/null && ok "predict --probs with --label-col" || bad "predict --probs --label-col"
{ head -5 "$T/feat.csv"; echo "1,2,x"; } | "$NN" predict "$T/d.bin" - >"$T/partial" 2>"$T/err"
[ $? = 1 ] && grep -q '(stdin):6: ' "$T/err" && [ "$(wc -l <"$T/partial")" = 5 ] && ok "predict reports the bad line" || bad "predict bad line: $(cat "$T/err")"
expect "predict wrong width hints label" 1 "see --label-col" "$NN" predict "$T/d.bin" "$D"
paste -d, "$T/p1" <(cut -d, -f65 "$D") | awk -F, '$1==$2{n++} END{printf "%.4f\n", n/NR}' >"$T/acc1"
"$NN" eval "$T/d.bin" "$D" --label-col last >"$T/e1" && grep -q "accuracy $(cat "$T/acc1")" "$T/e1" && ok "eval agrees with predict ($(cat "$T/e1"))" || bad "eval $(cat "$T/e1") vs predict $(cat "$T/acc1")"
"$NN" eval "$T/d.bin" - --label-col last <"$D" >"$T/e2" && cmp -s "$T/e1" "$T/e2" && ok "eval from stdin" || bad "eval from stdin"
"$NN" info "$T/d.bin" >"$T/i" && grep -q "parameters 2260" "$T/i" && grep -q "trained 30 of 30 epochs, eta 3" "$T/i" && ok "info" || bad "info: $(cat "$T/i")"
"$NN" info --layers 784-30-10 | grep -q "parameters 23860" && ok "info --layers" || bad "info --layers"
"$NN" train --layers 2-3-1 --train "$T/xor.csv" --test "$T/xor.csv" --label-col last --epochs 2000 --batch 4 --out "$T/xor.bin" 2>/dev/null &&
    "$NN" eval "$T/xor.bin" "$T/xor.csv" --label-col last | grep -q "accuracy 1.0000" && ok "XOR 2-3-1 learned to 100%" || bad "XOR"
printf '0,0,1\n0,1,1\n1,0,1\n1,1,0\n' >"$T/xor-wrong.csv"   # the first label is wrong on purpose
"$NN" eval "$T/xor.bin" "$T/xor-wrong.csv" --label-col last --errors 2 >"$T/rep"
grep -q "^accuracy 0.7500 (3/4)" "$T/rep" && grep -qE "^ +0 +1 +0$" "$T/rep" && grep -qE "^ +1 +1 +2$" "$T/rep" &&
    grep -qE "^0 +0.5000 +1.0000 +0.6667 +1$" "$T/rep" && grep -qE "^1 +1.0000 +0.6667 +0.8000 +3$" "$T/rep" &&
    grep -qE "^macro +0.7500 +0.8333 +0.7333 +4$" "$T/rep" && [ "$(sed -n '/most confidently wrong/{n;p}' "$T/rep" | cut -d' ' -f1-3)" = "0 1 0" ] &&
    ok "eval: confusion matrix, precision/recall/F1, macro averages and --errors, checked by hand" || bad "eval report: $(cat "$T/rep")"
"$NN" predict "$T/d.bin" "$T/feat.csv" --top 3 >"$T/top" && [ "$(head -1 "$T/top" | tr ',' '\n' | wc -l)" = 6 ] &&
    [ "$(cut -d, -f1 "$T/top")" = "$(cat "$T/p1")" ] && ok "predict --top 3: three label,activation pairs, the first the predicted label" || bad "--top"
"$NN" predict "$T/d.bin" "$T/feat.csv" --top 2 --format tsv | head -1 | awk -F'\t' '{exit !(NF==4)}' && ok "predict --format tsv" || bad "tsv"
"$NN" predict "$T/d.bin" "$T/feat.csv" --format json | head -2 >"$T/js" && grep -qE '^\{"label":[0-9]\}$' "$T/js" && ok "predict --format json: one object per line" || bad "json: $(cat "$T/js")"
"$NN" predict "$T/d.bin" "$T/feat.csv" --format json --top 2 | head -1 | grep -qE '^\{"label":[0-9],"top":\[\{"label":[0-9],"p":[0-9.e-]+\},\{"label":[0-9],"p":[0-9.e-]+\}\]\}$' && ok "predict --format json --top 2" || bad "json top"
if command -v python3 >/dev/null; then
    "$NN" predict "$T/d.bin" "$T/feat.csv" --format json --probs | python3 -c 'import json,sys; [json.loads(l) for l in sys.stdin]' && ok "JSON lines parse" || bad "JSON does not parse"
fi
expect "top with probs" 2 "--probs or --top" "$NN" predict "$T/d.bin" "$T/feat.csv" --top 2 --probs
expect "bad format" 2 "--format 'xml'" "$NN" predict "$T/d.bin" "$T/feat.csv" --format xml
expect "eval labels beyond outputs" 1 "labels go up to 12" "$NN" eval "$T/xor.bin" "$T/biglabel.csv" --label-col last

# ---- every IDX element type: the same rows as u8, i8, i16, i32, f32, f64 ---------------
if command -v perl >/dev/null; then
    head -200 "$D" >"$T/d200.csv"
    for ty in C:8 c:9 s\>:11 l\>:12 f\>:13 d\>:14; do
        code=${ty%%:*} t=${ty##*:}
        perl -e '($c, $t, $f) = @ARGV; open F, $f; @r = map { chomp; [split /,/] } <F>;
            print pack("nCC", 0, $t, 3), pack("N3", scalar(@r), 8, 8); print pack("$c*", @$_[0..63]) for @r;' "$code" "$t" "$T/d200.csv" >"$T/t$t-images-idx3-ubyte"
        perl -e '($c, $t, $f) = @ARGV; open F, $f; @r = map { chomp; [split /,/] } <F>;
            print pack("nCC", 0, $t, 1), pack("N", scalar(@r)); print pack("$c", $_->[64]) for @r;' "$code" "$t" "$T/d200.csv" >"$T/t$t-labels-idx1-ubyte"
    done
    "$NN" train --train "$T/t8-images-idx3-ubyte" --epochs 5 --quiet --out "$T/ty.bin"
    "$NN" predict "$T/ty.bin" "$T/t8-images-idx3-ubyte" --probs >"$T/ty8"
    same=1
    for t in 9 11 12 13 14; do
        "$NN" predict "$T/ty.bin" "$T/t$t-images-idx3-ubyte" --probs | cmp -s - "$T/ty8" || { same=0; bad "IDX type $t predicts differently"; }
        a=$("$NN" eval "$T/ty.bin" "$T/t$t-images-idx3-ubyte") b=$("$NN" eval "$T/ty.bin" "$T/t8-images-idx3-ubyte")
        [ "$a" = "$b" ] || { same=0; bad "IDX type $t labels: '$a' vs '$b'"; }
    done
    [ $same = 1 ] && ok "IDX types 0x08 0x09 0x0B 0x0C 0x0D 0x0E: same images and labels, same answers"
    perl -e 'print pack("nCC", 0, 11, 2), pack("N2", 2, 2), pack("s>*", -300, 300, 0, 7)' >"$T/neg-images"
    perl -e 'print pack("nCC", 0, 14, 2), pack("N2", 2, 2), pack("d>*", -1.5, 0.25, 1e-3, 2)' >"$T/dbl-images"
    printf '\0\0\10\1\0\0\0\2\0\1' >"$T/two-labels"
    "$NN" train --train "$T/neg-images" --train-labels "$T/two-labels" --layers 2-2 --epochs 1 --quiet --out "$T/neg.bin" &&
        "$NN" info "$T/neg.bin" | grep -q "input divisor 300" && ok "signed 16-bit IDX: negative values read, scale from the largest |value|" || bad "i16 IDX"
    "$NN" train --train "$T/dbl-images" --train-labels "$T/two-labels" --layers 2-2 --epochs 1 --quiet --out "$T/dbl.bin" &&
        "$NN" info "$T/dbl.bin" | grep -q "input divisor 2" && ok "double IDX read" || bad "f64 IDX"
    perl -e 'print pack("nCC", 0, 13, 1), pack("N", 2), pack("f>*", 1.5, 0)' >"$T/frac-labels"
    expect "fractional IDX label" 1 "label 0 is 1.5, not a whole number" "$NN" train --train "$T/neg-images" --train-labels "$T/frac-labels"
else
    bad "perl is needed for the IDX type matrix"
fi

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
cp "$T/d.bin" "$T/div.bin"
"$NN" train --train "$D" --label-col last --layers 64-30relu-10linear --eta 1000 --epochs 3 --out "$T/div.bin" 2>"$T/dlog"; rc=$?
[ $rc = 1 ] && grep -q "diverged in epoch 1, mini-batch" "$T/dlog" && grep -q "smaller --eta than 1000" "$T/dlog" &&
    cmp -s "$T/div.bin" "$T/d.bin" && ok "divergence: exit 1, names the epoch, suggests a smaller --eta, keeps the old model" || bad "divergence: rc $rc $(cat "$T/dlog")"

# ---- interrupts, checkpoints, resume ------------------------------------------------
# wait_for FILE PATTERN: until PATTERN appears in FILE (at most 20 s)
wait_for() { for _ in $(seq 200); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done; return 1; }
RA="--train $D --label-col last --holdout 297 --layers 64-200relu-100tanh-10softmax --optimizer adam --dropout 0.2 --val 100 --epochs 40 --batch 4"
"$NN" train $RA --out "$T/full.bin" --quiet
"$NN" train $RA --out "$T/int.bin" --checkpoint "$T/ck.bin" 2>"$T/ilog" &
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

# ---- weights picture, C export, log and chart --------------------------------------
"$NN" weights "$T/d.bin" --pgm "$T/w.pgm" 2>/dev/null
if perl -e 'open F, $ARGV[0]; binmode F; local $/; $_ = <F>; /^P5\n(\d+) (\d+)\n255\n/ or exit 1; ($w, $h) = ($1, $2);
        $p = substr($_, length($&)); exit 2 unless length($p) == $w * $h && $w == 55 && $h == 46;
        for $j (0..29) { ($x0, $y0) = (($j % 6) * 9 + 1, int($j / 6) * 9 + 1); ($lo, $hi) = (255, 0);
            for $i (0..63) { $v = ord(substr($p, ($y0 + int($i / 8)) * $w + $x0 + $i % 8, 1)); $lo = $v if $v < $lo; $hi = $v if $v > $hi }
            exit 3 unless $lo == 0 && $hi == 255; exit 4 unless ord(substr($p, ($y0 - 1) * $w + $x0, 1)) == 128 }' "$T/w.pgm"; then
    ok "weights --pgm: 30 tiles of 8x8 in a 55x46 PGM, each scaled 0..255, grey borders"
else
    bad "weights PGM (perl exit $?)"
fi
"$NN" export "$T/m.bin" --c "$T/model.h" && cc -std=c11 -O2 -Wall -Wextra -DNN_HEADER="\"$T/model.h\"" -o "$T/fw" "$top/tests/export_main.c" -lm &&
    "$T/fw" <"$T/feat.csv" >"$T/fw.out"
"$NN" predict "$T/m.bin" "$T/feat.csv" --probs >"$T/nn.probs"
"$NN" predict "$T/m.bin" "$T/feat.csv" >"$T/nn.labels"
if [ -s "$T/fw.out" ] && [ "$(cut -d, -f1 "$T/fw.out")" = "$(cat "$T/nn.labels")" ] &&
    paste -d, <(cut -d, -f2- "$T/fw.out") "$T/nn.probs" | awk -F, '{for(i=1;i<=10;i++){d=$i-$(i+10); if(d<0)d=-d; if(d>m)m=d}} END{print m; exit !(NR==1797 && m<1e-5)}' >"$T/maxd"; then
    ok "export --c: a program built with the header gives nn predict's labels on all 1797 digits, probabilities within $(cat "$T/maxd")"
else
    bad "export --c: $(head -c 300 "$T/maxd")"
fi
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
fi
"$NN" train --train "$D" --label-col last --epochs 2 --quiet --out "$T/q.bin" 2>"$T/qlog"
[ ! -s "$T/qlog" ] && ok "--quiet: nothing on stderr" || bad "--quiet printed: $(cat "$T/qlog")"

# ---- CSV as people have it: one data set in many dialects ------------------------------
awk -F, 'NR>1 {split("setosa versicolor virginica", n, " "); print $1","$2","$3","$4","n[$5+1]}' "$top/data/iris.csv" >"$T/iris.csv"
"$NN" train --train "$T/iris.csv" --label-col last --holdout 30 --epochs 60 --out "$T/iris.bin" --quiet
"$NN" predict "$T/iris.bin" "$T/iris.csv" --label-col last >"$T/ip"
head -1 "$T/ip" | grep -qx setosa && [ "$(sort -u "$T/ip" | tr '\n' ' ')" = "setosa versicolor virginica " ] && ok "names as labels: predict prints setosa, versicolor, virginica" || bad "names: $(sort -u "$T/ip")"
"$NN" info "$T/iris.bin" | grep -q "classes 0=setosa, 1=versicolor, 2=virginica" && ok "the class names are stored in the model" || bad "names in info"
tr ',' ';' <"$T/iris.csv" >"$T/v-semicolon"
tr ',' '\t' <"$T/iris.csv" >"$T/v-tab"
awk -F, '{print "  "$1"   "$2" "$3"  "$4" "$5" "}' "$T/iris.csv" >"$T/v-space"
awk -F, '{print $1"\t "$2" "$3"\t"$4" "$5}' "$T/iris.csv" >"$T/v-mixed"
awk -F, '{print "\""$1"\",\""$2"\","$3","$4",\""$5"\""}' "$T/iris.csv" >"$T/v-quoted"
sed 's/$/\r/' "$T/iris.csv" >"$T/v-crlf"
{ echo "sepal length,sepal width,petal length,petal width,species"; cat "$T/iris.csv"; } >"$T/v-header"
awk '{print; if (NR % 10 == 0) print ""}' "$T/iris.csv" >"$T/v-blank"
head -c -1 "$T/iris.csv" >"$T/v-nofinal"
same=1
for v in semicolon tab space quoted crlf header blank nofinal; do
    "$NN" predict "$T/iris.bin" "$T/v-$v" --label-col last | cmp -s - "$T/ip" || { same=0; bad "CSV dialect $v predicts differently"; }
    a=$("$NN" eval "$T/iris.bin" "$T/v-$v" --label-col last | head -1) b=$("$NN" eval "$T/iris.bin" "$T/iris.csv" --label-col last | head -1)
    [ "$a" = "$b" ] || { same=0; bad "CSV dialect $v evaluates differently: $a vs $b"; }
done
[ $same = 1 ] && ok "the same rows as , ; tab whitespace quoted CRLF header blank-lines no-final-newline: same answers"
"$NN" predict "$T/iris.bin" "$T/v-mixed" --label-col last --sep space | cmp -s - "$T/ip" && ok "--sep space: runs of spaces and tabs" || bad "--sep space"
"$NN" predict "$T/iris.bin" "$T/v-semicolon" --label-col last --sep , >/dev/null 2>"$T/err"; [ $? = 1 ] && ok "--sep , on a ; file is an error" || bad "--sep forced"
printf '5.1,3.5,1.4,0.2,setosa\n5.1,3.5,1.4,0.2,"setosa\n' >"$T/unterminated.csv"
expect "unterminated quote" 1 "unterminated.csv:2: column 5: a quote that does not close" "$NN" eval "$T/iris.bin" "$T/unterminated.csv" --label-col last
printf '5.1,3.5,1.4,0.2,setosa\n5.0,3.0,1.0,0.1,tulip\n' >"$T/tulip.csv"
expect "unknown class name" 1 "tulip.csv:2: label 'tulip' is not one of the 3 classes" "$NN" eval "$T/iris.bin" "$T/tulip.csv" --label-col last
expect "bad --sep" 2 "--sep 'pipe'" "$NN" train --train "$D" --sep pipe

# ---- --standardize ------------------------------------------------------------------
printf '1,10,0\n3,10,1\n1,10,0\n3,10,1\n' >"$T/st.csv"   # column 1: mean 2, deviation 1; column 2: constant
"$NN" train --train "$T/st.csv" --label-col last --standardize --epochs 500 --batch 2 --quiet --out "$T/st.bin" &&
    "$NN" export "$T/st.bin" --c "$T/st.h" && tr -d ' \n' <"$T/st.h" | grep -q 'nn_mean\[2\]={2.0f,10.0f};' &&
    tr -d ' \n' <"$T/st.h" | grep -q 'nn_rsd\[2\]={1.0f,1.0f};' && "$NN" info "$T/st.bin" | grep -q "inputs standardized" &&
    "$NN" eval "$T/st.bin" "$T/st.csv" --label-col last | grep -q "accuracy 1.0000" &&
    ok "--standardize: mean 2 and deviation 1 stored (a constant column left as is), used by eval" || bad "--standardize: $(grep -A1 nn_mean "$T/st.h")"
"$NN" train --train "$D" --label-col last --holdout 297 --standardize --layers 64-40tanh-10softmax --eta 0.1 --epochs 20 --out "$T/sd.bin" 2>"$T/sdlog"
acc=$(sed -n 's/.*test accuracy \([0-9.]*\)%.*/\1/p' "$T/sdlog")
awk -v a="$acc" 'BEGIN{exit !(a >= 93)}' && ok "--standardize on the digits: $acc%" || bad "--standardize digits '$acc'"
"$NN" predict "$T/sd.bin" - --probs <"$T/feat.csv" | cmp -s - <("$NN" predict "$T/sd.bin" "$D" --label-col last --probs) && ok "standardized: streamed and file predictions agree" || bad "standardize stream"
"$NN" export "$T/sd.bin" --c "$T/sd.h" && cc -std=c11 -O2 -DNN_HEADER="\"$T/sd.h\"" -o "$T/fw2" "$top/tests/export_main.c" -lm &&
    "$T/fw2" <"$T/feat.csv" | cut -d, -f1 | cmp -s - <("$NN" predict "$T/sd.bin" "$T/feat.csv") && ok "export --c of a standardized model gives the same labels" || bad "export standardized"
expect "scale and standardize" 2 "--scale or --standardize" "$NN" train --train "$D" --scale 16 --standardize

# ---- show -------------------------------------------------------------------------
# row 0 of the 2x2 fixture is 1 2 / 3 4: column means (0 + 2/3)/2 and (1/3 + 1)/2 of the range
[ "$("$NN" show "$T/img-images-idx3-ubyte" --ascii)" = "$(printf 'row 0: label 0\n-*')" ] && ok "show --ascii draws the pixels, with the label from beside" || bad "show ascii: $("$NN" show "$T/img-images-idx3-ubyte" --ascii)"
[ "$("$NN" show "$T/img-images-idx3-ubyte" --index 1 --count 5 --color | grep -o $'\u2580' | wc -l)" = 4 ] && ok "show: Unicode half blocks, two pixels each, rows to the end" || bad "show half blocks"
[ "$("$NN" show "$D" --label-col last --index 3 --count 2 --ascii | grep -c '^row')" = 2 ] && ok "show --index --count on CSV" || bad "show csv"
expect "show past the end" 1 "--index 9 is past the end" "$NN" show "$T/img-images-idx3-ubyte" --index 9
"$NN" eval "$T/d.bin" "$D" --label-col last --errors 2 --show --ascii | sed -n '/most confidently wrong/,$p' | awk 'NR>1' | wc -l | grep -qx 10 &&
    ok "eval --errors 2 --show draws the two rows" || bad "eval --show"

# ---- corrupted models ------------------------------------------------------------
cp "$T/d.bin" "$T/flip.bin" && printf '\377' | dd of="$T/flip.bin" bs=1 seek=500 conv=notrunc 2>/dev/null
expect "model byte flipped" 1 "flip.bin: checksum mismatch" "$NN" predict "$T/flip.bin" "$T/feat.csv"
head -c 300 "$T/d.bin" >"$T/short.bin"
expect "model truncated" 1 "short.bin: checksum mismatch" "$NN" eval "$T/short.bin" "$D"
expect "model foreign" 1 "not an nn model file" "$NN" info "$D"
expect "model empty" 1 "empty.csv: empty file, not an nn model" "$NN" info "$T/empty.csv"
expect "model missing" 1 "cannot open" "$NN" info "$T/nope.bin"
# models of format versions 2 and 3, written by the builds before versions 3 and 4 (tests/models/README.md)
# (labels exactly; outputs within 1e-5, as builds for other vector units round differently)
"$NN" predict "$top/tests/models/iris-v2.bin" "$top/data/iris.csv" --label-col last 2>/dev/null | cmp -s - "$top/tests/models/iris-v2.labels" &&
    "$NN" predict "$top/tests/models/iris-v2.bin" "$top/data/iris.csv" --label-col last --probs 2>/dev/null |
    paste -d, - "$top/tests/models/iris-v2.probs" | awk -F, '{ for (k = 1; k <= 3; k++) if ($k - $(k + 3) > 1e-5 || $(k + 3) - $k > 1e-5) bad = 1 } END { exit bad || NR != 150 }' &&
    "$NN" info "$top/tests/models/iris-v2.bin" | cmp -s - "$top/tests/models/iris-v2.info" &&
    ok "a version 2 model loads and answers as the build that wrote it did" || bad "version 2 model: answers differ"
"$NN" predict "$top/tests/models/iris-v3.bin" "$top/data/iris.csv" --label-col last 2>/dev/null | cmp -s - "$top/tests/models/iris-v3.labels" &&
    "$NN" predict "$top/tests/models/iris-v3.bin" "$top/data/iris.csv" --label-col last --probs 2>/dev/null |
    paste -d, - "$top/tests/models/iris-v3.probs" | awk -F, '{ for (k = 1; k <= 3; k++) if ($k - $(k + 3) > 1e-5 || $(k + 3) - $k > 1e-5) bad = 1 } END { exit bad || NR != 150 }' &&
    "$NN" info "$top/tests/models/iris-v3.bin" | cmp -s - "$top/tests/models/iris-v3.info" &&
    ok "a version 3 model loads and answers as the build that wrote it did" || bad "version 3 model: answers differ"

# ---- output: atomic save, stdout errors ------------------------------------------------
cp "$T/d.bin" "$T/keep.bin"
mkdir "$T/ro" && cp "$T/d.bin" "$T/ro/m.bin" && chmod 555 "$T/ro"
# an unwritable directory: a read-only one, or for root (as CI runs), sysfs,
# where even root cannot create a file
if [ "$(id -u)" != 0 ]; then ro=$T/ro; else ro=/sys; fi
expect "unwritable directory ($ro): reported before training" 1 "$ro/m.bin: cannot write there" "$NN" train --train "$D" --label-col last --epochs 1 --out "$ro/m.bin"
grep -q '^epoch' "$T/err" && bad "unwritable directory reported only after training"
cmp -s "$T/ro/m.bin" "$T/keep.bin" && ok "old model survives a failed save" || bad "old model damaged"
chmod 755 "$T/ro"
if [ -w /dev/full ]; then
    expect "stdout full" 1 "error writing to standard output" sh -c "'$NN' predict '$T/d.bin' '$T/feat.csv' >/dev/full"
fi
(ulimit -f 1; "$NN" train --train "$D" --label-col last --epochs 1 --layers 64-200-10 --out "$T/keep.bin" 2>"$T/err"; echo $? >"$T/rc")
[ "$(cat "$T/rc")" = 1 ] && cmp -s "$T/keep.bin" "$T/d.bin" && ok "file-size limit: save fails with status 1, old model kept" || bad "ulimit -f save: rc $(cat "$T/rc") $(cat "$T/err")"
ls "$T" | grep -q '\.tmp\.' && bad "temporary file left behind" || ok "no temporary file left behind"

summary cli
