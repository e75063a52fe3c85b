#!/bin/bash
# The command line itself: nn help and --version; every command's --help
# (exit 0, on stdout, each of the command's options listed, and each option
# it lists described in the man page nn.1); usage errors (exit 2) for bad
# layer specs, flags and values, with suggestions for misspelt commands and
# options; inputs that cannot work refused at once (one pipe given twice);
# messages and warnings worded right; the README's and the man page's
# examples.  Exit codes: 0 success, 1 data or runtime error, 2 usage error.
# Usage: tests/cli.sh [path/to/nn]   (prints PASS/FAIL/SKIP lines and a summary)
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

# ---- help and usage -----------------------------------------------------------
"$NN" --version | grep -q '^nn ' && ok "--version prints nn VERSION" || bad "--version"
"$NN" help >"$T/h" && grep -q 'train' "$T/h" && ok "nn help prints the commands (train among them)" || bad "help"
for c in train predict eval info; do
    "$NN" $c --help >"$T/h" && grep -q -- '--' "$T/h" && ok "nn $c --help prints options" || bad "$c --help"
done
"$NN" train --help | grep -q 'eta RATE.*default: 3.0' && ok "help shows defaults" || bad "help shows defaults"
expect "nn without a command: usage, exit 2" 2 "usage" "$NN"
expect "unknown command suggests" 2 "did you mean 'train'" "$NN" trian
expect "unknown option suggests" 2 "did you mean --epochs" "$NN" train --epoch 3
expect "an option's value given as an option: --json" 2 "unknown option --json; did you mean --format json\?" "$NN" predict m.bin x.csv --json
expect "an option's value given as an option: --adam" 2 "unknown option --adam; did you mean --optimizer adam\?" "$NN" train --adam
# ---- every command's --help: its options, and the man page's ---------------------------
# the options each command must list, by hand (an option dropped from a help is noticed)
declare -A opts=(
    [train]="--train --train-labels --test --test-labels --layers --hidden --output --cost --eta --epochs --batch --optimizer
             --momentum --beta1 --beta2 --epsilon --init --lambda --dropout --schedule --step --gamma --val --patience --holdout
             --folds --seed --threads --scale --standardize --label-col --target --ignore --missing --header --sep --augment
             --out --checkpoint --every --resume --log --report --quiet"
    [predict]="--probs --top --format --label-col --header --sep --threads"
    [eval]="--labels --label-col --header --sep --errors --show --ascii --color --threads"
    [info]="--layers"
    [show]="--labels --label-col --header --sep --index --count --ascii --color --width"
    [weights]="--pgm --width"
    [export]="--c --int8 --prefix --onnx --test --labels --threads"
    [explain]="--index --row --class --out --labels --label-col --header --sep --ascii --color"
    [report]="--out --labels --label-col --header --sep --threads"
    [serve]="--listen --workers --max-body --max-rows --max-conns --timeout --idle --keep --batch --quiet"
)
cmds=$("$NN" help | sed -n '/^commands:/,/^$/p' | awk 'NR > 1 && NF && $1 != "help" { print $1 }' | sort | tr '\n' ' ')
[ "$cmds" = "eval explain export info predict report serve show train weights " ] && ok "nn help lists the commands eval explain export info predict report serve show train weights" ||
    bad "nn help lists the commands '$cmds'"
for c in train predict eval info show weights export explain report serve; do
    "$NN" $c --help >"$T/h" 2>"$T/he"
    rc=$?
    missing=""
    for o in ${opts[$c]} --help; do grep -qE -- "^ +$o( |$)" "$T/h" || missing="$missing $o"; done
    n=$(echo ${opts[$c]} | wc -w)
    if [ $rc = 0 ] && [ ! -s "$T/he" ] && head -1 "$T/h" | grep -q "^usage: nn $c " && [ -z "$missing" ]; then
        ok "nn $c --help: exit 0, the usage on stdout, nothing on stderr, each of its options ($n) and --help listed"
    else
        bad "nn $c --help: exit $rc, stderr '$(head -c 100 "$T/he")', first line '$(head -1 "$T/h")', options not listed:$missing"
    fi
    # the man page describes every option that the help lists (written \-\-name in roff)
    undoc="" listed=0
    for o in $(grep -oE '^ +--[a-z0-9][a-z0-9-]*' "$T/h" | tr -d ' '); do
        listed=$((listed + 1))
        roff=${o//-/'\\-'}
        grep -qE -- "($roff|$o)([^-a-z0-9\\\\]|\$)" "$top/nn.1" || undoc="$undoc $o"
    done
    [ $listed -gt 0 ] && [ -z "$undoc" ] && ok "nn.1 mentions each option that nn $c --help lists ($listed)" ||
        bad "nn.1 does not mention these options of nn $c --help:$undoc"
done

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
expect "--eta without its value: a usage error" 2 "needs a value" "$NN" train --eta
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

# ---- messages: limits stated, singular and plural, options that have no effect -----------
TR="--train iris_named.csv --label-col last --epochs 2 --threads 1 --quiet"
expect "--eta 1e7 states the limit" 2 "--eta '1e7'.*(1e6|1e\+06|1000000)" "$NN" train --eta 1e7 --train iris.csv
expect "--lambda 1e7 states the limit" 2 "--lambda '1e7'.*(1e6|1e\+06|1000000)" "$NN" train --lambda 1e7 --train iris.csv
out=$(timeout 5 "$NN" help --help 2>&1)
rc=$?
[ $rc = 0 ] && echo "$out" | grep -q 'usage' && ok "nn help --help: the help" || bad "nn help --help: exit $rc: $(echo "$out" | head -2)"
"$NN" unknowncmd 2>&1 | grep -q "help --help" && bad "an unknown command suggests 'nn help --help'" || ok "an unknown command does not suggest 'nn help --help'"
expect "--val 0 is accepted (the default)" 0 "" "$NN" train $TR --val 0 --out v0.bin
expect "--holdout 0 is accepted (the default)" 0 "" "$NN" train $TR --holdout 0 --out h0.bin
"$NN" train --train iris_named.csv --label-col last --epochs 1 --threads 1 --out t.bin >/dev/null 2>err
grep -q '1 thread\b' err && ! grep -q '1 threads' err && ok "train says '1 thread', not '1 threads'" || bad "$(grep -o '1 threads' err)"
grep -qE '\b1 epochs' err && bad "'1 epochs': $(grep '1 epochs' err)" || ok "train never says '1 epochs'"
"$NN" train --train iris_named.csv --label-col last --layers 4-30-1 --out t.bin >/dev/null 2>err
rc=$?
[ $rc != 0 ] && grep -q 'output layer has 1 neuron,' err && ok "an output layer of one neuron is '1 neuron' in the message" || bad "'1 neuron': exit $rc: $(grep -v header err | head -c 200)"
TRW="--train iris_named.csv --label-col last --epochs 1 --threads 1 --out w.bin"
for o in "--every 2" "--gamma 0.5" "--optimizer adam --momentum 0.5" "--beta1 0.5"; do
    "$NN" train $TRW $o >/dev/null 2>err
    opt=$(echo "$o" | grep -o -- '--[a-z0-9]*' | tail -1)
    grep -qi -- "warning.*$opt" err && ok "'$o': a warning that $opt has no effect" || bad "'$o': no warning that $opt has no effect"
done
"$NN" train $TRW --test-labels x >/dev/null 2>err
grep -qi 'test-labels' err && ok "--test-labels without --test: a warning or an error" || bad "--test-labels without --test: nothing said"

# ---- docs and help -----------------------------------------------------------------
mkdir -p rd && ln -s "$top/data" rd/data
make_cmd=$(grep -o 'nn train [^`]*--out digits\.bin[^`]*' "$top/README.md" | head -1)
if [ -n "$make_cmd" ]; then
    want=$(sed -n '/nn eval digits.bin/{n;p;}' "$top/README.md")
    got=$(cd rd && eval "\"$NN\" ${make_cmd#nn }" >/dev/null 2>&1 && "$NN" eval digits.bin data/digits.csv --label-col last --errors 2 | head -1)
    [ -n "$want" ] && [ "$got" = "$want" ] && ok "README: digits.bin is made as it says, and eval prints '$want'" || bad "README eval example: '$got' vs '$want'"
else
    bad "README: the eval example uses digits.bin without saying how it is made"
fi
grep -q 'idx3\\-ubyte\.gz' "$top/nn.1" && bad "man page: an example names data/t10k-images-idx3-ubyte.gz, which get-data.sh does not make" || ok "man page: examples name the files get-data.sh makes"
dup=""
for c in train predict eval info show weights export; do
    dup="$dup$("$NN" $c --help 2>&1 | grep -E 'default.*default|see text')"
done
[ -z "$dup" ] && ok "--help: each default stated once" || bad "--help repeats defaults: $(echo "$dup" | head -c 200)"
"$NN" train --help | grep -- '--label-col' | grep -q 'default: auto' && ok "train --help: --label-col default auto" || bad "train --help gives --label-col default: $("$NN" train --help | grep -o -- '--label-col.*')"
"$NN" train -h >out 2>err
rc=$?
[ $rc = 0 ] && grep -q 'usage: nn train' out && ok "nn train -h" || bad "nn train -h: exit $rc: $(head -c 100 err)"

# ---- inputs that cannot work are refused at once; limits of --seed; info --layers checks as train does
rm -f ff && mkfifo ff
expect "--train and --test the same FIFO: refused at once" 2 "same pipe or device, which can be read only once" timeout 10 "$NN" train --train ff --test ff --label-col last --out x.bin
expect "predict - -: refused" 2 "MODEL and INPUT are both standard input" "$NN" predict - - <iris.bin
expect "eval - -: refused" 2 "MODEL and DATA are both standard input" "$NN" eval - - <iris.bin
rm -f ff
expect "--seed 2^64-1 accepted" 0 "" "$NN" train --train iris.csv --label-col last --seed 18446744073709551615 --epochs 1 --quiet --out x.bin
expect "--seed 2^64 refused with the limit" 2 "from 0 to 18446744073709551615" "$NN" train --train iris.csv --label-col last --seed 18446744073709551616 --epochs 1 --out x.bin
expect "info --layers: softmax hidden refused" 2 "softmax is for the output layer only" "$NN" info --layers 4-3softmax-2
expect "info --layers: relu output refused" 2 "relu is for hidden layers" "$NN" info --layers 4-3-2relu

summary cli
