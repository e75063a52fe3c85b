#!/bin/bash
# End-to-end tests of the nn command: learning on real data, round trips,
# determinism, and a table of bad inputs with their exit status and message.
# Usage: tests/cli.sh [path/to/nn]   (prints PASS/FAIL lines and a summary)
set -u
NN=${1:-./nn}
NN=$(cd "$(dirname "$NN")" && pwd)/$(basename "$NN")
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "PASS $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

# expect NAME STATUS PATTERN CMD...: CMD exits with STATUS, its stderr
# contains PATTERN (grep -E), and nothing reaches stdout.
expect() {
    local name=$1 want=$2 pat=$3
    shift 3
    "$@" >"$T/out" 2>"$T/err"
    local got=$?
    if [ "$got" != "$want" ]; then
        bad "$name: exit $got, wanted $want; stderr: $(head -c 300 "$T/err")"
    elif ! grep -qE -- "$pat" "$T/err"; then
        bad "$name: stderr lacks /$pat/: $(head -c 300 "$T/err")"
    elif [ "$want" != 0 ] && [ -s "$T/out" ]; then
        bad "$name: wrote to stdout on error"
    else
        ok "$name"
    fi
}

# ---- fixtures ---------------------------------------------------------------
D="$top/data/digits.csv"
printf '\0\0\10\3\0\0\0\3\0\0\0\2\0\0\0\2\1\2\3\4\5\6\7\10\11\12\13\14' >"$T/img-images-idx3-ubyte"
printf '\0\0\10\1\0\0\0\3\0\1\2' >"$T/img-labels-idx1-ubyte"
printf '\0\0\10\1\0\0\0\4\0\1\2\3' >"$T/four-labels"
printf '\1\0\10\3\0\0\0\3\0\0\0\2\0\0\0\2\1\2\3\4\5\6\7\10\11\12\13\14' >"$T/badmagic-idx"
head -c 27 "$T/img-images-idx3-ubyte" >"$T/trunc-images-idx3-ubyte"
printf '\0\0\10\3\377\377\377\377\377\377\377\377\377\377\377\377' >"$T/huge-idx"
printf '\0\0\15\3\0\0\0\1\0\0\0\1\0\0\0\1\0\0\0\0' >"$T/float-idx"
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
expect "spec trailing junk" 2 "unexpected 'x'" "$NN" info --layers 784-30-10x
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
expect "input size mismatch" 2 "784 inputs, but .* has 64 features" "$NN" train --layers 784-30-10 --train "$D" --label-col last
expect "too few outputs" 2 "output layer has 5 neurons, but the labels go up to 9" "$NN" train --layers 64-30-5 --train "$D" --label-col last

# ---- bad data: data errors (exit 1) ---------------------------------------------
expect "missing file" 1 "nope.csv: cannot open" "$NN" train --train "$T/nope.csv"
expect "directory" 1 "is a directory" "$NN" train --train "$T/dir"
expect "empty file" 1 "empty.csv: empty data file" "$NN" train --train "$T/empty.csv"
expect "ragged csv" 1 "ragged.csv:2: 2 columns, but the first line has 3" "$NN" train --train "$T/ragged.csv"
expect "non-numeric csv" 1 "nonnum.csv:2: column 2: 'x5' is not a number" "$NN" train --train "$T/nonnum.csv"
expect "nan in csv" 1 "nan.csv:2: column 2: 'nan' is not a number" "$NN" train --train "$T/nan.csv"
expect "binary file" 1 "binary data" "$NN" train --train "$T/binary"
expect "idx bad magic" 1 "" "$NN" train --train "$T/badmagic-idx"
expect "idx truncated" 1 "trunc-images-idx3-ubyte: IDX header says 12 bytes of data, but the file has 11" "$NN" train --train "$T/trunc-images-idx3-ubyte" --train-labels "$T/img-labels-idx1-ubyte"
expect "idx huge dims" 1 "too large" "$NN" train --train "$T/huge-idx" --train-labels "$T/img-labels-idx1-ubyte"
expect "idx float type" 1 "type 0x0D is not supported" "$NN" train --train "$T/float-idx"
expect "idx label count" 1 "4 labels for 3 images" "$NN" train --train "$T/img-images-idx3-ubyte" --train-labels "$T/four-labels"
expect "idx labels as images" 1 "1 dimension" "$NN" train --train "$T/img-labels-idx1-ubyte"
cp "$T/img-images-idx3-ubyte" "$T/solo-images-idx3-ubyte"
expect "idx labels not found" 1 "need a labels file" "$NN" train --train "$T/solo-images-idx3-ubyte"
expect "idx labels beside found" 0 "saved" "$NN" train --train "$T/img-images-idx3-ubyte" --epochs 2 --out "$T/tiny.bin"
expect "gzip not yet" 1 "gzip" "$NN" train --train <(printf '\037\213\010\000')

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
expect "eval labels beyond outputs" 1 "labels go up to 12" "$NN" eval "$T/xor.bin" "$T/biglabel.csv" --label-col last

# ---- corrupted models ------------------------------------------------------------
cp "$T/d.bin" "$T/flip.bin" && printf '\377' | dd of="$T/flip.bin" bs=1 seek=500 conv=notrunc 2>/dev/null
expect "model byte flipped" 1 "flip.bin: checksum mismatch" "$NN" predict "$T/flip.bin" "$T/feat.csv"
head -c 300 "$T/d.bin" >"$T/short.bin"
expect "model truncated" 1 "short.bin: checksum mismatch" "$NN" eval "$T/short.bin" "$D"
expect "model foreign" 1 "not an nn model file" "$NN" info "$D"
expect "model empty" 1 "not an nn model file" "$NN" info "$T/empty.csv"
expect "model missing" 1 "cannot open" "$NN" info "$T/nope.bin"

# ---- output: atomic save, stdout errors ------------------------------------------------
cp "$T/d.bin" "$T/keep.bin"
mkdir "$T/ro" && cp "$T/d.bin" "$T/ro/m.bin" && chmod 555 "$T/ro"
if [ "$(id -u)" != 0 ]; then
    expect "unwritable directory" 1 "cannot create a temporary file" "$NN" train --train "$D" --label-col last --epochs 1 --out "$T/ro/m.bin"
    cmp -s "$T/ro/m.bin" "$T/keep.bin" && ok "old model survives a failed save" || bad "old model damaged"
fi
chmod 755 "$T/ro"
if [ -w /dev/full ]; then
    expect "stdout full" 1 "error writing to standard output" sh -c "'$NN' predict '$T/d.bin' '$T/feat.csv' >/dev/full"
fi
(ulimit -f 1; "$NN" train --train "$D" --label-col last --epochs 1 --layers 64-200-10 --out "$T/keep.bin" 2>"$T/err"; echo $? >"$T/rc")
[ "$(cat "$T/rc")" = 1 ] && cmp -s "$T/keep.bin" "$T/d.bin" && ok "file-size limit: save fails with status 1, old model kept" || bad "ulimit -f save: rc $(cat "$T/rc") $(cat "$T/err")"
ls "$T" | grep -q '\.tmp\.' && bad "temporary file left behind" || ok "no temporary file left behind"

echo "cli: $pass passed, $fail failed"
[ "$fail" = 0 ]
